from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "flywheel.moderation"
    label = "moderation"
    verbose_name = _("Trust and safety")

    def ready(self) -> None:
        from flywheel.core import hooks
        from flywheel.moderation.consumers import moderate_activity
        from flywheel.moderation.hooks import (
            ModeratedPostVisibility,
            check_post_attempt,
            hold_new_post,
        )
        from flywheel.moderation.privacy import erase_moderation, export_moderation
        from flywheel.moderation.queries import sanctions_against, upheld_flags_against
        from flywheel.moderation.sign_in import refuse_blocked_sign_in

        # Sanctions, guidelines and slow mode come before trust's allowances (order 50 < 100):
        # a banned member is told they are banned, not that their post has too many links.
        hooks.posting_checks.register(check_post_attempt, name="moderation.can_post", order=50)
        hooks.new_post_holds.register(hold_new_post, name="moderation.premoderation")
        hooks.post_visibility.register(ModeratedPostVisibility(), name="moderation.hidden_posts")
        hooks.sign_in_checks.register(refuse_blocked_sign_in, name="moderation.blocked_sign_in")
        hooks.activity_consumers.register(
            moderate_activity, name="flywheel.moderation.consumers.moderate_activity"
        )
        # Upheld flags and sanctions count against trust levels' maximums (trust/queries.py).
        hooks.upheld_flag_counters.register(upheld_flags_against, name="moderation.upheld_flags")
        hooks.sanction_counters.register(sanctions_against, name="moderation.sanctions")
        # Flags, sanctions, appeals and acceptances in data exports; erasure keeps the
        # moderation record without identity (moderation/privacy.py says what and why).
        hooks.privacy_exporters.register(export_moderation, name="moderation")
        hooks.privacy_erasers.register(erase_moderation, name="moderation")

        from flywheel.core import member_cache
        from flywheel.moderation.services import sign_out_guard

        member_cache.hit_guards["moderation.sign_out"] = sign_out_guard
