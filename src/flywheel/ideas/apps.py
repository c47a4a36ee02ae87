from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "flywheel.ideas"
    label = "ideas"
    verbose_name = _("Ideas and feedback")

    def ready(self) -> None:
        from flywheel.core import hooks
        from flywheel.ideas.consumers import notify_idea_followers
        from flywheel.ideas.privacy import erase_ideas, export_ideas

        hooks.activity_consumers.register(
            notify_idea_followers, name="flywheel.ideas.consumers.notify_idea_followers"
        )
        hooks.privacy_exporters.register(export_ideas, name="ideas")
        hooks.privacy_erasers.register(erase_ideas, name="ideas")
