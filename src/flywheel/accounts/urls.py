from django.urls import path

from flywheel.accounts import views

app_name = "accounts"
urlpatterns = [
    path("members/<str:handle>/", views.profile, name="profile"),
    path("members/<str:handle>/follow/", views.follow_member, name="follow"),
    path("members/<str:handle>/unfollow/", views.unfollow_member, name="unfollow"),
    path("settings/profile/", views.profile_settings, name="settings"),
    path("settings/tokens/", views.tokens, name="tokens"),
    path("settings/tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke_token"),
    path("settings/language/", views.set_language, name="set_language"),
]
