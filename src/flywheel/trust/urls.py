from django.urls import path

from flywheel.trust import views

app_name = "trust"
urlpatterns = [
    path("settings/trust/", views.my_trust, name="mine"),
]
