from django.urls import path

from experiments import views

app_name = "experiments"
urlpatterns = [
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/start/", views.start, name="start"),
    path("<int:pk>/stop/", views.stop, name="stop"),
    path("<int:pk>/finish/", views.finish, name="finish"),
    path("<int:pk>/review-date/", views.change_review_date, name="review_date"),
    path("<int:pk>/notes/", views.add_note, name="add_note"),
]
