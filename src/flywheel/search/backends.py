"""One search interface, two engines: PostgreSQL full-text search and SQLite FTS5.

The backend is chosen by the database in use (connection.vendor); queries.py and
services.py only ever call the three methods below.
"""

from collections.abc import Sequence
from typing import Protocol

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import RawSQL

from flywheel.search.models import SearchDocument
from flywheel.search.text import KNOWN_CONFIGS, index_text

FTS_TABLE = "search_fts"
# How many of the newest matches PostgreSQL ranks, and how many of the newest documents in
# scope it reads for them (a common word) before it searches the rest of the scope
# (PostgresBackend.candidates_sql).
RANKED_CANDIDATES = 200
RECENT_WINDOW = 10_000
# At most this many matches (by the statistics, then in scope by the GIN index): a rare
# query, its matches found through the GIN index and the newest RANKED_CANDIDATES of them
# ranked, without reading the window. As many as the window reads: through GIN, a rare
# query never visits more documents than the window would have.
RARE_MATCHES = 10_000


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
        """One query: the ranking candidates (see candidates_sql), the visibility rules
        applied to them, ranked."""
        text = " ".join(terms)
        # Documents are stemmed in their author's language; the query is parsed in every
        # configuration we index with, OR-ed, so it is one constant the GIN index can use.
        query = SearchQuery(text, config=KNOWN_CONFIGS[0], search_type="websearch")
        for config in KNOWN_CONFIGS[1:]:
            query = query | SearchQuery(text, config=config, search_type="websearch")
        # SQL built by Django and constants; the words are parameters.
        candidates = RawSQL(*self.candidates_sql(text, scope, enough=limit + offset))  # noqa: S611
        matches = (
            documents.filter(id__in=candidates)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-id")
            .values_list("id", "rank")
        )
        return list(matches[offset : offset + limit])

    def candidates_sql(self, text: str, scope: Q | None, *, enough: int) -> tuple[str, list]:
        """SQL for the ids of the newest matches (at most RANKED_CANDIDATES) that the ranking
        reads, and its parameters. Two ways to find them, chosen inside the statement:

        - **A rare query** (`rare`): PostgreSQL's statistics of the index say that at most
          RARE_MATCHES documents can match (`rarity`, see rarity_sql), and the GIN index,
          asked for the matches in scope with a LIMIT (`matching`), finds no more than that.
          `matching` then holds every match in scope, and its newest RANKED_CANDIDATES are
          the candidates. The cost follows the number of matches, not the size of the scope:
          a word that matches nothing, or a few posts of a small space, is answered without
          reading the window below.
        - **Otherwise** (a common word): ranking reads every candidate's vector, and the
          visibility rules join each to its post and topic: with every match a candidate, a
          common word (a quarter of a million posts in bench/search.py's 1M) took 2 s. So the
          documents in scope (readable spaces, the space and kind filters: the conditions on
          the document's own row) are read newest first, through the primary key or the
          (space, id) and (kind, id) indexes, each vector checked, until RANKED_CANDIDATES
          match or RECENT_WINDOW documents were read (`recent`). The LIMIT of that subquery
          also keeps PostgreSQL from planning it through the GIN index: its estimate for
          several common words together can be 50x too low, and a GIN plan then visits
          every match (85,000 rows, over a second, for "nothing got wet"). Only when fewer
          than `enough` matched in the window and the scope holds more documents than the
          window is the rest of the scope searched too (`older`).

        Why statistics first: the GIN index cannot stop early. Counting through it the
        matches of "nothing got wet" builds a bitmap of all 85,000 (60-90 ms), for a query
        the window answers in 1 ms; the statistics rule that out in well under a millisecond,
        and the count through GIN then only runs for a query whose every word is rare.

        Both paths give newest matches in scope (the window those of its RECENT_WINDOW
        documents, when it finds enough there); a stale statistic can only send a query
        down the slower of the two, never change what is found (`matching` counts the real
        matches, and more than RARE_MATCHES of them send the query to the window).

        Each choice is a one-time filter (on `rarity`, the count of `matching`, the count of
        `recent`): the path not taken is never executed. Everything is one statement, a
        subquery of the ranking query: the whole search is one round trip.
        """
        tsquery = " || ".join(
            f"websearch_to_tsquery('{config}'::regconfig, %s)" for config in KNOWN_CONFIGS
        )
        tsquery_params = [text] * len(KNOWN_CONFIGS)
        scoped = (
            SearchDocument.objects.all() if scope is None else SearchDocument.objects.filter(scope)
        )
        in_scope_sql, in_scope_params = (
            scoped.order_by().values("id", "search_vector").query.sql_with_params()
        )
        newest = scoped.order_by("-id").values("id", "search_vector")
        recent_sql, recent_params = newest[:RECENT_WINDOW].query.sql_with_params()
        older_sql, older_params = newest.query.sql_with_params()
        size_sql, size_params = (
            scoped.order_by().values("id")[: RECENT_WINDOW + 1].query.sql_with_params()
        )
        rarity_sql, rarity_params = self.rarity_sql(text)
        rare = "((SELECT likely FROM rarity) AND (SELECT count(*) FROM matching) <= %s)"
        sql = (
            f"WITH rarity AS MATERIALIZED ({rarity_sql}),"  # noqa: S608 - SQL built by Django and constants
            " matching AS MATERIALIZED ("
            f" SELECT m.id FROM ({in_scope_sql}) m WHERE m.search_vector @@ ({tsquery})"
            " AND (SELECT likely FROM rarity) LIMIT %s),"
            " recent AS MATERIALIZED ("
            f" SELECT r.id FROM ({recent_sql}) r"
            f" WHERE r.search_vector @@ ({tsquery}) AND NOT {rare} LIMIT %s)"
            f" (SELECT matching.id FROM matching WHERE {rare} ORDER BY matching.id DESC LIMIT %s)"
            " UNION ALL SELECT recent.id FROM recent UNION ALL"
            f" (SELECT o.id FROM ({older_sql}) o WHERE o.search_vector @@ ({tsquery})"
            f" AND CASE WHEN {rare} THEN false WHEN (SELECT count(*) FROM recent) < %s"
            f" THEN (SELECT count(*) FROM ({size_sql}) s) > %s ELSE false END"
            " ORDER BY o.id DESC LIMIT %s)"
        )
        params = [
            *rarity_params,
            *in_scope_params,
            *tsquery_params,
            RARE_MATCHES + 1,
            *recent_params,
            *tsquery_params,
            RARE_MATCHES,
            RANKED_CANDIDATES,
            RARE_MATCHES,
            RANKED_CANDIDATES,
            *older_params,
            *tsquery_params,
            RARE_MATCHES,
            enough,
            *size_params,
            RECENT_WINDOW,
            RANKED_CANDIDATES,
        ]
        return sql, params

    def rarity_sql(self, text: str) -> tuple[str, list]:
        """SQL for one row, `likely`: whether PostgreSQL's statistics of the index (what
        ANALYZE keeps for the planner: the most common lexemes with the share of documents
        holding each, and the smallest share listed) allow at most RARE_MATCHES matches.

        The query matches a document when, in one of the configurations, it holds every
        lexeme of the words; so its matches are at most, summed over the configurations,
        those of the configuration's least common lexeme. A lexeme missing from the list is
        at most as common as the least common one listed. That is an upper bound where the
        planner multiplies the shares as if words were independent (its estimate for
        "nothing got wet" was 50x too low). A configuration whose words are all stop words
        matches nothing and adds nothing. A small table, or one never analyzed (reltuples
        -1), counts as rare: the count through GIN then decides. Statistics without a list
        of lexemes count as common. "or" is an operator to websearch_to_tsquery, so a query
        with it is never counted as rare. The statistics only decide what the search costs:
        which documents it finds never depends on them (see candidates_sql).
        """
        configs = ", ".join(f"('{config}')" for config in KNOWN_CONFIGS)
        table = SearchDocument._meta.db_table
        sql = (
            "SELECT c.reltuples <= %s OR coalesce(("  # noqa: S608 - SQL built from constants
            " SELECT sum(branch.bound) <= %s FROM ("
            " SELECT min(coalesce(st.shares[array_position(st.lexemes, l.lexeme)], st.least))"
            " * c.reltuples AS bound"
            " FROM (SELECT t.lexemes, t.shares, t.shares[cardinality(t.lexemes) + 1] AS least"
            " FROM (SELECT s.most_common_elems::text::text[] AS lexemes,"
            " s.most_common_elem_freqs AS shares FROM pg_stats s"
            f" WHERE s.schemaname = current_schema() AND s.tablename = '{table}'"
            " AND s.attname = 'search_vector' OFFSET 0) t) st"
            f" CROSS JOIN (VALUES {configs}) cfg(name)"
            " CROSS JOIN LATERAL unnest(tsvector_to_array(to_tsvector(cfg.name::regconfig, %s)))"
            " l(lexeme)"
            " GROUP BY cfg.name) branch), false) AS likely"
            f" FROM pg_class c WHERE c.oid = '{table}'::regclass"
        )
        words = text.split()
        return sql, [RARE_MATCHES, RARE_MATCHES if "or" not in words else -1, text]


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
