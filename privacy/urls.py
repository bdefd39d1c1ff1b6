from django.urls import path

from privacy import views

app_name = "privacy"
urlpatterns = [
    path("privacy/", views.notice, name="notice"),
    path("cookies/", views.cookies, name="cookies"),
    path("account/", views.account, name="account"),
    path("account/your-data.json", views.download, name="download"),
    path("people/<int:pk>/erase/", views.erase, name="erase"),
]
