from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrustConfig(AppConfig):
    name = "flywheel.trust"
    label = "trust"
    verbose_name = _("Trust levels")

    def ready(self) -> None:
        from flywheel.core import hooks
        from flywheel.trust.permissions import check_post_attempt
        from flywheel.trust.privacy import erase_trust, export_trust
        from flywheel.trust.queries import trust_level_for
        from flywheel.trust.services import record_topic_read

        # Links, images and posts per day by level; reads and levels for rate limits.
        hooks.posting_checks.register(check_post_attempt, name="trust.post_allowance")
        hooks.topic_reads.register(record_topic_read, name="trust.record_topic_read")
        hooks.trust_level_resolvers.register(trust_level_for, name="trust.trust_level_for")
        hooks.privacy_exporters.register(export_trust, name="trust")
        hooks.privacy_erasers.register(erase_trust, name="trust")

        from flywheel.core import member_cache
        from flywheel.trust.middleware import visit_counted_guard

        member_cache.hit_guards["trust.visit_counted"] = visit_counted_guard
