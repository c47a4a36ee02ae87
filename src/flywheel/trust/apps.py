from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrustConfig(AppConfig):
    name = "flywheel.trust"
    label = "trust"
    verbose_name = _("Trust levels")

    def ready(self) -> None:
        from flywheel.privacy.registry import register_eraser, register_exporter
        from flywheel.trust.privacy import erase_trust, export_trust

        register_exporter("trust", export_trust)
        register_eraser("trust", erase_trust)
