from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "flywheel.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from flywheel.core import encryption  # noqa: F401 (registers its deploy check)
