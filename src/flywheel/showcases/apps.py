from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShowcasesConfig(AppConfig):
    name = "flywheel.showcases"
    label = "showcases"
    verbose_name = _("Showcases")

    def ready(self) -> None:
        from flywheel.core import hooks
        from flywheel.showcases.privacy import erase_showcases, export_showcases
        from flywheel.showcases.queries import featured_for_home

        hooks.privacy_exporters.register(export_showcases, name="showcases")
        hooks.privacy_erasers.register(erase_showcases, name="showcases")
        hooks.home_sections.register(featured_for_home, name="showcases.featured")
