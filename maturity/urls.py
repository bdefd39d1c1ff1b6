from django.urls import path

from maturity import views

app_name = "maturity"
urlpatterns = [
    path("", views.model_page, name="model"),
]
