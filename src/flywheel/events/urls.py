from django.urls import path

from flywheel.events import views

app_name = "events"

urlpatterns = [
    path("events/", views.event_list, name="list"),
    path("events/new/", views.schedule, name="schedule"),
    path("events/mine/", views.my_events, name="mine"),
    path("events/feed.ics", views.events_feed, name="feed"),
    path("events/<int:event_id>/event.ics", views.event_ics, name="ics"),
    path("events/<int:event_id>/rsvp/", views.rsvp, name="rsvp"),
    path("events/<int:event_id>/check-in/", views.check_in, name="check_in"),
    path("events/<int:event_id>/questions/", views.questions, name="questions"),
    path("events/<int:event_id>/manage/", views.manage, name="manage"),
    path("events/<int:event_id>/<str:slug>/", views.event_detail, name="detail"),
    path("events/questions/<int:question_id>/vote/", views.vote, name="vote"),
    path("events/questions/<int:question_id>/answer/", views.answer, name="answer"),
    path("events/questions/<int:question_id>/dismiss/", views.dismiss, name="dismiss"),
    path("chapters/", views.chapter_list, name="chapters"),
    path("chapters/new/", views.chapter_new, name="chapter_new"),
    path("chapters/<slug:slug>/", views.chapter_detail, name="chapter"),
    path("chapters/<slug:slug>/membership/", views.chapter_membership, name="chapter_membership"),
    path("chapters/<slug:slug>/organisers/", views.chapter_organisers, name="chapter_organisers"),
]
