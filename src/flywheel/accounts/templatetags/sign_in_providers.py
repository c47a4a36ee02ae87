"""Whether sign-in through another service (Discord) is configured, read from settings
without the database query allauth's own `get_providers` makes on every page."""

from django import template

from flywheel.accounts.discord import discord_sign_in_enabled

register = template.Library()


@register.simple_tag
def other_sign_in_enabled() -> bool:
    return discord_sign_in_enabled()
