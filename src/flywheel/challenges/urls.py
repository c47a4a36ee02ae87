from django.urls import path

from flywheel.challenges import views

app_name = "challenges"

urlpatterns = [
    path("challenges/", views.challenge_list, name="list"),
    path("challenges/<int:challenge_id>/", views.challenge_detail, name="detail"),
    path("challenges/<int:challenge_id>/join/", views.join, name="join"),
    path("challenges/<int:challenge_id>/check-in/", views.check_in, name="check_in"),
    path("manage/challenges/", views.manage_list, name="manage"),
    path("manage/challenges/new/", views.manage_new, name="new"),
    path("manage/challenges/<int:challenge_id>/", views.manage_edit, name="edit"),
]
