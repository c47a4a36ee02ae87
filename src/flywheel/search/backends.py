"""One search interface, two engines: PostgreSQL full-text search and SQLite FTS5.

The backend is chosen by the database in use (connection.vendor); queries.py and
services.py only ever call the three methods below.
"""

from collections.abc import Sequence
from typing import Protocol

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q, QuerySet

from flywheel.search.models import SearchDocument
from flywheel.search.text import KNOWN_CONFIGS, index_text

FTS_TABLE = "search_fts"
# How many of the newest matches PostgreSQL ranks (see PostgresBackend.ranked_ids).
RANKED_CANDIDATES = 500
RECENT_WINDOW = 50_000


class SearchBackend(Protocol):
    def write(self, documents: Sequence[SearchDocument]) -> None:
        """(Re)build the index entries of these saved documents."""

    def delete(self, document_ids: Sequence[int]) -> None:
        """Drop index entries; the document rows are deleted by the caller."""

    def ranked_ids(
        self,
        documents: QuerySet[SearchDocument],
        terms: list[str],
        *,
        limit: int,
        offset: int,
        scope: Q | None = None,
    ) -> list[tuple[int, float]]:
        """(document id, rank) of documents matching every term, best first. `scope` is the
        part of `documents`' conditions on the document's own row (a backend may use it to
        narrow candidates cheaply before applying the rest)."""


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
        self,
        documents: QuerySet[SearchDocument],
        terms: list[str],
        *,
        limit: int,
        offset: int,
        scope: Q | None = None,
    ) -> list[tuple[int, float]]:
        text = " ".join(terms)
        # Documents are stemmed in their author's language; the query is parsed in every
        # configuration we index with, OR-ed, so it is one constant the GIN index can use.
        query = SearchQuery(text, config=KNOWN_CONFIGS[0], search_type="websearch")
        for config in KNOWN_CONFIGS[1:]:
            query = query | SearchQuery(text, config=config, search_type="websearch")
        ids = self._candidates(text, scope, enough=limit + offset)
        matches = (
            documents.filter(id__in=ids)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-id")
            .values_list("id", "rank")
        )
        return list(matches[offset : offset + limit])

    def _candidates(self, text: str, scope: Q | None, *, enough: int) -> list[int]:
        """Ids of the newest matches (at most RANKED_CANDIDATES) that the ranking reads.

        Ranking reads every candidate's vector, and the visibility rules join each to its
        post and topic: with every match a candidate, a common word (a quarter of a million
        posts in bench/search.py's 1M) took 2 s. So the newest documents are read first,
        newest to oldest, through the primary key, with the scope's conditions (readable
        spaces, filters: the document's own row), checking each vector, until
        RANKED_CANDIDATES match or RECENT_WINDOW documents were read. `OFFSET 0` keeps
        PostgreSQL from planning that through the GIN index: its estimate for several
        common words together can be 50x too low, and a GIN plan then visits every match
        (85,000 rows, over a second, for "nothing got wet"). Only a query with fewer than
        `enough` matches in the window (a rare word) searches the whole index, where the
        GIN index is quick because a rare word matches little.
        """
        tsquery = " || ".join(
            f"websearch_to_tsquery('{config}'::regconfig, %s)" for config in KNOWN_CONFIGS
        )
        tsquery_params = [text] * len(KNOWN_CONFIGS)
        scoped = (
            SearchDocument.objects.all() if scope is None else SearchDocument.objects.filter(scope)
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT max(id) FROM search_searchdocument")
            newest_id = cursor.fetchone()[0] or 0
            recent_sql, recent_params = (
                scoped.filter(id__gt=newest_id - RECENT_WINDOW)
                .order_by("-id")
                .values("id", "search_vector")
                .query.sql_with_params()
            )
            cursor.execute(
                f"SELECT recent.id FROM ({recent_sql} OFFSET 0) recent"  # noqa: S608
                f" WHERE recent.search_vector @@ ({tsquery}) LIMIT %s",
                [*recent_params, *tsquery_params, RANKED_CANDIDATES],
            )
            ids = [row[0] for row in cursor.fetchall()]
        if len(ids) >= enough or newest_id <= RECENT_WINDOW:
            return ids
        query = SearchQuery(text, config=KNOWN_CONFIGS[0], search_type="websearch")
        for config in KNOWN_CONFIGS[1:]:
            query = query | SearchQuery(text, config=config, search_type="websearch")
        return list(
            scoped.filter(search_vector=query)
            .order_by("-id")
            .values_list("id", flat=True)[:RANKED_CANDIDATES]
        )


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
        self,
        documents: QuerySet[SearchDocument],
        terms: list[str],
        *,
        limit: int,
        offset: int,
        scope: Q | None = None,
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
