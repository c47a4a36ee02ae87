"""JSON API for badges: the list, one badge, a member's badges, and staff giving a badge."""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from flywheel.api.auth import PUBLIC_READ_OPENAPI, anyone, member_required, viewer
from flywheel.api.pagination import PageParams, paginate
from flywheel.api.schemas import READ_ERRORS, WRITE_ERRORS, CleanStr, MemberSummary, member_summary
from flywheel.badges import queries, services
from flywheel.badges.models import Badge

router = Router(tags=["badges"])

BADGE_ORDERING = ("position", "id")


class BadgeOut(Schema):
    slug: str
    name: str
    description: str
    grade: str = Field(description="`bronze`, `silver` or `gold`.")
    icon: str = Field(description="A Bootstrap Icons name.")
    is_manual: bool = Field(description="Given by staff rather than earned automatically.")
    is_multi_grant: bool
    holder_count: int | None = Field(description="Members holding it (lists of badges only).")
    url: str


class BadgePage(Schema):
    items: list[BadgeOut]
    next_cursor: str | None


class HeldBadgeOut(Schema):
    badge: BadgeOut
    times: int = Field(description="How often the member earned it (multi-grant badges).")
    first_granted_at: datetime
    reason: str


class MemberBadgesOut(Schema):
    member: MemberSummary
    items: list[HeldBadgeOut]


class GrantIn(Schema):
    handle: CleanStr = Field(max_length=30, description="The member to give the badge to.")
    reason: CleanStr = Field("", max_length=300)


class GrantOut(Schema):
    badge: str
    member: MemberSummary
    granted_at: datetime
    reason: str


def _badge_out(badge: Badge, *, with_holders: bool = True) -> dict:
    return {
        "slug": badge.slug,
        "name": _(badge.name),
        "description": _(badge.description),
        "grade": badge.grade_key,
        "icon": badge.icon,
        "is_manual": badge.is_manual,
        "is_multi_grant": badge.is_multi_grant,
        "holder_count": badge.holder_count if with_holders else None,
        "url": badge.get_absolute_url(),
    }


def _badge_or_404(slug: str) -> Badge:
    badge = queries.badge_by_slug(slug[:60])
    if badge is None:
        raise Http404(_("No such badge."))
    return badge


def _member_or_404(handle: str):
    member = get_user_model().objects.filter(handle__iexact=handle[:30], is_active=True).first()
    if member is None or "\x00" in handle:
        raise Http404(_("No such member."))
    return member


@router.get(
    "",
    response={200: BadgePage, **READ_ERRORS},
    auth=anyone,
    openapi_extra=PUBLIC_READ_OPENAPI,
    summary="List badges",
)
def list_badges(request: HttpRequest, page: Query[PageParams]):
    """Active badges in display order, with how many members hold each."""
    result = paginate(
        queries.badge_directory(), ordering=BADGE_ORDERING, cursor=page.cursor, limit=page.limit
    )
    return {"items": [_badge_out(b) for b in result.items], "next_cursor": result.next_cursor}


@router.get(
    "/members/{handle}",
    response={200: MemberBadgesOut, **READ_ERRORS},
    auth=anyone,
    openapi_extra=PUBLIC_READ_OPENAPI,
    summary="List a member's badges",
)
def member_badges(request: HttpRequest, handle: str):
    """One entry per badge, best grade first."""
    member = _member_or_404(handle)
    held = queries.member_badges(member)
    return {
        "member": member_summary(member),
        "items": [
            {
                "badge": _badge_out(item.badge, with_holders=False),
                "times": item.times,
                "first_granted_at": item.first_granted_at,
                "reason": item.reason,
            }
            for item in held
        ],
    }


@router.get(
    "/{slug}",
    response={200: BadgeOut, **READ_ERRORS},
    auth=anyone,
    openapi_extra=PUBLIC_READ_OPENAPI,
    summary="Get a badge",
)
def get_badge(request: HttpRequest, slug: str):
    return _badge_out(_badge_or_404(slug))


@router.post(
    "/{slug}/grants",
    response={201: GrantOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Give a member a badge (brand team)",
)
def grant_badge(request: HttpRequest, slug: str, payload: GrantIn):
    """Only for badges marked "given by staff", and only by the brand team."""
    user = viewer(request)
    services.check_badge_manage_permission(user)
    badge = _badge_or_404(slug)
    member = _member_or_404(payload.handle)
    grant = services.grant_badge_by_staff(
        badge=badge, member=member, by=user, reason=payload.reason
    )
    return Status(
        201,
        {
            "badge": badge.slug,
            "member": member_summary(member),
            "granted_at": grant.granted_at,
            "reason": grant.reason,
        },
    )
