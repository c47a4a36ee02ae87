from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "flywheel.community"
    label = "community"
    verbose_name = _("Community")

    def ready(self) -> None:
        from flywheel.community.privacy import register_privacy_handlers

        # The community declares no hooks of its own: they live in flywheel.core.hooks, and
        # the apps built on it (moderation, trust, badges, commerce, rewards) register there.
        register_privacy_handlers()
