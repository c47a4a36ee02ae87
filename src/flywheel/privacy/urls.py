from django.urls import path

from flywheel.privacy import views

app_name = "privacy"
urlpatterns = [
    path("settings/privacy/", views.privacy_settings, name="settings"),
    path("settings/privacy/consent/", views.marketing_consent, name="consent"),
    path("settings/privacy/exports/", views.request_export, name="request_export"),
    path(
        "settings/privacy/exports/<int:export_id>/download/",
        views.download_export,
        name="download_export",
    ),
    path("settings/privacy/delete/", views.delete_account, name="delete_account"),
]
