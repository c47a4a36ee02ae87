from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrialsConfig(AppConfig):
    name = "flywheel.trials"
    label = "trials"
    verbose_name = _("Product trials")

    def ready(self) -> None:
        from flywheel.core import hooks
        from flywheel.trials.consumers import record_feedback_for_activity
        from flywheel.trials.permissions import may_review_tested_product
        from flywheel.trials.privacy import erase_trials_data, export_trials_data

        # A tester's published review (or survey answer) is their feedback.
        hooks.activity_consumers.register(
            record_feedback_for_activity,
            name="flywheel.trials.consumers.record_feedback_for_activity",
        )
        # Testers review the product they were sent without having bought it.
        hooks.product_review_grants.register(may_review_tested_product, name="trials.testers")
        hooks.privacy_exporters.register(export_trials_data, name="trials")
        hooks.privacy_erasers.register(erase_trials_data, name="trials")
