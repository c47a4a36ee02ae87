"""Search reads: ranked results the member may read, shared by the page, the API and tasks."""

from collections.abc import Collection
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from flywheel.community import permissions
from flywheel.community.models import Post, Space, Topic, TopicKind
from flywheel.core.exceptions import InvalidInput
from flywheel.search.backends import get_backend
from flywheel.search.models import DocumentKind, SearchDocument
from flywheel.search.text import highlight, query_terms

MAX_LIMIT = 50
SNIPPET_LENGTH = 220
# kind filters either the document (topic/reply) or the topic's kind (question…).
KIND_CHOICES = (*DocumentKind.values, *TopicKind.values)


@dataclass(frozen=True)
class SearchResult:
    kind: str
    topic: Topic
    post: Post
    title: SafeString
    snippet: SafeString
    rank: float

    @property
    def url(self) -> str:
        url = self.topic.get_absolute_url()
        return url if self.kind == DocumentKind.TOPIC else f"{url}#post-{self.post.number}"


@dataclass(frozen=True)
class SearchPage:
    query: str
    terms: list[str]
    results: list[SearchResult] = field(default_factory=list)
    offset: int = 0
    limit: int = 20
    has_more: bool = False

    @property
    def next_offset(self) -> int | None:
        return self.offset + self.limit if self.has_more else None

    @property
    def previous_offset(self) -> int | None:
        return max(0, self.offset - self.limit) if self.offset else None


def searchable_documents(
    user, *, space: Space | None = None, kind: str | None = None
) -> QuerySet[SearchDocument]:
    """Documents of posts the user may see (the rules of permissions.filter_posts_queryset:
    readable spaces, live posts of visible topics, nothing held, hidden or rejected),
    narrowed by the filters."""
    space_ids = readable_space_ids_for(user)
    return SearchDocument.objects.filter(
        document_scope(user, space=space, kind=kind, readable_space_ids=space_ids),
        permissions.visible_posts_q(
            user, post="post__", topic="topic__", space="space", readable_spaces=space_ids
        ),
    )


def readable_space_ids_for(user) -> list[int]:
    """The ids of the spaces the user may read, as a list: asked once per search (the gates
    of gated spaces may each cost a query), then written into the SQL as constants, which
    also lets PostgreSQL estimate the candidate scan from the real spaces."""
    return sorted(permissions.filter_spaces_queryset(user).values_list("pk", flat=True))


def document_scope(
    user,
    *,
    space: Space | None = None,
    kind: str | None = None,
    readable_space_ids: Collection[int] | None = None,
) -> Q:
    """The part of searchable_documents() a document's own row answers (its space, its kind):
    the backend picks ranking candidates with it before the joins of the visibility rules."""
    if kind and kind not in KIND_CHOICES:
        raise InvalidInput(_("Choose topics, replies or a topic kind."), field="kind")
    if readable_space_ids is None:
        readable_space_ids = readable_space_ids_for(user)
    scope = Q(space_id__in=sorted(readable_space_ids))
    if space is not None:
        scope &= Q(space_id=space.pk)
    if kind in DocumentKind.values:
        scope &= Q(kind=kind)
    elif kind:
        scope &= Q(topic__kind=kind)
    return scope


def search(
    user,
    query: str,
    *,
    space: Space | None = None,
    kind: str | None = None,
    limit: int = 20,
    offset: int = 0,
    readable_space_ids: Collection[int] | None = None,
) -> SearchPage:
    """Ranked topics and replies matching every word of the query that the user may read.

    Raises InvalidInput (field "q" or "kind") for an empty, too long or wordless query.

    `readable_space_ids`: the ids of the spaces the user may read (permissions.
    filter_spaces_queryset), when the caller has them already (the search page lists those
    spaces anyway; the API, which checked the `space` filter with get_visible_space, passes
    just that space). Without them they are asked here, once. Only spaces in both `space`
    and this set are searched.

    The same queries whatever the number of results: the readable spaces (unless given),
    the ranked ids (on PostgreSQL with the ranking candidates in the same statement, see
    backends.PostgresBackend.ranked_ids), then their rows.
    """
    terms = query_terms(query)
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    if kind and kind not in KIND_CHOICES:
        raise InvalidInput(_("Choose topics, replies or a topic kind."), field="kind")
    if readable_space_ids is None:
        readable_space_ids = readable_space_ids_for(user)
    space_ids = sorted(set(readable_space_ids))
    if space is not None:
        space_ids = [space.pk] if space.pk in space_ids else []
    if not space_ids:
        return SearchPage(query=query.strip(), terms=terms, offset=offset, limit=limit)
    scope = document_scope(user, kind=kind, readable_space_ids=space_ids)
    documents = SearchDocument.objects.filter(
        scope,
        permissions.visible_posts_q(
            user, post="post__", topic="topic__", space="space", readable_spaces=space_ids
        ),
    )
    ranked = get_backend().ranked_ids(documents, terms, limit=limit + 1, offset=offset, scope=scope)
    has_more = len(ranked) > limit
    ranked = ranked[:limit]
    # Only what a result shows: not the vector, nor the post's Markdown and HTML (the
    # snippet comes from the document's text), nor the topic's author.
    rows = (
        SearchDocument.objects.select_related("topic__space", "post__author")
        .defer("search_vector", "post__body", "post__body_html")
        .in_bulk([document_id for document_id, _rank in ranked])
    )
    results = []
    for document_id, rank in ranked:
        document = rows.get(document_id)
        if document is None:  # removed between the two queries
            continue
        results.append(
            SearchResult(
                kind=document.kind,
                topic=document.topic,
                post=document.post,
                title=highlight(document.topic.title, terms),
                snippet=highlight(document.body, terms, length=SNIPPET_LENGTH),
                rank=float(rank),
            )
        )
    return SearchPage(
        query=query.strip(),
        terms=terms,
        results=results,
        offset=offset,
        limit=limit,
        has_more=has_more,
    )
