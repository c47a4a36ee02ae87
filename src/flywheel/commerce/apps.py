from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommerceConfig(AppConfig):
    name = "flywheel.commerce"
    label = "commerce"
    verbose_name = _("Store integration")

    def ready(self) -> None:
        from flywheel.commerce.queries import passes_purchase_gate
        from flywheel.community.permissions import GATE_CHECKS

        if passes_purchase_gate not in GATE_CHECKS:
            GATE_CHECKS.append(passes_purchase_gate)
