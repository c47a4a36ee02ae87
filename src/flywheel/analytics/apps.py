from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "flywheel.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from flywheel.analytics.privacy import erase_analytics, export_analytics
        from flywheel.core import hooks

        hooks.privacy_exporters.register(export_analytics, name="analytics")
        hooks.privacy_erasers.register(erase_analytics, name="analytics")
        from flywheel.analytics.reads import count_topic_view

        hooks.topic_views.register(count_topic_view, name="analytics.count_topic_view")
        from flywheel.analytics.links import product_link_href

        hooks.link_rewriters.register(product_link_href, name="analytics.product_link_href")
        from flywheel.analytics.services import SEGMENT_PUSH_KIND, send_segment_push

        hooks.outbound_senders.register(send_segment_push, name=SEGMENT_PUSH_KIND)
