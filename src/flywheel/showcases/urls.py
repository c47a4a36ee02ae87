from django.urls import path

from flywheel.showcases import views

app_name = "showcases"

urlpatterns = [
    path("showcases/", views.gallery, name="gallery"),
    path("showcases/share/", views.share, name="share"),
    path("showcases/<int:showcase_id>/", views.detail, name="detail"),
    path("showcases/<int:showcase_id>/react/", views.react, name="react"),
    path("showcases/<int:showcase_id>/comment/", views.comment, name="comment"),
    path("showcases/<int:showcase_id>/flag/", views.flag, name="flag"),
    path(
        "showcases/<int:showcase_id>/feature/",
        views.decide,
        {"decision": "feature"},
        name="feature",
    ),
    path(
        "showcases/<int:showcase_id>/unfeature/",
        views.decide,
        {"decision": "unfeature"},
        name="unfeature",
    ),
    path(
        "showcases/<int:showcase_id>/publish/",
        views.decide,
        {"decision": "publish"},
        name="publish",
    ),
    path(
        "showcases/<int:showcase_id>/reject/", views.decide, {"decision": "reject"}, name="reject"
    ),
]
