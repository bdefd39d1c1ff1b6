from django.urls import path

from playbook import views

app_name = "playbook"
urlpatterns = [
    path("", views.entry_list, name="list"),
    path("publish/<int:experiment_pk>/", views.publish, name="publish"),
    path("publish/<int:experiment_pk>/preview/", views.preview, name="preview"),
    path("<slug:slug>/", views.entry_detail, name="entry"),
    path("<slug:slug>/withdraw/", views.withdraw, name="withdraw"),
    path("<slug:slug>/start/", views.start, name="start"),
]
