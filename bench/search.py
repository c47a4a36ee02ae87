"""Search on the 1M-post community: server time per request, p50/p95, against the bare view.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/flywheel_bench \\
        .venv/bin/python -m bench.search --requests 400

The generator leaves the search index out (bench/generate.py); the first run fills it here,
in bulk, with the rows `search.services.index_posts` would write: one document per live post
of a live topic, the plain text of its sanitised HTML, the author's language configuration,
and the weighted tsvector (title A, body B). Each distinct body is turned into text once in
Python (`search.text.plain_text`, `index_text`), the rest is one INSERT … SELECT.

Then it measures in-process (Django's test client against the real database, DEBUG off,
the production settings), so "server time" is the wall time of the request inside Django:
the search page and the API, as a signed-out visitor and as a member, over queries drawn
from the corpus: very common words (tens of thousands of matches), rarer words, two and
three words, with and without a space or kind filter. The bare view is measured in the same
run. Before the first measured row, an unmeasured pass over other query strings drawn the same
way warms the database's caches as a running server's are; the page and the API of one visitor
are measured side by side (request i of each in turn), so neither pays for the other's cold
start. Results go to bench/results/search-<timestamp>.json.
"""

import argparse
import json
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import generate, load, run

logger = logging.getLogger("bench.search")
RESULTS_DIR = Path(__file__).resolve().parent / "results"

# Words of the corpus (bench/corpus.py) from the most to the least common, and phrases.
QUERIES = (
    "tent",
    "boots",
    "size",
    "waterproof",
    "jacket",
    "rain",
    "socks",
    "stove",
    "reproof",
    "hipbelt",
    "baffle",
    "Dolomites",
    "Patagonia",
    "Hokkaido",
    "resoled",
    "customer service",
    "size up",
    "thick socks",
    "Cirrus tent",
    "Talus boots",
    "Ridge 40 pack",
    "Summit down hoodie",
    "warm quilt",
    "wet grass",
    "lake district",
    "spring sale",
    "colour faded",
    "nothing got wet",
    "zzqx nonexistent",
)


def fill_index() -> int:
    """The search documents of every live post, in bulk (see the module's docstring)."""
    from django.db import connection, transaction

    from flywheel.search.models import SearchDocument
    from flywheel.search.text import KNOWN_CONFIGS, LANGUAGE_CONFIGS, index_text, plain_text

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_body (digest text PRIMARY KEY, plain text) ON COMMIT DROP"
        )
        cursor.execute("SELECT DISTINCT md5(body_html), body_html FROM community_post")
        bodies = cursor.fetchall()
        with cursor.copy("COPY bench_body (digest, plain) FROM STDIN") as copy:
            for digest, body_html in bodies:
                copy.write_row((digest, index_text(plain_text(body_html))))
        logger.info(
            "%s distinct bodies as text in %.1f s", len(bodies), time.perf_counter() - started
        )
        cases = " ".join(
            f"WHEN split_part(lower(u.language), '-', 1) = '{code}' THEN '{config}'"
            for code, config in LANGUAGE_CONFIGS.items()
        )
        assert "simple" in KNOWN_CONFIGS
        cursor.execute(
            f"""
            INSERT INTO search_searchdocument
                (post_id, topic_id, space_id, kind, language_config, title, body, indexed_at,
                 search_vector)
            SELECT p.id, p.topic_id, t.space_id,
                   CASE WHEN p.number = 1 THEN 'topic' ELSE 'reply' END,
                   lc.config,
                   CASE WHEN p.number = 1 THEN t.title ELSE '' END,
                   b.plain, now(),
                   setweight(to_tsvector(lc.config::regconfig,
                                         CASE WHEN p.number = 1 THEN t.title ELSE '' END), 'A')
                   || setweight(to_tsvector(lc.config::regconfig, b.plain), 'B')
            FROM community_post p
            JOIN community_topic t ON t.id = p.topic_id
            JOIN bench_body b ON b.digest = md5(p.body_html)
            LEFT JOIN accounts_user u ON u.id = p.author_id
            CROSS JOIN LATERAL (
                SELECT CASE {cases} ELSE 'simple' END AS config
            ) lc
            WHERE p.deleted_at IS NULL AND t.deleted_at IS NULL
            """  # noqa: S608 - the CASE is built from constants
        )
        inserted = cursor.rowcount
    logger.info("indexed %s posts in %.1f s", inserted, time.perf_counter() - started)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) search_searchdocument")
    assert SearchDocument.objects.count() == inserted
    return inserted


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def measure(client, paths: list[str]) -> dict:
    return measure_side_by_side(client, {"row": paths})["row"]


def measure_side_by_side(client, rows: dict[str, list[str]]) -> dict[str, dict]:
    """Each row's requests in turn with the other rows' (request i of every row, then i + 1),
    so rows that share query strings (the page and the API) share the warm and cold moments
    of the database's caches instead of the first row paying for the second."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for paths in rows.values():
        for path in paths[:3]:
            client.get(path)
    figures = {name: {"times": [], "queries": 0, "sql": 0.0, "cpu": 0.0} for name in rows}
    per_query: dict[str, dict[str, list[float]]] = {name: {} for name in rows}
    for index in range(max(len(paths) for paths in rows.values())):
        for name, paths in rows.items():
            if index >= len(paths):
                continue
            path = paths[index]
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                cpu_started = time.process_time()
                response = client.get(path)
                cpu = (time.process_time() - cpu_started) * 1000
                elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")
            row = figures[name]
            row["times"].append(elapsed)
            row["cpu"] += cpu
            row["queries"] += len(captured.captured_queries)
            row["sql"] += sum(float(query["time"]) for query in captured.captured_queries) * 1000
            per_query[name].setdefault(path, []).append(elapsed)
    results = {}
    for name, row in figures.items():
        times, count = row["times"], len(row["times"])
        slowest = sorted(per_query[name].items(), key=lambda item: -max(item[1]))[:3]
        results[name] = {
            "requests": count,
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
            "p99_ms": round(percentile(times, 0.99), 1),
            "max_ms": round(max(times), 1),
            "queries": round(row["queries"] / count, 1),
            "sql_ms": round(row["sql"] / count, 1),
            # This process's CPU (Django, the client; not PostgreSQL's): steadier than wall
            # time on a loaded machine, where a request mostly waits for a core.
            "cpu_ms": round(row["cpu"] / count, 1),
            "slowest": [(path, round(max(values), 1)) for path, values in slowest],
        }
    return results


def search_strings(*, rng: random.Random, requests: int, spaces: list[str]) -> list[str]:
    """Query strings: the queries in turn, a quarter with a space filter and a quarter with
    a kind filter, shuffled. The page and the API of one visitor get the same list, so
    their rows differ only by what the page and the API do."""
    from urllib.parse import urlencode

    strings = []
    for index in range(requests):
        params = {"q": QUERIES[index % len(QUERIES)]}
        if index % 4 == 1:
            params["space"] = rng.choice(spaces)
        if index % 4 == 2:
            params["kind"] = rng.choice(("topic", "reply", "question"))
        strings.append(urlencode(params))
    rng.shuffle(strings)
    return strings


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(
        prog="python -m bench.search", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--requests", type=int, default=300, help="requests per row")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reindex", action="store_true", help="empty and fill the index again")
    parser.add_argument(
        "--label",
        default="",
        help="what is measured (recorded in the results; e.g. 'before' when PYTHONPATH points "
        "at an older checkout's src, to compare in one session: docs/benchmarks.md)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    database_url = os.environ.get("DATABASE_URL", generate.BENCH_DATABASE_URL)
    generate.ensure_database(database_url, recreate=False)
    with tempfile.TemporaryDirectory(prefix="flywheel-search-") as scratch:
        environment = load.server_environment(
            database_url=database_url, static_root=Path(scratch) / "static", data_dir=Path(scratch)
        )
        load.collect_static(environment)
        os.environ.update(environment)
        generate.setup_django(database_url)
        from django.test import Client

        from flywheel.community.models import Space, Visibility
        from flywheel.search.models import SearchDocument

        if args.reindex:
            SearchDocument.objects.all().delete()
        documents = SearchDocument.objects.count()
        if not documents:
            documents = fill_index()
        spaces = list(
            Space.objects.filter(visibility=Visibility.PUBLIC).values_list("slug", flat=True)
        )
        rng = random.Random(args.seed)
        load_before = os.getloadavg()
        client = Client(SERVER_NAME=load.HOST)
        rows = {"bare": measure(client, ["/bench/bare"] * args.requests)}
        # A running server's caches are warm: an unmeasured pass over other query strings
        # drawn the same way (not the measured ones) before the first measured row.
        warm_up = search_strings(
            rng=random.Random(args.seed + 1), requests=args.requests, spaces=spaces
        )
        for query in warm_up:
            client.get(f"/api/v1/search?{query}")
        for visitor in ("anonymous", "member"):
            if visitor == "member":
                client.force_login(run.busy_member())
            strings = search_strings(rng=rng, requests=args.requests, spaces=spaces)
            rows.update(
                {
                    f"{name}_{visitor}": result
                    for name, result in measure_side_by_side(
                        client,
                        {
                            "page": [f"/search/?{q}" for q in strings],
                            "api": [f"/api/v1/search?{q}" for q in strings],
                        },
                    ).items()
                }
            )
        load_after = os.getloadavg()
    report = {
        "label": args.label,
        "flywheel": str(Path(sys.modules["flywheel"].__file__).parent),
        "documents": documents,
        "load_average_before": load_before,
        "load_average_after": load_after,
        "rows": rows,
    }
    lines = [
        "| request | p50 ms | p95 ms | p99 ms | queries | SQL ms | CPU ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, row in rows.items():
        lines.append(
            f"| {name} | {row['p50_ms']} | {row['p95_ms']} | {row['p99_ms']} | "
            f"{row['queries']} | {row['sql_ms']} | {row['cpu_ms']} |"
        )
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"search-{stamp}{'-' + args.label if args.label else ''}.json"
    path.write_text(json.dumps(report, indent=2))
    sys.stdout.write(
        "\n".join(lines) + f"\n\n{documents:,} documents; load {load_before[0]:.1f} → "
        f"{load_after[0]:.1f}; slowest: {[r['slowest'] for r in rows.values()]}\n"
        f"Results: {path}\n"
    )
    return report


if __name__ == "__main__":
    main()
