app_name = "playbook"
urlpatterns: list = []
