"""Reads shared by the pages, the API and the bench: lists with their related rows fetched up
front (a page costs the same queries for 5 ideas or 50), one idea's page, similar ideas while a
member types, the boards and the public roadmap."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from flywheel.ideas import permissions
from flywheel.ideas.milestones import milestones
from flywheel.ideas.models import (
    FeatureRequest,
    FeatureVote,
    FeedbackBoard,
    Idea,
    IdeaComment,
    IdeaImage,
    IdeaStatus,
    RequestStatus,
    Support,
)
from flywheel.ideas.services import buyer_weight

SORTS = ("popular", "newest", "ending")
DEFAULT_SORT = "popular"
SIMILAR_LIMIT = 5
WORD = re.compile(r"\w{3,}", re.UNICODE)
STOP_WORDS = {"the", "and", "for", "with", "that", "this", "from", "your", "our", "into"}


def first_images() -> Prefetch:
    return Prefetch("images", queryset=IdeaImage.objects.order_by("position", "id"))


def ideas_list(
    viewer, *, status: str | None = None, category: str | None = None, sort: str = DEFAULT_SORT
) -> QuerySet[Idea]:
    queryset = permissions.filter_ideas_queryset(viewer, Idea.objects.all()).select_related(
        "author", "category"
    )
    if status in IdeaStatus.values:
        queryset = queryset.filter(status=status)
    if category:
        queryset = queryset.filter(category__slug=category)
    if sort == "newest":
        return queryset.order_by("-created_at", "-id")
    if sort == "ending":
        return queryset.filter(window_ends_at__isnull=False).order_by("window_ends_at", "id")
    return queryset.order_by("-support_count", "-created_at", "-id")


def supported_idea_ids(viewer, ideas) -> set[int]:
    if viewer is None or not viewer.is_authenticated:
        return set()
    return set(
        Support.objects.filter(member=viewer, idea__in=[idea.pk for idea in ideas]).values_list(
            "idea_id", flat=True
        )
    )


@dataclass(frozen=True)
class Progress:
    """Where an idea stands against its milestones (what the page's progress bar shows)."""

    supporters: int
    buyers: int
    weighted: Decimal
    weight: Decimal
    reached: int
    total: int
    next_target: int | None
    window_ends_at: datetime | None
    percent: int


def progress_of(idea: Idea) -> Progress:
    schedule = milestones()
    weight = buyer_weight()
    weighted = idea.weighted_support(weight)
    reached = min(idea.milestones_reached, len(schedule))
    next_target = schedule[reached].supporters if reached < len(schedule) else None
    percent = 100 if next_target is None else min(100, int(weighted * 100 / next_target))
    return Progress(
        supporters=idea.support_count,
        buyers=idea.buyer_support_count,
        weighted=weighted,
        weight=weight,
        reached=reached,
        total=len(schedule),
        next_target=next_target,
        window_ends_at=idea.window_ends_at,
        percent=percent,
    )


def idea_comments(viewer, idea: Idea) -> QuerySet[IdeaComment]:
    return permissions.filter_comments_queryset(
        viewer, IdeaComment.objects.filter(idea=idea)
    ).select_related("author")


def idea_for_page(viewer, idea_id: int) -> Idea:
    """The idea with its images, history and reward fetched up front."""
    return permissions.access_idea(
        viewer,
        idea_id,
        queryset=Idea.objects.select_related(
            "author", "category", "review_period", "creator_reward"
        ).prefetch_related(first_images(), "status_changes__by"),
    )


def viewer_supports(viewer, idea: Idea) -> bool:
    if viewer is None or not viewer.is_authenticated:
        return False
    return Support.objects.filter(idea=idea, member=viewer).exists()


def recent_supporters(idea: Idea, limit: int = 12) -> list:
    """A few faces for the page; a 10,000-supporter idea still reads one short, indexed page."""
    return [
        support.member
        for support in Support.objects.filter(idea=idea)
        .select_related("member")
        .order_by("-created_at", "-id")[:limit]
    ]


def similar_ideas(text: str, *, viewer=None, exclude_id: int | None = None) -> list[Idea]:
    """Ideas whose titles share words with what the member is typing, most shared first:
    offered under the title field so a duplicate gets support instead of a twin."""
    words = [word for word in WORD.findall((text or "").lower()) if word not in STOP_WORDS][:8]
    if not words:
        return []
    matches = Q()
    for word in words:
        matches |= Q(title__icontains=word)
    candidates = list(
        permissions.filter_ideas_queryset(viewer, Idea.objects.filter(matches))
        .exclude(pk=exclude_id or 0)
        .only("pk", "title", "status", "support_count")
        .order_by("-support_count", "-id")[:50]
    )

    def shared(idea: Idea) -> int:
        title = idea.title.lower()
        return sum(1 for word in words if word in title)

    candidates.sort(key=lambda idea: (-shared(idea), -idea.support_count))
    return candidates[:SIMILAR_LIMIT]


# ---------------------------------------------------------------- boards and roadmap


def boards() -> QuerySet[FeedbackBoard]:
    return FeedbackBoard.objects.all()


def board_requests(viewer, board: FeedbackBoard, *, status: str | None = None):
    queryset = permissions.filter_requests_queryset(
        viewer, FeatureRequest.objects.filter(board=board)
    ).select_related("author", "merged_into")
    if status in RequestStatus.values:
        return queryset.filter(status=status)
    return queryset.exclude(status=RequestStatus.MERGED)


def voted_request_ids(viewer, requests) -> set[int]:
    if viewer is None or not viewer.is_authenticated:
        return set()
    return set(
        FeatureVote.objects.filter(
            member=viewer, request__in=[request.pk for request in requests]
        ).values_list("request_id", flat=True)
    )


@dataclass
class Roadmap:
    planned: list
    in_progress: list
    shipped: list


def roadmap(viewer, *, now: datetime | None = None, limit: int = 30) -> Roadmap:
    """Planned, in progress and shipped: feature requests and product ideas side by side.
    A released idea joins "shipped" FLYWHEEL_IDEAS_SUPPORTERS_FIRST_HOURS after its supporters
    heard (they hear it first)."""
    now = now or timezone.now()
    announced_before = now - timedelta(hours=settings.FLYWHEEL_IDEAS_SUPPORTERS_FIRST_HOURS)
    ideas = permissions.filter_ideas_queryset(None, Idea.objects.all()).select_related("category")
    requests = permissions.filter_requests_queryset(
        None, FeatureRequest.objects.all()
    ).select_related("board")

    def merged(idea_rows, request_rows) -> list:
        items = [("idea", idea) for idea in idea_rows] + [
            ("request", request) for request in request_rows
        ]
        return items[: limit * 2]

    return Roadmap(
        planned=merged(
            ideas.filter(status=IdeaStatus.ACCEPTED).order_by("-status_changed_at")[:limit],
            requests.filter(status=RequestStatus.PLANNED).order_by("-vote_count")[:limit],
        ),
        in_progress=merged(
            ideas.filter(status=IdeaStatus.IN_PRODUCTION).order_by("-status_changed_at")[:limit],
            requests.filter(status=RequestStatus.IN_PROGRESS).order_by("-vote_count")[:limit],
        ),
        shipped=merged(
            ideas.filter(status=IdeaStatus.RELEASED, released_at__lte=announced_before).order_by(
                "-released_at"
            )[:limit],
            requests.filter(status=RequestStatus.DONE).order_by("-done_at")[:limit],
        ),
    )
