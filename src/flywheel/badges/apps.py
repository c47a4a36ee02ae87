from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BadgesConfig(AppConfig):
    name = "flywheel.badges"
    label = "badges"
    verbose_name = _("Badges")

    def ready(self) -> None:
        from flywheel.badges.privacy import erase_badges, export_badges
        from flywheel.privacy.registry import register_eraser, register_exporter

        register_exporter("badges", export_badges)
        register_eraser("badges", erase_badges)
