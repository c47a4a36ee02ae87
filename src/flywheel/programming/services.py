"""Every write to the content calendar: plan, edit, delete, and publish what is due.

Publishing is exactly once: the periodic task lists due items, then each is claimed under a
row lock (select_for_update) and only while it is still "scheduled"; the topic is created
and the item marked published in the same transaction, so a second run (or a second worker
running at the same minute) finds nothing left to claim."""

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from flywheel.community import permissions as community_permissions
from flywheel.community import services as community_services
from flywheel.community.models import Space, TopicKind
from flywheel.core.exceptions import Conflict, DomainError, InvalidInput
from flywheel.core.ratelimit import check_rate_limit
from flywheel.programming.models import (
    CALENDAR_KINDS,
    CalendarItem,
    CalendarItemState,
    CalendarLabel,
)
from flywheel.programming.permissions import check_calendar_permission

logger = logging.getLogger(__name__)

TITLE_MAX = 200
BODY_MAX = 20_000


def _clean(
    *, by, space: Space, title: str, body: str, kind: str, label: str, scheduled_at, state: str
) -> dict:
    title = (title or "").strip()
    body = (body or "").strip()
    if not title:
        raise InvalidInput(_("Give the item a title."), field="title")
    if len(title) > TITLE_MAX:
        raise InvalidInput(_("Keep the title under 200 characters."), field="title")
    if not body:
        raise InvalidInput(_("Write the post's text."), field="body")
    if len(body) > BODY_MAX:
        raise InvalidInput(_("The text is too long."), field="body")
    if kind not in CALENDAR_KINDS:
        raise InvalidInput(_("Choose a discussion or an announcement."), field="kind")
    if label not in CalendarLabel.values:
        raise InvalidInput(_("Choose a label."), field="label")
    if state not in (CalendarItemState.DRAFT, CalendarItemState.SCHEDULED):
        raise InvalidInput(_("Save as a draft or schedule it."), field="state")
    if not isinstance(scheduled_at, dt.datetime) or timezone.is_naive(scheduled_at):
        raise InvalidInput(_("Give a date and time."), field="scheduled_at")
    try:
        community_permissions.check_space_post_permission(by, space)
    except PermissionDenied as denied:
        raise InvalidInput(_("You cannot post in that space."), field="space") from denied
    if kind == TopicKind.ANNOUNCEMENT and not community_permissions.is_moderator_of(by, space):
        raise InvalidInput(_("Only the space's moderators can announce there."), field="kind")
    return {
        "space": space,
        "title": title,
        "body": body,
        "kind": kind,
        "label": label,
        "scheduled_at": scheduled_at.astimezone(dt.UTC),
        "state": state,
    }


def plan_calendar_item(
    *,
    by,
    space: Space,
    title: str,
    body: str,
    kind: str = TopicKind.DISCUSSION,
    label: str,
    scheduled_at: dt.datetime,
    schedule: bool = True,
    enforce_rate_limit: bool = True,
) -> CalendarItem:
    """Put a post on the calendar, as a draft or scheduled for `scheduled_at` (aware, stored
    UTC). A time already past is published at the next run of the task (within a minute).
    enforce_rate_limit=False is for seeding (the demo), never for a request."""
    check_calendar_permission(by)
    if enforce_rate_limit:
        check_rate_limit(key=f"calendar:{by.pk}")
    state = CalendarItemState.SCHEDULED if schedule else CalendarItemState.DRAFT
    fields = _clean(
        by=by,
        space=space,
        title=title,
        body=body,
        kind=kind,
        label=label,
        scheduled_at=scheduled_at,
        state=state,
    )
    now = timezone.now()
    return CalendarItem.objects.create(author=by, created_at=now, updated_at=now, **fields)


def edit_calendar_item(
    *,
    item: CalendarItem,
    by,
    space: Space,
    title: str,
    body: str,
    kind: str,
    label: str,
    scheduled_at: dt.datetime,
    schedule: bool,
) -> CalendarItem:
    """Change an item not yet published (a failed one is rescheduled by saving it again).
    The edit locks the row, so it cannot cross the publisher claiming the same item."""
    check_calendar_permission(by)
    check_rate_limit(key=f"calendar:{by.pk}")
    state = CalendarItemState.SCHEDULED if schedule else CalendarItemState.DRAFT
    fields = _clean(
        by=by,
        space=space,
        title=title,
        body=body,
        kind=kind,
        label=label,
        scheduled_at=scheduled_at,
        state=state,
    )
    with transaction.atomic():
        locked = CalendarItem.objects.select_for_update().get(pk=item.pk)
        if locked.state == CalendarItemState.PUBLISHED:
            raise Conflict(_("This item is already published; edit the topic instead."))
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.failure_reason = ""
        locked.updated_at = timezone.now()
        locked.save(update_fields=[*fields, "failure_reason", "updated_at"])
    return locked


def delete_calendar_item(*, item: CalendarItem, by) -> None:
    """Take an item off the calendar. A published item's topic stays in the community."""
    check_calendar_permission(by)
    with transaction.atomic():
        CalendarItem.objects.select_for_update().filter(pk=item.pk).delete()


def publish_calendar_item(*, item_id: int, at: dt.datetime | None = None) -> CalendarItem | None:
    """Publish one scheduled item as a topic by its author; None if someone else already
    claimed it (or it was unscheduled meanwhile). A refusal by community's rules (the author
    lost the right to post there, the space closed) marks it failed, with the reason shown."""
    with transaction.atomic():
        item = (
            CalendarItem.objects.select_for_update()
            .select_related("author", "space")
            .filter(pk=item_id, state=CalendarItemState.SCHEDULED)
            .first()
        )
        if item is None:
            return None
        now = at or timezone.now()
        try:
            with transaction.atomic():
                topic = community_services.create_topic(
                    author=item.author,
                    space=item.space,
                    title=item.title,
                    body=item.body,
                    kind=item.kind,
                    at=now,
                    enforce_rate_limit=False,
                )
        except (DomainError, PermissionDenied, ValidationError) as refused:
            reason = getattr(refused, "message", None) or str(refused)
            item.state = CalendarItemState.FAILED
            item.failure_reason = str(reason)[:300]
            item.updated_at = now
            item.save(update_fields=["state", "failure_reason", "updated_at"])
            logger.warning("calendar item %s not published: %s", item.pk, reason)
            return item
        item.state = CalendarItemState.PUBLISHED
        item.topic = topic
        item.published_at = now
        item.failure_reason = ""
        item.updated_at = now
        item.save(update_fields=["state", "topic", "published_at", "failure_reason", "updated_at"])
        return item


def publish_due_calendar_items(*, now: dt.datetime | None = None) -> int:
    """Publish every scheduled item whose time has come; returns how many were published."""
    now = now or timezone.now()
    due = list(
        CalendarItem.objects.filter(
            state=CalendarItemState.SCHEDULED, scheduled_at__lte=now
        ).values_list("pk", flat=True)
    )
    published = 0
    for item_id in due:
        item = publish_calendar_item(item_id=item_id)
        if item is not None and item.state == CalendarItemState.PUBLISHED:
            published += 1
    return published
