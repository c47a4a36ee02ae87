from django.urls import path

from flywheel.ideas import views

app_name = "ideas"

urlpatterns = [
    path("ideas/", views.idea_list, name="list"),
    path("ideas/new/", views.submit, name="new"),
    path("ideas/similar/", views.similar, name="similar"),
    path("ideas/<int:idea_id>/", views.detail, name="detail"),
    path("ideas/<int:idea_id>/support/", views.support, name="support"),
    path("ideas/<int:idea_id>/withdraw/", views.withdraw, name="withdraw"),
    path("ideas/<int:idea_id>/comment/", views.comment, name="comment"),
    path("ideas/<int:idea_id>/flag/", views.flag_idea, name="flag"),
    path("ideas/comments/<int:comment_id>/flag/", views.flag_comment, name="flag_comment"),
    path("ideas/<int:idea_id>/status/", views.change_status, name="status"),
    path("ideas/<int:idea_id>/reward/", views.reward, name="reward"),
    path("ideas/<int:idea_id>/visibility/", views.visibility, name="visibility"),
    path("feedback/", views.board_list, name="boards"),
    path("feedback/<slug:slug>/", views.board, name="board"),
    path("feedback/<slug:slug>/new/", views.new_request, name="new_request"),
    path("feedback/requests/<int:request_id>/", views.request_detail, name="request"),
    path("feedback/requests/<int:request_id>/vote/", views.vote, name="vote"),
    path("feedback/requests/<int:request_id>/unvote/", views.unvote, name="unvote"),
    path("feedback/requests/<int:request_id>/merge/", views.merge, name="merge"),
    path("feedback/requests/<int:request_id>/status/", views.request_status, name="request_status"),
    path("roadmap/", views.roadmap, name="roadmap"),
]
