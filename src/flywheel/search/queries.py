"""Search reads: ranked results the member may read, shared by the page, the API and tasks."""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from flywheel.community import permissions
from flywheel.community.models import Post, Space, Topic, TopicKind
from flywheel.community.queries import exclude_hidden_posts
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
    """Documents in spaces the user may read, of live posts, narrowed by the filters."""
    if kind and kind not in KIND_CHOICES:
        raise InvalidInput(_("Choose topics, replies or a topic kind."), field="kind")
    documents = exclude_hidden_posts(
        SearchDocument.objects.filter(
            space__in=permissions.filter_spaces_queryset(user).values("pk"),
            post__deleted_at__isnull=True,
            topic__deleted_at__isnull=True,
        ),
        field="post_id",
    )
    if space is not None:
        documents = documents.filter(space_id=space.pk)
    if kind in DocumentKind.values:
        documents = documents.filter(kind=kind)
    elif kind:
        documents = documents.filter(topic__kind=kind)
    return documents


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
    Two queries whatever the number of results: the ranked ids, then their rows.
    """
    terms = query_terms(query)
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    documents = searchable_documents(user, space=space, kind=kind)
    ranked = get_backend().ranked_ids(documents, terms, limit=limit + 1, offset=offset)
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
