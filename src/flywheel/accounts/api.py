"""JSON API for members: public profiles, the caller's own profile, follows and access tokens."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from flywheel.accounts import queries, services
from flywheel.accounts.models import PersonalAccessToken, User
from flywheel.api.auth import (
    PUBLIC_READ_OPENAPI,
    anyone,
    authenticated_by_token,
    member_required,
    viewer,
)
from flywheel.api.pagination import PageParams, paginate
from flywheel.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    CleanStr,
    FollowOut,
    MemberSummary,
    ensure_id,
    member_summary,
)
from flywheel.community import services as community_services

members_router = Router(tags=["members"])
me_router = Router(tags=["me"])

MEMBER_ORDERING = ("id",)
TOKEN_ORDERING = ("-created_at", "-id")


class MemberPage(Schema):
    items: list[MemberSummary]
    next_cursor: str | None


class MemberOut(Schema):
    """A member's public profile, with counts scoped to what the caller may read."""

    id: int
    handle: str
    name: str
    display_name: str
    bio: str
    avatar_url: str | None
    role: str
    joined_at: datetime
    topic_count: int
    reply_count: int
    accepted_answer_count: int
    follower_count: int
    is_following: bool = Field(description="Whether the caller follows this member.")


class MeOut(Schema):
    """The caller's own profile and preferences."""

    id: int
    handle: str
    name: str
    display_name: str
    bio: str
    avatar_url: str | None
    role: str
    joined_at: datetime
    email: str
    language: str
    timezone: str
    digest_enabled: bool
    mention_emails_enabled: bool


class MeUpdateIn(Schema):
    """Only the fields sent change."""

    display_name: CleanStr | None = None
    bio: CleanStr | None = None
    language: CleanStr | None = Field(None, description="A language code, e.g. `en` or `it`.")
    timezone: CleanStr | None = Field(None, description="An IANA time zone, e.g. `Europe/Rome`.")


class TokenOut(Schema):
    """A personal access token; its secret value is shown only when it is created."""

    id: int
    name: str
    prefix: str = Field(description="The token's first characters, to recognise it.")
    created_at: datetime
    last_used_at: datetime | None


class TokenPage(Schema):
    items: list[TokenOut]
    next_cursor: str | None


class TokenCreateIn(Schema):
    name: CleanStr = Field(description="What the token is for, e.g. `Zapier`.")


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The secret, `fw_…`. Store it now: it is never shown again.")


def _member_or_404(handle: str) -> User:
    if "\x00" in handle:
        raise Http404(_("No such member."))
    return queries.get_member_by_handle(handle)


def _me_out(user: User) -> dict:
    return {
        **member_summary(user),
        "display_name": user.display_name,
        "bio": user.bio,
        "joined_at": user.date_joined,
        "email": user.email,
        "language": user.language,
        "timezone": user.timezone,
        "digest_enabled": user.digest_enabled,
        "mention_emails_enabled": user.mention_emails_enabled,
    }


def _token_out(token: PersonalAccessToken) -> dict:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
    }


# Members --------------------------------------------------------------------------------------


@members_router.get(
    "",
    response={200: MemberPage, **READ_ERRORS},
    auth=anyone,
    openapi_extra=PUBLIC_READ_OPENAPI,
    summary="List members",
)
def list_members(request: HttpRequest, page: Query[PageParams]):
    """Active members in the order they joined."""
    result = paginate(
        User.objects.filter(is_active=True),
        ordering=MEMBER_ORDERING,
        cursor=page.cursor,
        limit=page.limit,
    )
    return {
        "items": [member_summary(member) for member in result.items],
        "next_cursor": result.next_cursor,
    }


@members_router.get(
    "/{handle}",
    response={200: MemberOut, **READ_ERRORS},
    auth=anyone,
    openapi_extra=PUBLIC_READ_OPENAPI,
    summary="Get a member",
)
def get_member(request: HttpRequest, handle: str):
    member = _member_or_404(handle)
    profile = queries.member_profile(member, viewer=viewer(request))
    return {
        **member_summary(member),
        "display_name": member.display_name,
        "bio": member.bio,
        "joined_at": member.date_joined,
        "topic_count": profile.topic_count,
        "reply_count": profile.reply_count,
        "accepted_answer_count": profile.accepted_answer_count,
        "follower_count": profile.follower_count,
        "is_following": profile.viewer_follows,
    }


@members_router.post(
    "/{handle}/follow",
    response={200: FollowOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Follow a member",
)
def follow_member(request: HttpRequest, handle: str):
    """Be notified when the member starts a topic. Following yourself is a 422."""
    community_services.follow(follower=viewer(request), member=_member_or_404(handle))
    return {"following": True}


@members_router.delete(
    "/{handle}/follow",
    response={200: FollowOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Unfollow a member",
)
def unfollow_member(request: HttpRequest, handle: str):
    community_services.unfollow(follower=viewer(request), member=_member_or_404(handle))
    return {"following": False}


# The caller -----------------------------------------------------------------------------------


@me_router.get("", response={200: MeOut, **READ_ERRORS}, auth=member_required, summary="Get me")
def get_me(request: HttpRequest):
    return _me_out(viewer(request))


@me_router.patch(
    "",
    response={200: MeOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Update me",
)
def update_me(request: HttpRequest, payload: MeUpdateIn):
    """Change display name, bio, language or time zone; all checked before any is saved."""
    user = viewer(request)

    def sent(value, current):
        return current if value is None else value

    member = services.update_profile(
        member=user,
        display_name=sent(payload.display_name, user.display_name),
        handle=user.handle,
        bio=sent(payload.bio, user.bio),
        language=sent(payload.language, user.language),
        timezone_name=sent(payload.timezone, user.timezone),
        digest_enabled=user.digest_enabled,
        mention_emails_enabled=user.mention_emails_enabled,
    )
    return _me_out(member)


@me_router.get(
    "/tokens",
    response={200: TokenPage, **READ_ERRORS},
    auth=member_required,
    summary="List my access tokens",
)
def list_tokens(request: HttpRequest, page: Query[PageParams]):
    """The caller's tokens that are not revoked, newest first."""
    result = paginate(
        queries.active_tokens_for(viewer(request)),
        ordering=TOKEN_ORDERING,
        cursor=page.cursor,
        limit=page.limit,
    )
    return {"items": [_token_out(t) for t in result.items], "next_cursor": result.next_cursor}


@me_router.post(
    "/tokens",
    response={201: TokenCreatedOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Create an access token",
)
def create_token(request: HttpRequest, payload: TokenCreateIn):
    """Issue a token; the response is the only time its secret is shown.

    Only a signed-in browser session may do this, so a leaked token cannot mint more.
    """
    if authenticated_by_token(request):
        raise PermissionDenied(_("Create access tokens from a signed-in session."))
    token, raw = services.create_access_token(user=viewer(request), name=payload.name)
    return Status(201, {**_token_out(token), "token": raw})


@me_router.delete(
    "/tokens/{int:token_id}",
    response={204: None, **WRITE_ERRORS},
    auth=member_required,
    summary="Revoke an access token",
)
def revoke_token(request: HttpRequest, token_id: int):
    """Revoke one of the caller's tokens; it stops working at once."""
    ensure_id(token_id, message=_("No such token."))
    token = queries.active_tokens_for(viewer(request)).filter(pk=token_id).first()
    if token is None:
        raise Http404(_("No such token."))
    services.revoke_access_token(token=token)
    return Status(204, None)
