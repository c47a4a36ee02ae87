from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BridgesConfig(AppConfig):
    name = "flywheel.bridges"
    label = "bridges"
    verbose_name = _("Bridges to Discord, Slack and Telegram")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from flywheel.bridges import consumers, senders
        from flywheel.core import hooks

        # New topics and announcements in bridged spaces become outbound messages.
        hooks.activity_consumers.register(
            consumers.bridge_new_topic, name="flywheel.bridges.consumers.bridge_new_topic"
        )
        # core.outbound sends them, retries them and keeps the dead letters.
        hooks.outbound_senders.register(senders.send_bridge_post, name=senders.KIND)
