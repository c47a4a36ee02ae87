"""Search reads: ranked results the member may read, shared by the page, the API and tasks."""

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
    return SearchDocument.objects.filter(
        document_scope(user, space=space, kind=kind),
        permissions.visible_posts_q(user, post="post__", topic="topic__", space="space"),
    )


def document_scope(
    user, *, space: Space | None = None, kind: str | None = None, readable_spaces=None
) -> Q:
    """The part of searchable_documents() a document's own row answers (its space, its kind):
    the backend picks ranking candidates with it before the joins of the visibility rules."""
    if kind and kind not in KIND_CHOICES:
        raise InvalidInput(_("Choose topics, replies or a topic kind."), field="kind")
    if readable_spaces is None:
        readable_spaces = permissions.filter_spaces_queryset(user).values("pk")
    scope = Q(space__in=readable_spaces)
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
) -> SearchPage:
    """Ranked topics and replies matching every word of the query that the user may read.

    Raises InvalidInput (field "q" or "kind") for an empty, too long or wordless query.
    The same queries whatever the number of results: the readable spaces, the ranked ids
    (on PostgreSQL also the newest document and one or two for the candidates, see
    backends.PostgresBackend.ranked_ids), then their rows.
    """
    terms = query_terms(query)
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    readable_spaces = permissions.filter_spaces_queryset(user).values("pk")
    scope = document_scope(user, space=space, kind=kind, readable_spaces=readable_spaces)
    documents = SearchDocument.objects.filter(
        scope,
        permissions.visible_posts_q(
            user, post="post__", topic="topic__", space="space", readable_spaces=readable_spaces
        ),
    )
    ranked = get_backend().ranked_ids(documents, terms, limit=limit + 1, offset=offset, scope=scope)
    has_more = len(ranked) > limit
    ranked = ranked[:limit]
    rows = SearchDocument.objects.select_related(
        "topic__space", "topic__author", "post__author"
    ).in_bulk([document_id for document_id, _rank in ranked])
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
