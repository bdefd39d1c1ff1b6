from django.urls import path

from identity import views

app_name = "identity"

urlpatterns = [
    path("start/", views.start, name="start"),
    path("callback/", views.callback, name="callback"),
]
