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
        register_member_cache()


def register_member_cache() -> None:
    """The pages and API lists a signed-in member gets again from core.member_cache."""
    from flywheel.community.views import replay_topic_view
    from flywheel.core import member_cache

    for view_name in (
        "community:home",
        "community:space",
        "community:space_unanswered",
        "community:topic",
    ):
        member_cache.register_view(view_name)
    member_cache.register_view("api:list_topics", token_only=True)
    member_cache.register_view("api:list_replies", token_only=True)
    member_cache.hit_replays["community.topic_viewed"] = replay_topic_view
