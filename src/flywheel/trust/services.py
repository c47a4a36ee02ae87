"""Every write about trust: visits and reading, automatic promotion and demotion, staff locks."""

import logging
from collections.abc import Callable, Iterable
from datetime import date

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from flywheel.core.exceptions import InvalidInput
from flywheel.trust import queries
from flywheel.trust.models import (
    ChangeReason,
    MemberTrust,
    MemberVisit,
    TopicRead,
    TrustLevel,
    TrustLevelChange,
)

logger = logging.getLogger("flywheel.trust")

READ_MARK_CACHE_SECONDS = 60 * 60 * 6


def record_visit(*, member_id: int, on: date) -> None:
    """Count `on` as a day the member visited; repeating it changes nothing (one query)."""
    MemberVisit.objects.bulk_create(
        [MemberVisit(member_id=member_id, date=on)], ignore_conflicts=True
    )


def record_topic_read(*, member, topic, posts: Iterable) -> None:
    """Remember that a signed-in member was shown `posts` of `topic` (they read up to the
    highest number). Usually one query; none when the cache says nothing new was read."""
    if not getattr(member, "is_authenticated", False):
        return
    last_number = max((post.number for post in posts), default=0)
    if not last_number:
        return
    cache_key = f"trust:read:{member.pk}:{topic.pk}"
    if (cache.get(cache_key) or 0) >= last_number:
        return
    now = timezone.now()
    updated = TopicRead.objects.filter(member=member, topic=topic).update(
        last_post_number=Greatest(F("last_post_number"), last_number), last_read_at=now
    )
    if not updated:
        TopicRead.objects.bulk_create(
            [
                TopicRead(
                    member=member,
                    topic=topic,
                    last_post_number=last_number,
                    first_read_at=now,
                    last_read_at=now,
                )
            ],
            ignore_conflicts=True,
        )
    cache.set(cache_key, last_number, READ_MARK_CACHE_SECONDS)


def _notify_level_change(*, member, promoted: bool, at) -> None:
    from flywheel.notifications.models import NotificationKind
    from flywheel.notifications.services import notify_member

    notify_member(
        recipient_id=member.pk,
        actor_id=member.pk,
        kind=NotificationKind.TRUST_LEVEL_UP if promoted else NotificationKind.TRUST_LEVEL_DOWN,
        at=at,
    )


def _set_level(
    trust: MemberTrust, *, to_level: int, reason: str, by=None, at, notify: bool = True
) -> None:
    from_level = trust.level
    trust.level = to_level
    trust.level_changed_at = at
    trust.evaluated_at = at
    trust.save(update_fields=["level", "level_changed_at", "evaluated_at"])
    TrustLevelChange.objects.create(
        member_id=trust.member_id,
        from_level=from_level,
        to_level=to_level,
        reason=reason,
        changed_by=by,
        created_at=at,
    )
    if notify and to_level != from_level:
        _notify_level_change(member=trust.member, promoted=to_level > from_level, at=at)


def _earned_level(member, current: int) -> int:
    """The highest automatic level (1–3) the member meets, climbing one level at a time."""
    rows = queries.requirements()
    level = current
    for target in (TrustLevel.BASIC, TrustLevel.MEMBER, TrustLevel.REGULAR):
        if target <= level:
            continue
        requirement = rows.get(target)
        if requirement is None or not queries.meets(requirement, member):
            break
        level = target
    return level


@transaction.atomic
def evaluate_member(member, *, at=None) -> int:
    """Promote the member as far as their figures go; demote a regular (level 3) whose figures
    dropped below 90% of a mark (or over a maximum). Locked members and leaders (level 4, given
    by staff) are left alone. Returns the member's level afterwards."""
    now = at or timezone.now()
    trust, _created = MemberTrust.objects.select_for_update().get_or_create(member=member)
    trust.member = member
    if trust.locked_level is not None or trust.level >= TrustLevel.LEADER:
        trust.evaluated_at = now
        trust.save(update_fields=["evaluated_at"])
        return trust.effective_level
    level = trust.level
    if level == TrustLevel.REGULAR:
        requirement = queries.requirements().get(TrustLevel.REGULAR)
        if requirement is not None and not queries.meets(
            requirement, member, grace=queries.DEMOTION_GRACE
        ):
            _set_level(trust, to_level=TrustLevel.MEMBER, reason=ChangeReason.DEMOTED, at=now)
            member._flywheel_trust_level = TrustLevel.MEMBER
            return TrustLevel.MEMBER
    earned = _earned_level(member, level)
    if earned > level:
        _set_level(trust, to_level=earned, reason=ChangeReason.PROMOTED, at=now)
    else:
        trust.evaluated_at = now
        trust.save(update_fields=["evaluated_at"])
    member._flywheel_trust_level = earned
    return earned


def update_trust_levels(
    *, everyone: bool = False, progress: Callable[[int, int], None] | None = None
) -> dict[str, int]:
    """The periodic pass: evaluate every member whose level may change. One transaction per
    member, so a long run never holds locks for long and can be stopped at any point."""
    members = queries.members_to_evaluate(everyone=everyone)
    total = members.count()
    counts = {"evaluated": 0, "promoted": 0, "demoted": 0}
    for index, member in enumerate(members.iterator(chunk_size=500), start=1):
        before = queries.trust_level_for(member)
        after = evaluate_member(member)
        counts["evaluated"] += 1
        if after > before:
            counts["promoted"] += 1
        elif after < before:
            counts["demoted"] += 1
        if progress is not None:
            progress(index, total)
    logger.info("trust levels updated: %s", counts)
    return counts


def check_trust_admin_permission(user) -> None:
    if not (getattr(user, "is_community_admin", False) or getattr(user, "is_superuser", False)):
        raise PermissionDenied(_("Only community admins set trust levels."))


@transaction.atomic
def set_locked_level(*, member, level: int | None, by) -> MemberTrust:
    """Staff pin a member at a level (4, leader, is only ever given this way), or unpin them
    (None): the member then keeps that level until the periodic pass says otherwise."""
    check_trust_admin_permission(by)
    if level is not None and level not in TrustLevel.values:
        raise InvalidInput(_("Choose a trust level from 0 to 4."), field="level")
    now = timezone.now()
    trust, _created = MemberTrust.objects.select_for_update().get_or_create(member=member)
    trust.member = member
    before = trust.effective_level
    if level is None:
        if trust.locked_level is None:
            return trust
        trust.locked_level = None
        trust.save(update_fields=["locked_level"])
        TrustLevelChange.objects.create(
            member=member,
            from_level=before,
            to_level=trust.level,
            reason=ChangeReason.UNLOCKED,
            changed_by=by,
            created_at=now,
        )
    else:
        trust.locked_level = level
        trust.level = level
        trust.level_changed_at = now
        trust.save(update_fields=["locked_level", "level", "level_changed_at"])
        TrustLevelChange.objects.create(
            member=member,
            from_level=before,
            to_level=level,
            reason=ChangeReason.LOCKED,
            changed_by=by,
            created_at=now,
        )
        if level != before:
            _notify_level_change(member=member, promoted=level > before, at=now)
    member._flywheel_trust_level = trust.effective_level
    return trust
