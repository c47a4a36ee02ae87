"""An e-mail to one member, written in their language and time zone."""

import zoneinfo

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation


def zone_named(name: str) -> zoneinfo.ZoneInfo:
    """The member's saved time zone, or UTC when it is empty or unknown."""
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def email_member(member, *, subject: str, template: str, context: dict) -> None:
    """Render the subject and body templates in the member's language and time zone and send.
    Raises on failure, so a caller's claim of the e-mail rolls back and the next run retries."""
    with (
        translation.override(member.language or settings.LANGUAGE_CODE),
        timezone.override(zone_named(member.timezone)),
    ):
        context = {**context, "member": member, "brand_name": settings.BRAND_NAME}
        rendered_subject = " ".join(render_to_string(subject, context).split())
        body = render_to_string(template, context)
    send_mail(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + rendered_subject,
        body,
        None,
        [member.email],
        fail_silently=False,
    )
