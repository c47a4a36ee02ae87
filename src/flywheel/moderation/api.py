"""JSON API for moderation: flags, the queue, guidelines and appeals (mounted at
/api/v1/moderation/). Thin: validate, look up through permissions, call one service."""

import json
from datetime import datetime
from typing import Literal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError, ValidationError
from pydantic import ValidationError as PydanticValidationError

from flywheel.api.auth import PUBLIC_READ_OPENAPI, anyone, member_required, viewer
from flywheel.api.pagination import PageParams, paginate
from flywheel.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    CleanStr,
    ErrorOut,
    MemberSummary,
    ObjectId,
    ensure_id,
    member_summary,
)
from flywheel.community.permissions import access_post, access_topic
from flywheel.core.exceptions import InvalidInput
from flywheel.moderation import permissions, queries, services
from flywheel.moderation.models import FlagReason, Sanction

router = Router(tags=["moderation"])

QUEUE_ORDERING = ("created_at", "id")


class FlagIn(Schema):
    target_type: Literal["post", "topic", "member"]
    target_id: ObjectId
    reason: Literal["spam", "inappropriate", "off_topic", "harassment", "other"]
    text: CleanStr = Field("", max_length=1000, description="Required for `other`.")


class FlagOut(Schema):
    id: int
    target_type: str
    target_id: int
    reason: FlagReason
    created_at: datetime


class ReviewItemOut(Schema):
    id: int
    target_type: str
    target_id: int
    post_id: int | None
    topic_id: int | None
    space: str | None = Field(description="The space's slug.")
    subject: MemberSummary | None
    excerpt: str
    reasons: list[str]
    flag_count: int
    flag_weight: float
    toxicity: float | None
    spam_score: float | None
    is_premoderation: bool
    is_hidden: bool
    created_at: datetime


class ReviewPage(Schema):
    items: list[ReviewItemOut]
    next_cursor: str | None


class DecisionIn(Schema):
    action: Literal["approve", "reject", "dismiss", "delete"]
    reason: CleanStr = Field("", max_length=2000)


class GuidelinesOut(Schema):
    version: int
    body: str
    body_html: str
    published_at: datetime | None
    accepted: bool = Field(description="Whether the caller accepted this version.")


class AcceptIn(Schema):
    version: int = Field(ge=1)


class AppealIn(Schema):
    sanction_id: ObjectId
    text: CleanStr = Field(max_length=4000)


class AppealOut(Schema):
    id: int
    sanction_id: int
    state: str
    created_at: datetime


def _flag_target(user, payload: FlagIn):
    if payload.target_type == "member":
        member = get_user_model().objects.filter(pk=payload.target_id, is_active=True).first()
        if member is None:
            raise InvalidInput(_("No such member."), field="target_id")
        return member
    # What the flagger may not see (hidden, held, deleted, locked) is as absent as what never
    # was: the same access getters as every read.
    if payload.target_type == "topic":
        try:
            return access_topic(user, payload.target_id)
        except (Http404, PermissionDenied) as missing:
            raise InvalidInput(_("No such topic."), field="target_id") from missing
    try:
        post = access_post(user, payload.target_id)
    except (Http404, PermissionDenied) as missing:
        raise InvalidInput(_("No such post."), field="target_id") from missing
    return post.topic if post.is_opening_post else post


@router.post(
    "/flags", response={201: FlagOut, **WRITE_ERRORS}, auth=member_required, summary="Flag"
)
def create_flag(request: HttpRequest, payload: FlagIn):
    """Flag a post, topic or member for the moderators, once. 409 when already flagged."""
    user = viewer(request)
    target = _flag_target(user, payload)
    flag = services.raise_flag(
        flagger=user, target=target, reason=payload.reason, text=payload.text
    )
    return Status(
        201,
        {
            "id": flag.pk,
            "target_type": flag.target_type.model,
            "target_id": flag.target_id,
            "reason": flag.reason,
            "created_at": flag.created_at,
        },
    )


def _item_out(item) -> dict:
    post = item.post
    moderation = getattr(post, "moderation", None) if post else None
    return {
        "id": item.pk,
        "target_type": item.target_type.model,
        "target_id": item.target_id,
        "post_id": item.post_id,
        "topic_id": post.topic_id if post else None,
        "space": item.space.slug if item.space else None,
        "subject": member_summary(item.subject),
        "excerpt": post.body[:500] if post else "",
        "reasons": item.reasons,
        "flag_count": item.flag_count,
        "flag_weight": item.flag_weight,
        "toxicity": item.toxicity,
        "spam_score": item.spam_score,
        "is_premoderation": item.is_premoderation,
        "is_hidden": bool(moderation and moderation.is_hidden),
        "created_at": item.created_at,
    }


@router.get(
    "/queue",
    response={200: ReviewPage, **READ_ERRORS, 403: ErrorOut},
    auth=member_required,
    summary="The moderation queue",
)
def list_queue(request: HttpRequest, page: Query[PageParams]):
    """Open items the caller moderates (space moderators: their spaces), oldest first."""
    user = viewer(request)
    permissions.check_queue_permission(user)
    result = paginate(
        queries.review_queue(user).select_related("target_type"),
        ordering=QUEUE_ORDERING,
        cursor=page.cursor,
        limit=page.limit,
    )
    return {"items": [_item_out(item) for item in result.items], "next_cursor": result.next_cursor}


def _decision_from(request: HttpRequest) -> DecisionIn:
    """The decision in the body, read by hand so that it is read only after the permission
    check: a member who may not moderate gets 403 whatever they sent, never a 422 or 400
    that would tell them how to shape a valid decision."""
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as error:
        raise HttpError(400, _("The request body is not valid JSON.")) from error
    try:
        return DecisionIn.model_validate(data)
    except PydanticValidationError as error:
        # Same locations ninja gives a declared body, so the error format is the usual one.
        raise ValidationError(
            [{**detail, "loc": ("body", "payload", *detail["loc"])} for detail in error.errors()]
        ) from error


# The body is documented as if declared (it is validated in _decision_from).
DECISION_OPENAPI = {
    "requestBody": {
        "content": {"application/json": {"schema": DecisionIn.model_json_schema()}},
        "required": True,
    }
}


@router.post(
    "/queue/{int:item_id}/decision",
    response={200: ReviewItemOut, **WRITE_ERRORS},
    auth=member_required,
    openapi_extra=DECISION_OPENAPI,
    summary="Decide a queue item",
)
def decide_item(request: HttpRequest, item_id: int):
    """Approve, reject, dismiss or delete. Only moderators of the item's space (403 for
    anyone else, checked before the body is read)."""
    user = viewer(request)
    permissions.check_queue_permission(user)
    payload = _decision_from(request)
    ensure_id(item_id, message=_("No such item."))
    item = queries.review_item_for(user, item_id)
    if item is None:
        raise PermissionDenied(_("You do not moderate where this was posted."))
    ip_hash = services.hash_ip(request.META.get("REMOTE_ADDR"))
    action = {
        "approve": services.approve,
        "reject": services.reject,
        "dismiss": services.dismiss,
        "delete": services.delete_content,
    }[payload.action]
    action(item=item, by=user, reason=payload.reason, ip_hash=ip_hash)
    return _item_out(queries.review_item_for(user, item_id))


@router.get(
    "/guidelines",
    response={200: GuidelinesOut, **READ_ERRORS},
    auth=anyone,
    openapi_extra=PUBLIC_READ_OPENAPI,
    summary="The current community guidelines",
)
def get_guidelines(request: HttpRequest):
    user = viewer(request)
    current = services.current_guidelines()
    if current is None:
        raise Http404(_("No guidelines are published yet."))
    return {
        "version": current.version,
        "body": current.body,
        "body_html": current.body_html,
        "published_at": current.published_at,
        "accepted": bool(user.is_authenticated and services.has_accepted_current_guidelines(user)),
    }


@router.post(
    "/guidelines/accept",
    response={204: None, **WRITE_ERRORS},
    auth=member_required,
    summary="Accept the current guidelines",
)
def accept_guidelines(request: HttpRequest, payload: AcceptIn):
    """Accept the version you read; 409 when a newer version was published meanwhile."""
    services.accept_guidelines(member=viewer(request), version=payload.version)
    return Status(204, None)


@router.post(
    "/appeals",
    response={201: AppealOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Appeal a sanction",
)
def create_appeal(request: HttpRequest, payload: AppealIn):
    user = viewer(request)
    sanction = Sanction.objects.filter(pk=payload.sanction_id, member=user).first()
    if sanction is None:
        raise InvalidInput(_("No such sanction."), field="sanction_id")
    appeal = services.submit_appeal(sanction=sanction, member=user, text=payload.text)
    return Status(
        201,
        {
            "id": appeal.pk,
            "sanction_id": sanction.pk,
            "state": appeal.state,
            "created_at": appeal.created_at,
        },
    )
