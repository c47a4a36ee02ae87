from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "flywheel.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from flywheel.accounts.discord import point_discord_provider_at_settings
        from flywheel.accounts.privacy import register_privacy_handlers

        register_privacy_handlers()
        point_discord_provider_at_settings()

        from flywheel.accounts.services import token_used_guard
        from flywheel.core import member_cache

        member_cache.hit_guards["accounts.token_used"] = token_used_guard


class FlywheelAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the brand's name and task grouping (accounts/admin_site.py)."""

    default = False  # accounts' own config stays the default for "flywheel.accounts"
    default_site = "flywheel.accounts.admin_site.FlywheelAdminSite"
