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
        register_trust_counters()


def register_trust_counters() -> None:
    """Upheld flags and sanctions count against trust levels' maximums (trust/queries.py)."""
    from flywheel.moderation.queries import sanctions_against, upheld_flags_against
    from flywheel.trust.queries import SANCTION_COUNTERS, UPHELD_FLAG_COUNTERS

    if upheld_flags_against not in UPHELD_FLAG_COUNTERS:
        UPHELD_FLAG_COUNTERS.append(upheld_flags_against)
    if sanctions_against not in SANCTION_COUNTERS:
        SANCTION_COUNTERS.append(sanctions_against)
