from django.urls import path

from flywheel.reviews import views

app_name = "reviews"

urlpatterns = [
    path("products/<int:product_id>/reviews/", views.product_reviews, name="product"),
    path("products/<int:product_id>/reviews/write/", views.write_review, name="write"),
    path("reviews/<int:review_id>/edit/", views.edit_review, name="edit"),
    path("reviews/<int:review_id>/helpful/", views.vote_helpful, name="helpful"),
    path("reviews/<int:review_id>/reply/", views.reply, name="reply"),
    path("reviews/<int:review_id>/flag/", views.flag, name="flag"),
    path(
        "reviews/<int:review_id>/publish/",
        views.moderate,
        {"decision": "publish"},
        name="publish",
    ),
    path("reviews/<int:review_id>/reject/", views.moderate, {"decision": "reject"}, name="reject"),
    path("me/reviews/", views.my_reviews, name="mine"),
    path("reviews/request/<str:token>/", views.request_landing, name="request"),
    path("reviews/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("widget/products/<int:product_id>/reviews/", views.widget, name="widget"),
    path("widget/reviews.js", views.widget_script, name="widget_script"),
]
