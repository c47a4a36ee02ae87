from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChallengesConfig(AppConfig):
    name = "flywheel.challenges"
    label = "challenges"
    verbose_name = _("Challenges")

    def ready(self) -> None:
        from flywheel.challenges.privacy import erase_challenges, export_challenges
        from flywheel.core import hooks

        hooks.privacy_exporters.register(export_challenges, name="challenges")
        hooks.privacy_erasers.register(erase_challenges, name="challenges")
