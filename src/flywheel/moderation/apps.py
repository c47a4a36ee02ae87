from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "flywheel.moderation"
    label = "moderation"
    verbose_name = _("Trust and safety")

    def ready(self) -> None:
        from flywheel.moderation.privacy import erase_moderation, export_moderation
        from flywheel.privacy.registry import register_eraser, register_exporter

        # Flags, sanctions, appeals and acceptances in data exports; erasure keeps the
        # moderation record without identity (moderation/privacy.py says what and why).
        register_exporter("moderation", export_moderation)
        register_eraser("moderation", erase_moderation)
