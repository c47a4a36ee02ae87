from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "flywheel.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from flywheel.core import hooks
        from flywheel.notifications.consumers import notify_for_activity
        from flywheel.notifications.privacy import register_privacy_handlers

        hooks.activity_consumers.register(
            notify_for_activity, name="flywheel.notifications.consumers.notify_for_activity"
        )
        register_privacy_handlers()
