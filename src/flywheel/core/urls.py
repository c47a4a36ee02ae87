from django.urls import path

from flywheel.core import views

app_name = "core"
urlpatterns = [
    path("healthz", views.health, name="health"),
    path("bench/bare", views.bare, name="bare"),
    path("csrf-token", views.csrf_token, name="csrf_token"),
]
