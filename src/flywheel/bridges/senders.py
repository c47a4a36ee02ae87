"""Posting one stored message to its platform, and reading the platform's answer the way its
documentation describes it (core.outbound decides what each answer means for the message).

- Discord execute-webhook (`?wait=true`): 200 with the message; 429 with JSON
  `retry_after` (seconds) and a Retry-After header; 401/403/404 for a deleted or wrong webhook.
- Slack incoming webhook: 200 "ok"; 429 with Retry-After; 400 invalid_payload, 403
  action_prohibited, 404 channel_not_found / no_service, 410 channel_is_archived.
- Telegram Bot API sendMessage: `{"ok": true, "result": …}`; errors as `{"ok": false,
  "error_code", "description", "parameters": {"retry_after"}}`.
"""

from __future__ import annotations

import httpx
from django.conf import settings
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from flywheel.bridges import formats, queries
from flywheel.bridges.models import Bridge, Platform, api_base_url
from flywheel.core.models import OutboundMessage
from flywheel.core.outbound import Rejected, RetryLater

KIND = "bridges.post"
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
EXCERPT_WORDS = 60


def send_bridge_post(message: OutboundMessage) -> None:
    payload = message.payload
    bridge = Bridge.objects.filter(pk=payload.get("bridge_id"), is_active=True).first()
    if bridge is None:
        raise Rejected("The bridge was removed or switched off.")
    with translation.override(bridge.language):
        post = _post_for(bridge, payload)
    body = formats.body_for(bridge.platform, post, chat_id=bridge.chat_id)
    if bridge.platform == Platform.TELEGRAM:
        _send_telegram(bridge, body)
    else:
        _send_webhook(bridge, body)


def _post_for(bridge: Bridge, payload: dict) -> formats.BridgePost:
    community = settings.BRAND_NAME
    if payload.get("reason") == "test":
        return formats.BridgePost(
            heading=_("%(community)s is connected") % {"community": community},
            title=_("New topics and announcements will appear here."),
            url=settings.SITE_URL.rstrip("/") + "/",
            excerpt="",
            byline=bridge.name,
            community=community,
        )
    if payload.get("reason") == "event":
        return _event_post(bridge, payload, community)
    from flywheel.community.models import Topic

    topic = (
        Topic.objects.select_related("space", "author").filter(pk=payload.get("topic_id")).first()
    )
    # Checked again when sending: a topic hidden or moved since it was queued stays home.
    if topic is None or not queries.is_public(topic):
        raise Rejected("The topic is gone or no longer public.")
    opening = topic.posts.filter(number=1).only("body_html").first()
    excerpt = Truncator(" ".join(strip_tags(opening.body_html if opening else "").split()))
    if payload.get("reason") == "announcement":
        heading = _("Announcement in %(space)s") % {"space": topic.space.name}
    else:
        heading = _("New topic in %(space)s") % {"space": topic.space.name}
    author = topic.author.display_name if topic.author else _("a former member")
    return formats.BridgePost(
        heading=heading,
        title=topic.title,
        url=settings.SITE_URL.rstrip("/") + topic.get_absolute_url(),
        excerpt=excerpt.words(EXCERPT_WORDS),
        byline=f"{author} · {topic.space.name}",
        community=community,
    )


def _event_post(bridge: Bridge, payload: dict, community: str) -> formats.BridgePost:
    from zoneinfo import ZoneInfo

    from django.utils import formats as date_formats

    from flywheel.events.models import EventState
    from flywheel.events.queries import events_for

    event = events_for(None).filter(pk=payload.get("event_id")).first()
    if event is None or event.state != EventState.SCHEDULED or event.has_ended():
        raise Rejected("The event is gone, cancelled or over.")
    starts = timezone.localtime(event.starts_at, ZoneInfo(event.time_zone or "UTC"))
    when = _("%(date)s at %(time)s (%(zone)s)") % {
        "date": date_formats.date_format(starts, "DATE_FORMAT"),
        "time": date_formats.time_format(starts, "TIME_FORMAT"),
        "zone": event.time_zone or "UTC",
    }
    where = event.venue or _("Online")
    return formats.BridgePost(
        heading=_("Starting soon: %(kind)s") % {"kind": event.get_kind_display()},
        title=event.title,
        url=settings.SITE_URL.rstrip("/") + event.get_absolute_url(),
        excerpt=f"{when} · {where}",
        byline=event.chapter.name if event.chapter_id else community,
        community=community,
    )


def _retry_after(response: httpx.Response, fallback: float = 5.0) -> float:
    try:
        return float(response.headers.get("Retry-After", fallback))
    except ValueError:
        return fallback


def _send_webhook(bridge: Bridge, body: dict) -> None:
    if not bridge.webhook_url_is_valid():
        raise Rejected("The webhook address is not one of the platform's.")
    url = bridge.webhook_url
    params = {"wait": "true"} if bridge.platform == Platform.DISCORD else None
    try:
        response = httpx.post(url, json=body, params=params, timeout=TIMEOUT)
    except httpx.HTTPError as error:
        # The webhook address is the credential: keep it out of the stored error.
        raise ConnectionError(
            f"{bridge.platform} could not be reached: {type(error).__name__}"
        ) from None
    if response.is_success:
        return
    if response.status_code == 429:
        seconds = _retry_after(response)
        if bridge.platform == Platform.DISCORD:
            try:
                seconds = float(response.json().get("retry_after", seconds))
            except ValueError:
                pass
        raise RetryLater(seconds, f"{bridge.platform} rate limit")
    if response.status_code in (400, 401, 403, 404, 410):
        raise Rejected(f"{bridge.platform} answered {response.status_code}: {response.text[:300]}")
    raise RuntimeError(f"{bridge.platform} answered {response.status_code}")


def _send_telegram(bridge: Bridge, body: dict) -> None:
    url = f"{api_base_url(Platform.TELEGRAM)}/bot{bridge.bot_token}/sendMessage"
    try:
        response = httpx.post(url, json=body, timeout=TIMEOUT)
    except httpx.HTTPError as error:
        # The token is part of the address: keep it out of the stored error.
        raise ConnectionError(f"Telegram could not be reached: {type(error).__name__}") from None
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    if answer.get("ok"):
        return
    code = answer.get("error_code", response.status_code)
    description = str(answer.get("description", ""))[:300]
    if code == 429:
        retry = (answer.get("parameters") or {}).get("retry_after", _retry_after(response))
        raise RetryLater(float(retry), "telegram rate limit")
    if code in (400, 401, 403, 404):
        raise Rejected(f"telegram answered {code}: {description}")
    raise RuntimeError(f"telegram answered {code}: {description}")
