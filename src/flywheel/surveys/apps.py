from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "flywheel.surveys"
    label = "surveys"
    verbose_name = _("Polls and surveys")

    def ready(self) -> None:
        from flywheel.core import hooks
        from flywheel.surveys.panels import poll_panel
        from flywheel.surveys.privacy import erase_votes_and_answers, export_votes_and_answers
        from flywheel.surveys.segments import BuiltInSegments

        hooks.topic_panels.register(poll_panel, name="surveys.poll")
        hooks.member_segments.register(BuiltInSegments(), name="surveys.built_in", order=50)
        hooks.privacy_exporters.register(export_votes_and_answers, name="surveys")
        hooks.privacy_erasers.register(erase_votes_and_answers, name="surveys")
