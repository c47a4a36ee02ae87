from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "flywheel.privacy"
    label = "privacy"
    verbose_name = _("Privacy and abuse protection")

    def ready(self) -> None:
        # The data every member has in the core apps; other apps register theirs the same way.
        from flywheel.privacy import builtin

        builtin.register_builtin()
