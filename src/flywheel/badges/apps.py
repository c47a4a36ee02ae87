from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BadgesConfig(AppConfig):
    name = "flywheel.badges"
    label = "badges"
    verbose_name = _("Badges")

    def ready(self) -> None:
        from flywheel.badges.consumers import award_badges_for_activity
        from flywheel.badges.privacy import erase_badges, export_badges
        from flywheel.badges.queries import with_author_badges
        from flywheel.core import hooks

        hooks.activity_consumers.register(
            award_badges_for_activity,
            name="flywheel.badges.consumers.award_badges_for_activity",
        )
        # Each author's best badges next to their name on topic pages, one query per page.
        hooks.post_list_prefetches.register(with_author_badges, name="badges.author_badges")
        hooks.privacy_exporters.register(export_badges, name="badges")
        hooks.privacy_erasers.register(erase_badges, name="badges")
