"""One search interface, two engines: PostgreSQL full-text search and SQLite FTS5.

The backend is chosen by the database in use (connection.vendor); queries.py and
services.py only ever call the three methods below.
"""

from collections.abc import Sequence
from typing import Protocol

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, QuerySet

from flywheel.search.models import SearchDocument
from flywheel.search.text import KNOWN_CONFIGS, index_text

FTS_TABLE = "search_fts"


class SearchBackend(Protocol):
    def write(self, documents: Sequence[SearchDocument]) -> None:
        """(Re)build the index entries of these saved documents."""

    def delete(self, document_ids: Sequence[int]) -> None:
        """Drop index entries; the document rows are deleted by the caller."""

    def ranked_ids(
        self, documents: QuerySet[SearchDocument], terms: list[str], *, limit: int, offset: int
    ) -> list[tuple[int, float]]:
        """(document id, rank) of documents matching every term, best first."""


class PostgresBackend:
    """tsvector per document in its own language (title weighted A, body B), GIN-indexed."""

    def write(self, documents: Sequence[SearchDocument]) -> None:
        rows = [
            (
                document.language_config,
                index_text(document.title),
                document.language_config,
                index_text(document.body),
                document.pk,
            )
            for document in documents
        ]
        if not rows:
            return
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE search_searchdocument SET search_vector ="
                " setweight(to_tsvector(%s::regconfig, %s), 'A')"
                " || setweight(to_tsvector(%s::regconfig, %s), 'B')"
                " WHERE id = %s",
                rows,
            )

    def delete(self, document_ids: Sequence[int]) -> None:
        """The vector lives on the document row, which the caller deletes."""

    def ranked_ids(
        self, documents: QuerySet[SearchDocument], terms: list[str], *, limit: int, offset: int
    ) -> list[tuple[int, float]]:
        text = " ".join(terms)
        # Documents are stemmed in their author's language; the query is parsed in every
        # configuration we index with, OR-ed, so it is one constant the GIN index can use.
        query = SearchQuery(text, config=KNOWN_CONFIGS[0], search_type="websearch")
        for config in KNOWN_CONFIGS[1:]:
            query = query | SearchQuery(text, config=config, search_type="websearch")
        matches = (
            documents.filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-id")
            .values_list("id", "rank")
        )
        return list(matches[offset : offset + limit])


class SqliteBackend:
    """An FTS5 table (porter stemming, diacritics folded) ranked with bm25, title x10."""

    def write(self, documents: Sequence[SearchDocument]) -> None:
        if not documents:
            return
        self.delete([document.pk for document in documents])
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (%s, %s, %s)",  # noqa: S608
                [
                    (document.pk, index_text(document.title), index_text(document.body))
                    for document in documents
                ],
            )

    def delete(self, document_ids: Sequence[int]) -> None:
        if not document_ids:
            return
        with connection.cursor() as cursor:
            cursor.executemany(
                f"DELETE FROM {FTS_TABLE} WHERE rowid = %s",  # noqa: S608
                [(document_id,) for document_id in document_ids],
            )

    def ranked_ids(
        self, documents: QuerySet[SearchDocument], terms: list[str], *, limit: int, offset: int
    ) -> list[tuple[int, float]]:
        # Every term is a quoted FTS5 string ("" escapes a quote), so none can be an operator.
        match = " ".join('"' + term.replace('"', '""') + '"' for term in terms)
        allowed_sql, allowed_params = documents.values("id").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, bm25({FTS_TABLE}, 10.0, 1.0) AS score FROM {FTS_TABLE}"  # noqa: S608
                f" WHERE {FTS_TABLE} MATCH %s AND rowid IN ({allowed_sql})"
                " ORDER BY score, rowid DESC LIMIT %s OFFSET %s",
                [match, *allowed_params, limit, offset],
            )
            # bm25 is smaller for better matches; expose "bigger is better" like PostgreSQL.
            return [(document_id, -score) for document_id, score in cursor.fetchall()]


def get_backend() -> SearchBackend:
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SqliteBackend()
    raise NotImplementedError(f"Search supports PostgreSQL and SQLite, not {connection.vendor}.")
