from django.urls import path

from maturity import views

app_name = "maturity"
urlpatterns = [
    path("", views.model_page, name="model"),
    path("<slug:key>/", views.model_page, name="model_detail"),
]
