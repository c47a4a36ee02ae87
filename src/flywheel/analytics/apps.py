from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "flywheel.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from flywheel.analytics.privacy import erase_analytics, export_analytics
        from flywheel.privacy.registry import register_eraser, register_exporter

        register_exporter("analytics", export_analytics)
        register_eraser("analytics", erase_analytics)
