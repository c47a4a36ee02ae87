from django.urls import path

from flywheel.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("bell/", views.bell, name="bell"),
    path("read/", views.mark_all_read, name="mark_all_read"),
    path("<int:notification_id>/read/", views.mark_read, name="mark_read"),
]
