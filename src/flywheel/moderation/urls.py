from django.urls import path

from flywheel.moderation import views

app_name = "moderation"
urlpatterns = [
    path("guidelines/", views.guidelines, name="guidelines"),
    path("guidelines/accept/", views.guidelines_accept, name="guidelines_accept"),
    path("moderation/guidelines/", views.guidelines_edit, name="guidelines_edit"),
    path("moderation/flag/post/<int:post_id>/", views.flag_post, name="flag_post"),
    path("moderation/flag/member/<str:handle>/", views.flag_member, name="flag_member"),
    path("moderation/queue/", views.queue, name="queue"),
    path("moderation/queue/<int:item_id>/", views.queue_action, name="queue_action"),
    path("moderation/topics/<int:topic_id>/", views.topic_tools, name="topic_tools"),
    path("moderation/notices/", views.notices, name="notices"),
    path("moderation/sanctions/<int:sanction_id>/appeal/", views.appeal, name="appeal"),
    path("moderation/blocked/", views.blocked, name="blocked"),
    path(
        "moderation/members/<str:handle>/sanctions/",
        views.member_sanctions,
        name="member_sanctions",
    ),
    path("moderation/appeals/", views.appeals, name="appeals"),
    path("moderation/appeals/<int:appeal_id>/", views.appeal_decide, name="appeal_decide"),
    path("moderation/audit/", views.audit, name="audit"),
    path("moderation/audit/export.csv", views.audit_export, name="audit_export"),
]
