"""Bridges: a Discord or Slack channel (through its incoming webhook) or a Telegram channel
(through a bot) that hears about new topics and announcements (docs/chat.md, "Bridges")."""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from flywheel.core.encryption import EncryptedTextField

DEFAULT_API_BASE_URLS = {
    "discord": "https://discord.com",
    "slack": "https://hooks.slack.com",
    "telegram": "https://api.telegram.org",
}
# Other hosts each platform hands out webhook URLs on.
OTHER_OFFICIAL_HOSTS = {
    "discord": {"discordapp.com", "ptb.discord.com", "canary.discord.com"},
    "slack": set(),
}
WEBHOOK_PATHS = {
    "discord": re.compile(r"^/api(/v\d+)?/webhooks/\d+/[\w-]+/?$"),
    "slack": re.compile(r"^/(services|triggers)/[\w/-]+$"),
}
TELEGRAM_TOKEN = re.compile(r"^\d+:[\w-]{20,}$")
TELEGRAM_CHAT = re.compile(r"^(@[A-Za-z][\w]{3,}|-?\d+)$")


class Platform(models.TextChoices):
    DISCORD = "discord", "Discord"
    SLACK = "slack", "Slack"
    TELEGRAM = "telegram", "Telegram"


def api_base_url(platform: str) -> str:
    """The platform's API address: the real one, or a local stand-in (tests) set in
    FLYWHEEL_BRIDGE_API_BASE_URLS."""
    overrides = settings.FLYWHEEL_BRIDGE_API_BASE_URLS or {}
    return (overrides.get(platform) or DEFAULT_API_BASE_URLS[platform]).rstrip("/")


class Bridge(models.Model):
    name = models.CharField(_("name"), max_length=80)
    platform = models.CharField(_("platform"), max_length=10, choices=Platform.choices)
    # Discord and Slack: the channel's incoming-webhook URL, which is itself the credential.
    webhook_url = EncryptedTextField(
        _("incoming webhook URL"),
        blank=True,
        help_text=_("Discord or Slack: the channel's incoming-webhook address."),
    )
    # Telegram: the bot's token from @BotFather and the channel it is an admin of.
    bot_token = EncryptedTextField(
        _("bot token"), blank=True, help_text=_("Telegram: the token @BotFather gave the bot.")
    )
    chat_id = models.CharField(
        _("channel"),
        max_length=64,
        blank=True,
        help_text=_("Telegram: @channelname or the channel's numeric id."),
    )
    spaces = models.ManyToManyField(
        "community.Space",
        blank=True,
        related_name="+",
        verbose_name=_("spaces"),
        help_text=_("New topics in these spaces are posted (public spaces only)."),
    )
    post_announcements = models.BooleanField(
        _("post announcements"),
        default=True,
        help_text=_("Announcements in any public space are posted."),
    )
    post_event_reminders = models.BooleanField(
        _("post event reminders"),
        default=False,
        help_text=_("Public events are announced an hour before they start."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("The language of the words around the member's post."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("bridge")
        verbose_name_plural = _("bridges")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_platform_display()})"

    def clean(self) -> None:
        if self.platform == Platform.TELEGRAM:
            errors = {}
            if not TELEGRAM_TOKEN.match(self.bot_token or ""):
                errors["bot_token"] = _("Enter the token @BotFather gave, like 123456:ABC-DEF….")
            if not TELEGRAM_CHAT.match(self.chat_id or ""):
                errors["chat_id"] = _("Enter @channelname or the channel's numeric id.")
            if errors:
                raise ValidationError(errors)
            return
        if self.platform in WEBHOOK_PATHS and not self.webhook_url_is_valid():
            raise ValidationError(
                {
                    "webhook_url": _("Enter the %(platform)s incoming-webhook address.")
                    % {"platform": self.get_platform_display()}
                }
            )

    def webhook_url_is_valid(self) -> bool:
        """Only the platform's own webhook addresses: a staff member cannot point the
        server at an arbitrary address (the request would come from inside the network)."""
        url = urlsplit(self.webhook_url or "")
        base = urlsplit(api_base_url(self.platform))
        hosts = {base.netloc} | OTHER_OFFICIAL_HOSTS.get(self.platform, set())
        return (
            url.scheme == base.scheme
            and url.netloc in hosts
            and not url.username
            and bool(WEBHOOK_PATHS[self.platform].match(url.path))
        )
