"""Every write about badges: earning them from the Activity log, staff giving and taking them
back, recomputing from scratch, and installing the default set."""

import logging
import uuid
from collections.abc import Callable, Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from flywheel.badges import criteria
from flywheel.badges.defaults import DEFAULT_BADGES
from flywheel.badges.models import Badge, BadgeGrant
from flywheel.core.exceptions import Conflict, InvalidInput
from flywheel.core.models import Activity

logger = logging.getLogger("flywheel.badges")


def _notify(grant: BadgeGrant) -> None:
    from flywheel.notifications.models import NotificationKind
    from flywheel.notifications.services import notify_member

    notify_member(
        recipient_id=grant.member_id,
        actor_id=grant.member_id,
        kind=NotificationKind.BADGE_GRANTED,
        at=grant.granted_at,
    )


@transaction.atomic
def _grant(
    *,
    badge: Badge,
    member_id: int,
    occasion: str,
    granted_at,
    notify: bool,
    source_activity_id: int | None = None,
    granted_by=None,
    reason: str = "",
) -> tuple[BadgeGrant, bool]:
    grant, created = BadgeGrant.objects.get_or_create(
        member_id=member_id,
        badge=badge,
        occasion=occasion,
        defaults={
            "granted_at": granted_at,
            "source_activity_id": source_activity_id,
            "granted_by": granted_by,
            "reason": reason,
        },
    )
    if created and notify:
        _notify(grant)
    return grant, created


def criterion_badges() -> list[Badge]:
    return list(Badge.objects.filter(is_active=True).exclude(criterion_kind=""))


def _inactive_member_ids() -> set[int]:
    """Accounts that earn nothing: erased (the tombstone's grants were deleted and must not
    come back) or deactivated."""
    return set(get_user_model().objects.filter(is_active=False).values_list("pk", flat=True))


def award_badges_for_activity(activity: Activity) -> list[BadgeGrant]:
    """The Activity consumer: grant every badge this activity earns someone. Idempotent."""
    granted = []
    for badge in criterion_badges():
        for award in criteria.evaluate(badge, activity):
            if not get_user_model().objects.filter(pk=award.member_id, is_active=True).exists():
                continue
            grant, created = _grant(
                badge=badge,
                member_id=award.member_id,
                occasion=award.occasion,
                granted_at=award.granted_at,
                source_activity_id=award.activity_id,
                notify=True,
            )
            if created:
                granted.append(grant)
    return granted


def recompute_badges(
    *,
    badges: Iterable[Badge] | None = None,
    notify: bool = False,
    progress: Callable[[Badge, int], None] | None = None,
) -> dict[str, int]:
    """Replay the whole Activity log for each criterion badge and grant what is missing.

    Gives the same grants the consumer gives (same member, occasion and source activity);
    existing grants are kept, so running it twice changes nothing. Members are not notified
    unless asked: a recompute usually backfills history.
    """
    counts = {"badges": 0, "granted": 0}
    inactive = _inactive_member_ids()
    for badge in badges if badges is not None else criterion_badges():
        if not badge.criterion_kind:
            continue
        new = 0
        for award in criteria.scan(badge):
            if award.member_id in inactive:
                continue
            _grant_, created = _grant(
                badge=badge,
                member_id=award.member_id,
                occasion=award.occasion,
                granted_at=award.granted_at,
                source_activity_id=award.activity_id,
                notify=notify,
            )
            new += created
        counts["badges"] += 1
        counts["granted"] += new
        if progress is not None:
            progress(badge, new)
    logger.info("badges recomputed: %s", counts)
    return counts


def can_manage_badges(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and (getattr(user, "is_brand_team", False) or getattr(user, "is_superuser", False))
    )


def check_badge_manage_permission(user) -> None:
    if not can_manage_badges(user):
        raise PermissionDenied(_("Only the brand team gives badges."))


def grant_badge_by_staff(*, badge: Badge, member, by, reason: str = "") -> BadgeGrant:
    """Staff give a member a badge marked "given by staff". A badge that can be earned more
    than once may be given again; otherwise a second grant is refused."""
    check_badge_manage_permission(by)
    if not badge.is_active:
        raise InvalidInput(_("This badge is retired."), field="badge")
    if not badge.is_manual:
        raise InvalidInput(
            _("“%(badge)s” is earned automatically; staff cannot give it.") % {"badge": badge.name},
            field="badge",
        )
    if member is None or not member.is_active:
        raise InvalidInput(_("Choose an active member."), field="member")
    reason = " ".join((reason or "").split())
    if len(reason) > 300:
        raise InvalidInput(_("Keep the reason under 300 characters."), field="reason")
    occasion = f"manual:{uuid.uuid4().hex}" if badge.is_multi_grant else ""
    grant, created = _grant(
        badge=badge,
        member_id=member.pk,
        occasion=occasion,
        granted_at=timezone.now(),
        granted_by=by,
        reason=reason,
        notify=True,
    )
    if not created:
        raise Conflict(
            _("%(member)s already holds “%(badge)s”.")
            % {"member": member.name, "badge": badge.name},
            field="member",
        )
    return grant


@transaction.atomic
def revoke_badge(*, grant: BadgeGrant, by) -> None:
    """Staff take a badge back (a mistaken manual grant, or one earned by abuse)."""
    check_badge_manage_permission(by)
    BadgeGrant.objects.filter(pk=grant.pk).delete()


@transaction.atomic
def install_default_badges() -> tuple[list[Badge], list[Badge]]:
    """Create the default badges that are missing (by slug). Badges already there, including
    ones staff have edited, are left exactly as they are. Returns (created, existing)."""
    created, existing = [], []
    for position, definition in enumerate(DEFAULT_BADGES):
        badge = Badge.objects.filter(slug=definition["slug"]).first()
        if badge is not None:
            existing.append(badge)
            continue
        badge = Badge(position=position * 10, **definition)
        try:
            badge.full_clean()
        except ValidationError as error:  # a broken default is a bug in defaults.py
            raise InvalidInput(f"{definition['slug']}: {error.messages}") from error
        badge.save()
        created.append(badge)
    return created, existing


@transaction.atomic
def define_badge_for_activity(
    *,
    slug: str,
    name: str,
    description: str,
    verb: str,
    payload: dict,
    icon: str = "trophy",
    grade: int = 2,
) -> Badge:
    """A badge earned by doing `verb` once with these payload fields (a challenge completed),
    created or brought up to date by the app that owns the occasion. The badge consumer then
    grants it from the Activity log like any other, once per member."""
    badge = Badge.objects.select_for_update().filter(slug=slug).first() or Badge(slug=slug)
    badge.name = name[:80]
    badge.description = description[:300]
    badge.icon = icon
    badge.grade = grade
    badge.criterion_kind = "verb_count"
    badge.criterion_params = {"verbs": [verb], "count": 1, "payload": payload}
    badge.is_active = True
    try:
        badge.full_clean()
    except ValidationError as error:
        raise InvalidInput("; ".join(error.messages), field="badge_name") from error
    badge.save()
    return badge
