from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    TOPIC = "topic", _("Topics")
    REPLY = "reply", _("Replies")


class SearchDocument(models.Model):
    """One searchable post: a topic (title + opening post) or a reply, as plain text.

    The ranked index itself lives beside this table: a tsvector column with a GIN index
    on PostgreSQL, an FTS5 virtual table keyed by this row's id on SQLite (see backends.py).
    """

    post = models.OneToOneField(
        "community.Post", on_delete=models.CASCADE, related_name="search_document"
    )
    topic = models.ForeignKey("community.Topic", on_delete=models.CASCADE, related_name="+")
    space = models.ForeignKey("community.Space", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=DocumentKind.choices)
    # A PostgreSQL text search configuration name (english, italian, simple).
    language_config = models.CharField(max_length=20, default="simple")
    title = models.TextField(blank=True)
    body = models.TextField(blank=True)
    indexed_at = models.DateTimeField()
    # Filled on PostgreSQL only; stays empty on SQLite, where FTS5 holds the index.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        indexes = [
            models.Index(fields=["space", "kind"]),
            # The newest documents of one space, or of one kind, first: where PostgreSQL's
            # search reads its ranking candidates with a space or kind filter (backends.py).
            models.Index(fields=["space", "id"], name="search_doc_space_newest"),
            models.Index(fields=["kind", "id"], name="search_doc_kind_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.post_id}"
