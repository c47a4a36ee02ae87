"""Every write about challenges: staff create and edit them, members join and check in.

A check-in belongs to the member's local calendar day (their own time zone). The database
refuses a second check-in on the same day (a unique constraint); the participation row is
locked while its counters and streak move, and completion is recorded once, as the
challenge_completed activity the badge consumer grants the challenge's badge from."""

import dataclasses
import zoneinfo
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from flywheel.badges.services import define_badge_for_activity
from flywheel.challenges import permissions
from flywheel.challenges.models import (
    CHALLENGE_CHECKED_IN,
    CHALLENGE_COMPLETED,
    CHALLENGE_JOINED,
    Challenge,
    CheckIn,
    Participation,
)
from flywheel.core.exceptions import Conflict, InvalidInput
from flywheel.core.images import REVIEW_PHOTO, process_image
from flywheel.core.markup import render_markdown
from flywheel.core.ratelimit import check_upload_allowance
from flywheel.core.services import record_activity

TITLE_MAX = 120
DESCRIPTION_MAX = 10_000
CHECK_IN_TEXT_MAX = 2000
TARGET_MAX = 1000
LENGTH_MAX_DAYS = 366
# A check-in photo: the same bounds as a review or showcase photo, named after its own field.
CHECK_IN_PHOTO = dataclasses.replace(REVIEW_PHOTO, field="photo")


def member_zone(member) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(getattr(member, "timezone", "") or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def local_day(member, at: datetime) -> date:
    """The member's calendar day at the instant `at`."""
    return at.astimezone(member_zone(member)).date()


# ---------------------------------------------------------------- staff


def _clean_challenge(
    *, title: str, description: str, starts_on, ends_on, target_check_ins
) -> tuple[str, str]:
    title = (title or "").strip()
    description = (description or "").strip()
    if not title:
        raise InvalidInput(_("Give the challenge a title."), field="title")
    if len(title) > TITLE_MAX:
        raise InvalidInput(
            _("Keep the title under %(count)d characters.") % {"count": TITLE_MAX}, field="title"
        )
    if len(description) > DESCRIPTION_MAX:
        raise InvalidInput(
            _("Keep the description under %(count)d characters.") % {"count": DESCRIPTION_MAX},
            field="description",
        )
    if not isinstance(starts_on, date) or not isinstance(ends_on, date):
        raise InvalidInput(_("Give the first and last day."), field="starts_on")
    if ends_on < starts_on:
        raise InvalidInput(_("The last day cannot come before the first."), field="ends_on")
    length = (ends_on - starts_on).days + 1
    if length > LENGTH_MAX_DAYS:
        raise InvalidInput(
            _("A challenge lasts at most %(count)d days.") % {"count": LENGTH_MAX_DAYS},
            field="ends_on",
        )
    if (
        isinstance(target_check_ins, bool)
        or not isinstance(target_check_ins, int)
        or not 1 <= target_check_ins <= TARGET_MAX
    ):
        raise InvalidInput(
            _("The target is a number of check-ins from 1 to %(max)d.") % {"max": TARGET_MAX},
            field="target_check_ins",
        )
    if target_check_ins > length:
        raise InvalidInput(
            _("One check-in a day: a %(days)d-day challenge allows at most %(days)d check-ins.")
            % {"days": length},
            field="target_check_ins",
        )
    return title, description


def _define_badge(challenge: Challenge, badge_name: str) -> None:
    badge = define_badge_for_activity(
        slug=f"challenge-{challenge.pk}",
        name=(badge_name or "").strip() or challenge.title,
        description=_("Completed the challenge “%(title)s”.") % {"title": challenge.title},
        verb=CHALLENGE_COMPLETED,
        payload={"challenge_id": challenge.pk},
    )
    if challenge.badge_id != badge.pk:
        challenge.badge = badge
        challenge.save(update_fields=["badge"])


@transaction.atomic
def create_challenge(
    *,
    by,
    title: str,
    description: str = "",
    starts_on: date,
    ends_on: date,
    target_check_ins: int,
    space=None,
    badge_name: str = "",
    at: datetime | None = None,
) -> Challenge:
    """The brand team sets a goal over a period, optionally in a space; completing it earns
    the challenge's own badge (created here, named `badge_name` or after the challenge)."""
    permissions.check_manage_challenges_permission(by)
    title, description = _clean_challenge(
        title=title,
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
        target_check_ins=target_check_ins,
    )
    now = at or timezone.now()
    challenge = Challenge.objects.create(
        title=title,
        description=description,
        description_html=render_markdown(description) if description else "",
        space=space,
        starts_on=starts_on,
        ends_on=ends_on,
        target_check_ins=target_check_ins,
        created_by=by,
        created_at=now,
        updated_at=now,
    )
    _define_badge(challenge, badge_name)
    return challenge


@transaction.atomic
def edit_challenge(
    *,
    challenge: Challenge,
    by,
    title: str,
    description: str = "",
    starts_on: date,
    ends_on: date,
    target_check_ins: int,
    space=None,
    badge_name: str = "",
) -> Challenge:
    """Staff change a challenge. Check-ins already made stay; a lower target completes members
    already past it at their next check-in."""
    permissions.check_manage_challenges_permission(by)
    title, description = _clean_challenge(
        title=title,
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
        target_check_ins=target_check_ins,
    )
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    challenge.title = title
    challenge.description = description
    challenge.description_html = render_markdown(description) if description else ""
    challenge.space = space
    challenge.starts_on = starts_on
    challenge.ends_on = ends_on
    challenge.target_check_ins = target_check_ins
    challenge.updated_at = timezone.now()
    challenge.save(
        update_fields=[
            "title",
            "description",
            "description_html",
            "space",
            "starts_on",
            "ends_on",
            "target_check_ins",
            "updated_at",
        ]
    )
    _define_badge(challenge, badge_name)
    return challenge


# ---------------------------------------------------------------- members


@transaction.atomic
def join_challenge(*, challenge: Challenge, member, at: datetime | None = None) -> Participation:
    """A member joins before the challenge's last day (theirs); joining twice is a no-op."""
    permissions.check_take_part_permission(member, challenge)
    now = at or timezone.now()
    existing = Participation.objects.filter(challenge=challenge, member=member).first()
    if existing is not None:
        return existing
    if local_day(member, now) > challenge.ends_on:
        raise Conflict(_("This challenge is over."), field="challenge")
    try:
        with transaction.atomic():
            participation = Participation.objects.create(
                challenge=challenge, member=member, joined_at=now
            )
    except IntegrityError:  # a second tab joined first
        return Participation.objects.get(challenge=challenge, member=member)
    Challenge.objects.filter(pk=challenge.pk).update(participant_count=F("participant_count") + 1)
    record_activity(
        actor=member,
        verb=CHALLENGE_JOINED,
        target=challenge,
        space=challenge.space,
        payload={"challenge_id": challenge.pk},
        dedupe_key=f"{CHALLENGE_JOINED}:{challenge.pk}:{member.pk}",
        at=now,
    )
    return participation


def _day_text(day: date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


@transaction.atomic
def check_in(
    *,
    challenge: Challenge,
    member,
    text: str = "",
    photo=None,
    at: datetime | None = None,
) -> CheckIn:
    """One check-in per local day (the member's time zone) within the challenge's days, with
    text (Markdown) or a photo (checked by content). Consecutive days make the streak; the
    check-in that reaches the target completes the challenge, once."""
    permissions.check_take_part_permission(member, challenge)
    now = at or timezone.now()
    day = local_day(member, now)
    participation = (
        Participation.objects.select_for_update().filter(challenge=challenge, member=member).first()
    )
    if participation is None:
        raise Conflict(_("Join the challenge before checking in."), field="challenge")
    if day < challenge.starts_on:
        raise Conflict(
            _("The challenge starts on %(day)s.") % {"day": _day_text(challenge.starts_on)},
            field="challenge",
        )
    if day > challenge.ends_on:
        raise Conflict(_("This challenge is over."), field="challenge")
    if participation.last_check_in_day == day or (
        CheckIn.objects.filter(participation=participation, day=day).exists()
    ):
        raise Conflict(
            _("You have already checked in today (%(day)s in your time zone). Come back tomorrow.")
            % {"day": _day_text(day)},
            field="day",
        )
    text = (text or "").strip()
    if len(text) > CHECK_IN_TEXT_MAX:
        raise InvalidInput(
            _("Keep the check-in under %(count)d characters.") % {"count": CHECK_IN_TEXT_MAX},
            field="text",
        )
    if not text and not photo:
        raise InvalidInput(_("Write a few words or add a photo."), field="text")
    processed = None
    if photo:
        if at is None:
            check_upload_allowance(member=member, count=1)
        processed = process_image(photo, use=CHECK_IN_PHOTO)
    entry = CheckIn(
        participation=participation,
        challenge=challenge,
        member=member,
        day=day,
        text=text,
        text_html=render_markdown(text) if text else "",
        created_at=now,
    )
    if processed is not None:
        entry.photo.save(processed.file.name, processed.file, save=False)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        raise Conflict(
            _("You have already checked in today (%(day)s in your time zone).")
            % {"day": _day_text(day)},
            field="day",
        ) from None
    _advance(participation, day=day)
    record_activity(
        actor=member,
        verb=CHALLENGE_CHECKED_IN,
        target=challenge,
        space=challenge.space,
        payload={"challenge_id": challenge.pk, "day": day.isoformat(), "check_in_id": entry.pk},
        dedupe_key=f"{CHALLENGE_CHECKED_IN}:{challenge.pk}:{member.pk}:{day.isoformat()}",
        at=now,
    )
    if (
        participation.completed_at is None
        and participation.check_in_count >= challenge.target_check_ins
    ):
        _complete(participation, challenge=challenge, member=member, at=now)
    return entry


def _advance(participation: Participation, *, day: date) -> None:
    """Counters and streak after a check-in on `day` (the row is locked by the caller).
    Days are checked in in order, so the previous day is the only one that continues it."""
    last = participation.last_check_in_day
    if last is not None and last == day - timedelta(days=1):
        participation.streak += 1
    elif last is None or day > last:
        participation.streak = 1
    participation.check_in_count += 1
    participation.longest_streak = max(participation.longest_streak, participation.streak)
    if last is None or day > last:
        participation.last_check_in_day = day
    participation.save(
        update_fields=["check_in_count", "streak", "longest_streak", "last_check_in_day"]
    )


def _complete(participation: Participation, *, challenge: Challenge, member, at: datetime) -> None:
    claimed = Participation.objects.filter(pk=participation.pk, completed_at__isnull=True).update(
        completed_at=at
    )
    if not claimed:
        return
    participation.completed_at = at
    Challenge.objects.filter(pk=challenge.pk).update(completed_count=F("completed_count") + 1)
    # The badge consumer grants the challenge's badge from this activity (its criterion names
    # the verb and the challenge id); the dedupe key makes it once per member and challenge.
    record_activity(
        actor=member,
        verb=CHALLENGE_COMPLETED,
        target=challenge,
        space=challenge.space,
        payload={"challenge_id": challenge.pk, "check_ins": participation.check_in_count},
        dedupe_key=f"{CHALLENGE_COMPLETED}:{challenge.pk}:{member.pk}",
        at=at,
    )
