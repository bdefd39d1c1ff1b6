from django.urls import path

from progress import views

app_name = "teams"
urlpatterns = [
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/history.csv", views.export_csv, name="export_csv"),
    path("<slug:slug>/history.json", views.export_json, name="export_json"),
]
