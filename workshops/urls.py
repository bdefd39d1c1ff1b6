from django.urls import path

from workshops import phone, streams, summary, views

app_name = "workshops"
urlpatterns = [
    path("", views.workshop_list, name="list"),
    path("new/", views.create, name="create"),
    path("join/", phone.join, name="join"),
    path("join/<str:code>/", phone.join, name="join_code"),
    path("live/<str:code>/", phone.live, name="live"),
    path("live/<str:code>/events/", streams.phone_events, name="phone_events"),
    path("live/<str:code>/vote/", phone.vote, name="vote"),
    path("live/<str:code>/notes/", phone.note, name="note"),
    path("live/<str:code>/dots/", phone.dot, name="dot"),
    path("<int:pk>/", views.present, name="present"),
    path("<int:pk>/step/", views.go_to, name="go_to"),
    path("<int:pk>/status/", views.set_status, name="status"),
    path("<int:pk>/timer/", views.timer, name="timer"),
    path("<int:pk>/reveal/", views.reveal, name="reveal"),
    path("<int:pk>/record/", views.record, name="record"),
    path("<int:pk>/screen/", views.screen, name="screen"),
    path("<int:pk>/events/", streams.screen_events, name="screen_events"),
    path("<int:pk>/screen/events/", streams.presenter_events, name="presenter_events"),
    path("<int:pk>/revote/", views.revote, name="revote"),
    path("<int:pk>/notes/show/", views.show_notes, name="show_notes"),
    path("<int:pk>/cards/", views.card, name="card"),
    path("<int:pk>/dots/reveal/", views.reveal_dots, name="reveal_dots"),
    path("<int:pk>/choose/", views.choose, name="choose"),
    path("<int:pk>/experiment/", views.experiment, name="experiment"),
    path("<int:pk>/summary/", summary.summary, name="summary"),
    path("<int:pk>/summary/send/", summary.send_summary, name="send_summary"),
]
