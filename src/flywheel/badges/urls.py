from django.urls import path

from flywheel.badges import views

app_name = "badges"
urlpatterns = [
    path("badges/", views.directory, name="directory"),
    path("badges/<slug:slug>/", views.detail, name="detail"),
    path("badges/<slug:slug>/award/", views.award, name="award"),
]
