"""JSON API for search: ranked topics and replies the caller may read."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from flywheel.api.auth import PUBLIC_READ_OPENAPI, anyone, viewer
from flywheel.api.pagination import PageParams, decode_offset_cursor, encode_offset_cursor
from flywheel.api.schemas import READ_ERRORS, CleanStr, MemberSummary, member_summary
from flywheel.community.permissions import get_visible_space
from flywheel.core.exceptions import InvalidInput
from flywheel.search import queries
from flywheel.search.queries import MAX_LIMIT as SEARCH_MAX_LIMIT

router = Router(tags=["search"])


class SearchFilters(PageParams):
    q: CleanStr = Field(description="The words to look for (every one must match).")
    space: CleanStr | None = Field(None, max_length=80, description="A space's slug.")
    kind: CleanStr | None = Field(
        None,
        max_length=20,
        description="`topic` or `reply`, or a topic kind: `discussion`, `question`, "
        "`announcement`.",
    )


class SearchTopicOut(Schema):
    id: int
    title: str
    kind: str
    space_slug: str
    url: str


class SearchResultOut(Schema):
    kind: str = Field(description="`topic` (title and opening post) or `reply`.")
    topic: SearchTopicOut
    post_id: int
    post_number: int
    author: MemberSummary | None
    title_html: str = Field(description="The topic's title with the matches in `<mark>`.")
    snippet_html: str = Field(description="An excerpt with the matches in `<mark>`.")
    url: str
    rank: float


class SearchResultPage(Schema):
    items: list[SearchResultOut]
    next_cursor: str | None


@router.get(
    "",
    response={200: SearchResultPage, **READ_ERRORS},
    auth=anyone,
    openapi_extra=PUBLIC_READ_OPENAPI,
    summary="Search",
)
def search(request: HttpRequest, filters: Query[SearchFilters]):
    """Best matches first, only from spaces the caller may read. At most 50 per page."""
    user = viewer(request)
    space = None
    if filters.space:
        try:
            space = get_visible_space(user, filters.space)
        except (Http404, PermissionDenied) as missing:
            raise InvalidInput(_("No such space."), field="space") from missing
    page = queries.search(
        user,
        filters.q,
        space=space,
        kind=filters.kind,
        limit=min(filters.limit, SEARCH_MAX_LIMIT),
        offset=decode_offset_cursor(filters.cursor),
        # A space filter was checked just above: it is the only space searched.
        readable_space_ids=None if space is None else [space.pk],
    )
    items = [
        {
            "kind": result.kind,
            "topic": {
                "id": result.topic.pk,
                "title": result.topic.title,
                "kind": result.topic.kind,
                "space_slug": result.topic.space.slug,
                "url": result.topic.get_absolute_url(),
            },
            "post_id": result.post.pk,
            "post_number": result.post.number,
            "author": member_summary(result.post.author),
            "title_html": str(result.title),
            "snippet_html": str(result.snippet),
            "url": result.url,
            "rank": result.rank,
        }
        for result in page.results
    ]
    next_offset = page.next_offset
    return {
        "items": items,
        "next_cursor": encode_offset_cursor(next_offset) if next_offset is not None else None,
    }
