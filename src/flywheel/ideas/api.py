"""JSON API for ideas and feedback boards: lists and pages (public), submitting, supporting and
withdrawing, comments, staff status changes, feature requests, votes, merges and the roadmap.
Authors appear by the name the pages show; never an e-mail."""

import json
from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError, ValidationError
from pydantic import ValidationError as PydanticValidationError

from flywheel.api.auth import PUBLIC_READ_OPENAPI, anyone, member_required, viewer
from flywheel.api.pagination import PageParams, paginate
from flywheel.api.schemas import READ_ERRORS, WRITE_ERRORS, CleanStr
from flywheel.core.exceptions import InvalidInput
from flywheel.ideas import permissions, queries, services
from flywheel.ideas.models import FeatureRequest, FeedbackBoard, Idea, IdeaCategory

router = Router(tags=["ideas"])


class IdeaOut(Schema):
    id: int
    title: str
    status: str
    status_label: str
    category: str | None
    author_name: str | None = Field(description="The name shown on the page; never an e-mail.")
    supporters: int
    verified_buyer_supporters: int
    weighted_support: str = Field(description="Supporters with verified buyers weighted (decimal).")
    milestones_reached: int
    next_milestone: int | None
    window_ends_at: datetime | None
    decline_reason: str
    url: str
    created_at: datetime


class IdeaDetailOut(IdeaOut):
    description_html: str = Field(description="Sanitised HTML rendered from the Markdown.")
    images: list[str]
    supported_by_me: bool


class IdeaPage(Schema):
    items: list[IdeaOut]
    next_cursor: str | None


class IdeaIn(Schema):
    title: CleanStr = Field(max_length=150)
    description: CleanStr = Field(max_length=10_000)
    category: str | None = Field(None, description="A category slug.")


class IdeaListParams(PageParams):
    status: str | None = Field(None, description="Only ideas in this status.")
    category: str | None = Field(None, description="Only ideas in this category (slug).")


class CommentIn(Schema):
    body: CleanStr = Field(max_length=5000)


class CommentOut(Schema):
    id: int
    author_name: str | None
    body_html: str
    created_at: datetime


class StatusIn(Schema):
    status: str
    reason: CleanStr = Field("", max_length=2000)


class RequestOut(Schema):
    id: int
    board: str
    title: str
    body_html: str
    status: str
    votes: int
    merged_into: int | None
    url: str


class RequestPage(Schema):
    items: list[RequestOut]
    next_cursor: str | None


class RequestIn(Schema):
    title: CleanStr = Field(max_length=150)
    body: CleanStr = Field("", max_length=10_000)


class MergeIn(Schema):
    into: int = Field(description="The id of the request the duplicate repeats.")


class RequestStatusIn(Schema):
    status: str


class RoadmapItem(Schema):
    kind: str = Field(description="`idea` or `request`.")
    id: int
    title: str
    url: str


class RoadmapOut(Schema):
    planned: list[RoadmapItem]
    in_progress: list[RoadmapItem]
    shipped: list[RoadmapItem]


def _staff_body(request: HttpRequest, schema: type[Schema]):
    """The body of a brand-team operation, read by hand after the permission check (as the
    moderation queue's decisions): a member gets 403 whatever they sent, never a 422 that
    would tell them how to shape a valid request."""
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as error:
        raise HttpError(400, _("The request body is not valid JSON.")) from error
    try:
        return schema.model_validate(data)
    except PydanticValidationError as error:
        raise ValidationError(
            [{**detail, "loc": ("body", "payload", *detail["loc"])} for detail in error.errors()]
        ) from error


def _documented_body(schema: type[Schema]) -> dict:
    return {
        "requestBody": {
            "content": {"application/json": {"schema": schema.model_json_schema()}},
            "required": True,
        }
    }


def idea_out(idea: Idea) -> dict:
    progress = queries.progress_of(idea)
    return {
        "id": idea.pk,
        "title": idea.title,
        "status": idea.status,
        "status_label": str(idea.get_status_display()),
        "category": idea.category.slug if idea.category_id else None,
        "author_name": idea.author.name if idea.author_id else None,
        "supporters": idea.support_count,
        "verified_buyer_supporters": idea.buyer_support_count,
        "weighted_support": str(progress.weighted.normalize()),
        "milestones_reached": idea.milestones_reached,
        "next_milestone": progress.next_target,
        "window_ends_at": idea.window_ends_at,
        "decline_reason": idea.decline_reason,
        "url": idea.get_absolute_url(),
        "created_at": idea.created_at,
    }


def idea_detail_out(request: HttpRequest, idea_id: int) -> dict:
    member = viewer(request)
    idea = queries.idea_for_page(member, idea_id)
    return {
        **idea_out(idea),
        "description_html": idea.description_html,
        "images": [image.image.url for image in idea.images.all()],
        "supported_by_me": queries.viewer_supports(member, idea),
    }


def request_out(feature: FeatureRequest) -> dict:
    return {
        "id": feature.pk,
        "board": feature.board.slug,
        "title": feature.title,
        "body_html": feature.body_html,
        "status": feature.status,
        "votes": feature.vote_count,
        "merged_into": feature.merged_into_id,
        "url": feature.get_absolute_url(),
    }


@router.get(
    "",
    response={200: IdeaPage, **READ_ERRORS},
    auth=anyone,
    openapi_extra=PUBLIC_READ_OPENAPI,
    summary="List ideas",
)
def list_ideas(request: HttpRequest, params: Query[IdeaListParams]):
    queryset = queries.ideas_list(viewer(request), status=params.status, category=params.category)
    result = paginate(
        queryset, ordering=("-support_count", "-id"), cursor=params.cursor, limit=params.limit
    )
    return {"items": [idea_out(idea) for idea in result.items], "next_cursor": result.next_cursor}


@router.post(
    "",
    response={201: IdeaDetailOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Submit an idea",
)
def submit_idea(request: HttpRequest, payload: IdeaIn):
    """Text only (images through the page)."""
    category = None
    if payload.category:
        category = IdeaCategory.objects.filter(slug=payload.category).first()
        if category is None:
            raise InvalidInput(_("No such category."), field="category")
    idea = services.submit_idea(
        author=viewer(request),
        title=payload.title,
        description=payload.description,
        category=category,
    )
    return Status(201, idea_detail_out(request, idea.pk))


@router.get(
    "/roadmap",
    response={200: RoadmapOut, **READ_ERRORS},
    auth=anyone,
    openapi_extra=PUBLIC_READ_OPENAPI,
    summary="The public roadmap",
)
def roadmap(request: HttpRequest):
    result = queries.roadmap(viewer(request))

    def items(column):
        return [
            {"kind": kind, "id": item.pk, "title": item.title, "url": item.get_absolute_url()}
            for kind, item in column
        ]

    return {
        "planned": items(result.planned),
        "in_progress": items(result.in_progress),
        "shipped": items(result.shipped),
    }


@router.get(
    "/{idea_id}",
    response={200: IdeaDetailOut, **READ_ERRORS},
    auth=anyone,
    openapi_extra=PUBLIC_READ_OPENAPI,
    summary="Get an idea",
)
def get_idea(request: HttpRequest, idea_id: int):
    return idea_detail_out(request, idea_id)


@router.post(
    "/{idea_id}/support",
    response={200: IdeaDetailOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Support an idea",
)
def support_idea(request: HttpRequest, idea_id: int):
    member = viewer(request)
    services.support_idea(idea=permissions.access_idea(member, idea_id), member=member)
    return idea_detail_out(request, idea_id)


@router.delete(
    "/{idea_id}/support",
    response={200: IdeaDetailOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Withdraw support",
)
def withdraw_support(request: HttpRequest, idea_id: int):
    member = viewer(request)
    services.withdraw_support(idea=permissions.access_idea(member, idea_id), member=member)
    return idea_detail_out(request, idea_id)


@router.post(
    "/{idea_id}/comments",
    response={201: CommentOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Comment on an idea",
)
def comment(request: HttpRequest, idea_id: int, payload: CommentIn):
    member = viewer(request)
    new = services.comment_on_idea(
        idea=permissions.access_idea(member, idea_id), author=member, body=payload.body
    )
    return Status(
        201,
        {
            "id": new.pk,
            "author_name": member.name,
            "body_html": new.body_html,
            "created_at": new.created_at,
        },
    )


@router.post(
    "/{idea_id}/status",
    openapi_extra=_documented_body(StatusIn),
    response={200: IdeaDetailOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Change an idea's status (brand team)",
)
def change_status(request: HttpRequest, idea_id: int):
    member = viewer(request)
    permissions.check_manage_permission(member)
    payload = _staff_body(request, StatusIn)
    services.change_idea_status(
        idea=permissions.access_idea(member, idea_id),
        by=member,
        status=payload.status,
        reason=payload.reason,
    )
    return idea_detail_out(request, idea_id)


@router.get(
    "/boards/{slug}/requests",
    response={200: RequestPage, **READ_ERRORS},
    auth=anyone,
    openapi_extra=PUBLIC_READ_OPENAPI,
    summary="List a board's feature requests",
)
def board_requests(request: HttpRequest, slug: str, params: Query[PageParams]):
    board = get_object_or_404(FeedbackBoard, slug=slug)
    queryset = queries.board_requests(viewer(request), board).select_related("board")
    result = paginate(
        queryset, ordering=("-vote_count", "-id"), cursor=params.cursor, limit=params.limit
    )
    return {
        "items": [request_out(item) for item in result.items],
        "next_cursor": result.next_cursor,
    }


@router.post(
    "/boards/{slug}/requests",
    response={201: RequestOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Request a feature",
)
def new_request(request: HttpRequest, slug: str, payload: RequestIn):
    board = get_object_or_404(FeedbackBoard, slug=slug)
    feature = services.request_feature(
        board=board, author=viewer(request), title=payload.title, body=payload.body
    )
    return Status(201, request_out(feature))


@router.post(
    "/requests/{request_id}/vote",
    response={200: RequestOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Vote for a feature request",
)
def vote(request: HttpRequest, request_id: int):
    member = viewer(request)
    services.vote_for_request(request=permissions.access_request(member, request_id), member=member)
    return request_out(permissions.access_request(member, request_id))


@router.delete(
    "/requests/{request_id}/vote",
    response={200: RequestOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Remove my vote",
)
def unvote(request: HttpRequest, request_id: int):
    member = viewer(request)
    services.withdraw_vote(request=permissions.access_request(member, request_id), member=member)
    return request_out(permissions.access_request(member, request_id))


@router.post(
    "/requests/{request_id}/merge",
    openapi_extra=_documented_body(MergeIn),
    response={200: RequestOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Merge a duplicate request (brand team)",
)
def merge(request: HttpRequest, request_id: int):
    member = viewer(request)
    permissions.check_manage_permission(member)
    payload = _staff_body(request, MergeIn)
    into = services.merge_requests(
        source=permissions.access_request(member, request_id),
        into=permissions.access_request(member, payload.into),
        by=member,
    )
    return request_out(permissions.access_request(member, into.pk))


@router.post(
    "/requests/{request_id}/status",
    openapi_extra=_documented_body(RequestStatusIn),
    response={200: RequestOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Change a request's status (brand team)",
)
def request_status(request: HttpRequest, request_id: int):
    member = viewer(request)
    permissions.check_manage_permission(member)
    payload = _staff_body(request, RequestStatusIn)
    services.change_request_status(
        request=permissions.access_request(member, request_id), by=member, status=payload.status
    )
    return request_out(permissions.access_request(member, request_id))
