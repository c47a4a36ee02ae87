from django.urls import path

from flywheel.programming import views

app_name = "programming"

urlpatterns = [
    path("", views.month, name="month"),
    path("new/", views.item_new, name="item_new"),
    path("<int:item_id>/", views.item_edit, name="item_edit"),
    path("<int:item_id>/delete/", views.item_delete, name="item_delete"),
]
