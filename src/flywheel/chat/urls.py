from django.urls import path

from flywheel.chat import views

app_name = "chat"

urlpatterns = [
    path("chat/", views.room_list, name="rooms"),
    path("chat/r/<int:room_id>/", views.room, name="room"),
    path("chat/r/<int:room_id>/messages/", views.messages, name="messages"),
    path("chat/r/<int:room_id>/read/", views.read, name="read"),
    path("chat/r/<int:room_id>/online/", views.online, name="online"),
    path("chat/r/<int:room_id>/moderate/", views.moderate, name="moderate"),
    path("chat/m/<int:message_id>/edit/", views.edit, name="edit"),
    path("chat/m/<int:message_id>/delete/", views.delete, name="delete"),
    path("chat/m/<int:message_id>/react/", views.react, name="react"),
    path("chat/m/<int:message_id>/flag/", views.flag, name="flag"),
    path("chat/search/", views.search, name="search"),
    path("chat/direct/", views.start_direct, name="direct"),
    path("chat/settings/", views.chat_settings, name="settings"),
]
