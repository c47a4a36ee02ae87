from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "flywheel.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # encryption registers its deploy check; images sets Pillow's process-wide pixel cap.
        from flywheel.core import encryption, images  # noqa: F401
        from flywheel.core.privacy import register_privacy_handlers

        # The Activity log in data exports; erasure keeps the entries without their actor.
        register_privacy_handlers()

        # Every write statement makes members' cached pages stale (core/member_cache.py).
        from django.db import connections
        from django.db.backends.signals import connection_created

        from flywheel.core.member_cache import install_write_watch

        connection_created.connect(install_write_watch, dispatch_uid="flywheel.member_cache")
        for connection in connections.all(initialized_only=True):
            install_write_watch(connection)
