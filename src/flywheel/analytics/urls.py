from django.urls import path

from flywheel.analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("retention/", views.retention, name="retention"),
    path("commerce/", views.commerce, name="commerce"),
    path("voice/", views.voice, name="voice"),
    path("members/", views.members, name="members"),
    path("members/<str:handle>/", views.member, name="member"),
    path("segments/<str:name>.csv", views.segment_csv, name="segment_csv"),
    path("segments/<str:name>/push/", views.segment_push, name="segment_push"),
    path("pushes/<int:push_id>/resend/", views.segment_push_resend, name="segment_push_resend"),
]
