from django.urls import path

from flywheel.surveys import views

app_name = "surveys"

urlpatterns = [
    path("s/<slug:slug>/new/poll/", views.new_poll_topic, name="new_poll_topic"),
    path("t/<int:topic_id>/poll/add/", views.add_poll, name="add_poll"),
    path("polls/<int:poll_id>/vote/", views.vote, name="vote"),
    path("polls/<int:poll_id>/close/", views.close_poll, name="close_poll"),
    path("surveys/", views.my_surveys, name="mine"),
    path("surveys/<int:survey_id>/", views.answer_survey, name="answer"),
    path("manage/surveys/", views.staff_surveys, name="staff_list"),
    path("manage/surveys/new/", views.staff_new_survey, name="staff_new"),
    path("manage/surveys/<int:survey_id>/", views.staff_results, name="staff_results"),
    path("manage/surveys/<int:survey_id>/open/", views.staff_open, name="staff_open"),
    path("manage/surveys/<int:survey_id>/close/", views.staff_close, name="staff_close"),
    path("manage/surveys/<int:survey_id>/answers.csv", views.staff_csv, name="staff_csv"),
]
