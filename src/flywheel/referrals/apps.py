from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "flywheel.referrals"
    label = "referrals"
    verbose_name = _("Referrals and ambassadors")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from flywheel.privacy.registry import register_eraser, register_exporter
        from flywheel.referrals.privacy import erase_referrals, export_referrals

        register_exporter("referrals", export_referrals)
        register_eraser("referrals", erase_referrals)
