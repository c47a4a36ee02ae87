"""Sign in with Discord (django-allauth's Discord provider), pointed at
settings.FLYWHEEL_DISCORD_API_BASE_URL on every request, so the tests run the real OAuth
exchange against a local server answering as Discord does."""

from django.conf import settings


class _DiscordURL:
    def __init__(self, path: str) -> None:
        self.path = path

    def __get__(self, instance, owner) -> str:
        return settings.FLYWHEEL_DISCORD_API_BASE_URL.rstrip("/") + self.path


def point_discord_provider_at_settings() -> None:
    from allauth.socialaccount.providers.discord.views import DiscordOAuth2Adapter

    DiscordOAuth2Adapter.access_token_url = _DiscordURL("/oauth2/token")
    DiscordOAuth2Adapter.authorize_url = _DiscordURL("/oauth2/authorize")
    DiscordOAuth2Adapter.profile_url = _DiscordURL("/users/@me")


def discord_sign_in_enabled() -> bool:
    apps = settings.SOCIALACCOUNT_PROVIDERS.get("discord", {}).get("APPS") or []
    return any(app.get("client_id") for app in apps)
