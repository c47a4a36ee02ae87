from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammingConfig(AppConfig):
    name = "flywheel.programming"
    label = "programming"
    verbose_name = _("Content calendar")

    def ready(self) -> None:
        from flywheel.core import hooks
        from flywheel.programming.privacy import erase_calendar_items, export_calendar_items

        hooks.privacy_exporters.register(export_calendar_items, name="programming")
        hooks.privacy_erasers.register(erase_calendar_items, name="programming")
