"""Keeps the search index in step with posts. Driven by the Activity log (consumers.py)
and by `flywheel reindex`; never called from community services."""

from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone

from flywheel.community.models import Post
from flywheel.search.backends import get_backend
from flywheel.search.models import DocumentKind, SearchDocument
from flywheel.search.text import language_config, plain_text


@transaction.atomic
def index_posts(post_ids: Iterable[int]) -> int:
    """Index these posts as they are now: live ones are (re)written, deleted ones removed.

    A deleted topic takes every one of its posts out of the index. Returns posts indexed.
    """
    post_ids = set(post_ids)
    if not post_ids:
        return 0
    posts = list(Post.objects.filter(pk__in=post_ids).select_related("topic", "author"))
    dead_topic_ids = {post.topic_id for post in posts if post.topic.deleted_at is not None}
    live = [post for post in posts if post.deleted_at is None and post.topic.deleted_at is None]
    live_ids = {post.pk for post in live}
    remove_documents(
        SearchDocument.objects.filter(post_id__in=post_ids - live_ids)
        | SearchDocument.objects.filter(topic_id__in=dead_topic_ids)
    )
    existing = {
        document.post_id: document
        for document in SearchDocument.objects.filter(post_id__in=live_ids)
    }
    now = timezone.now()
    created, updated = [], []
    for post in live:
        document = existing.get(post.pk) or SearchDocument(post=post)
        document.topic_id = post.topic_id
        document.space_id = post.topic.space_id
        document.kind = DocumentKind.TOPIC if post.is_opening_post else DocumentKind.REPLY
        document.language_config = language_config(post.author.language if post.author else None)
        document.title = post.topic.title if post.is_opening_post else ""
        document.body = plain_text(post.body_html)
        document.indexed_at = now
        (updated if document.pk else created).append(document)
    SearchDocument.objects.bulk_create(created)
    if not all(document.pk for document in created):
        # Backends without RETURNING ids on bulk insert: read them back.
        ids = dict(
            SearchDocument.objects.filter(post_id__in=[d.post_id for d in created]).values_list(
                "post_id", "id"
            )
        )
        for document in created:
            document.pk = ids[document.post_id]
    SearchDocument.objects.bulk_update(
        updated,
        ["topic", "space", "kind", "language_config", "title", "body", "indexed_at"],
    )
    get_backend().write(created + updated)
    return len(live)


def remove_documents(documents) -> int:
    """Take documents (a queryset) out of the index and delete their rows."""
    document_ids = list(documents.values_list("id", flat=True))
    if not document_ids:
        return 0
    get_backend().delete(document_ids)
    SearchDocument.objects.filter(pk__in=document_ids).delete()
    return len(document_ids)


def reindex_all(
    *, batch_size: int = 500, progress: Callable[[int, int], None] | None = None
) -> int:
    """Rebuild the whole index in batches without emptying it first (search stays up)."""
    live_posts = Post.objects.filter(deleted_at__isnull=True, topic__deleted_at__isnull=True)
    post_ids = list(live_posts.order_by("pk").values_list("pk", flat=True))
    total = len(post_ids)
    done = 0
    for start in range(0, total, batch_size):
        done += index_posts(post_ids[start : start + batch_size])
        if progress:
            progress(done, total)
    with transaction.atomic():
        remove_documents(SearchDocument.objects.exclude(post__in=live_posts))
    return done
