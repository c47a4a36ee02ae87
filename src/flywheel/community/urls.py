from django.urls import path

from flywheel.community import views

app_name = "community"
urlpatterns = [
    path("", views.home, name="home"),
    path("spaces.css", views.spaces_css, name="spaces_css"),
    path("spaces/", views.spaces, name="spaces"),
    path("s/<slug:slug>/", views.space, name="space"),
    path("s/<slug:slug>/unanswered/", views.space_unanswered, name="space_unanswered"),
    path("s/<slug:slug>/members/", views.space_members, name="space_members"),
    path("s/<slug:slug>/new/", views.new_topic, name="new_topic"),
    path("s/<slug:slug>/membership/", views.space_join, name="space_join"),
    path("s/<slug:slug>/follow/", views.space_follow, name="space_follow"),
    path("t/<str:slug>/<int:topic_id>/", views.topic, name="topic"),
    path("t/<int:topic_id>/reply/", views.reply, name="reply"),
    path("t/<int:topic_id>/follow/", views.topic_follow, name="topic_follow"),
    path("t/<int:topic_id>/moderate/", views.topic_moderate, name="topic_moderate"),
    path("p/<int:post_id>/", views.post_permalink, name="post"),
    path("p/<int:post_id>/react/", views.post_react, name="post_react"),
    path("p/<int:post_id>/react/picker/", views.post_reaction_picker, name="post_reaction_picker"),
    path("p/<int:post_id>/flag/", views.post_flag_form, name="post_flag_form"),
    path("p/<int:post_id>/edit/", views.post_edit, name="post_edit"),
    path("p/<int:post_id>/delete/", views.post_delete, name="post_delete"),
    path("p/<int:post_id>/accept/", views.post_accept, name="post_accept"),
    path("p/<int:post_id>/history/", views.post_history, name="post_history"),
    path("images/upload/", views.image_upload, name="image_upload"),
    path("images/<str:key>.webp", views.image, name="image"),
    path("images/<str:key>/full.webp", views.image, {"full": True}, name="image_full"),
]
