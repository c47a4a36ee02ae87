"""The sitemap of a community with 1,000,000 posts, against the bare view, in one run.

    PYTHONPATH=src:. python -m bench.sitemap [--posts 1000000] [--per-topic 5] [--runs 5]

Builds a throw-away test database (SQLite by default; DATABASE_URL/FLYWHEEL_TEST_DATABASE_URL
as for the tests) with one public space and posts/per-topic public topics (an opening post
and replies each), written with bulk_create. Then times, through Django's test client in the
same process: `/bench/bare` (the floor), `/sitemap.xml` (the index: one count and one latest
date per section), the first, middle and last page of `/sitemap-topics.xml` (10,000 topic
addresses each) and every topics page one after the other (the whole sitemap, as a crawler
reads it). Peak Python memory per request (tracemalloc) shows a page does not grow with the
community. Results go to docs/benchmarks.md ("Sitemap").
"""

import argparse
import os
import statistics
import sys
import time
import tracemalloc


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--per-topic", type=int, default=5)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "flywheel.config.test_settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases
    from django.utils import timezone

    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        from flywheel.accounts.models import User
        from flywheel.community.models import Post, Space, Topic, Visibility

        started = time.perf_counter()
        space = Space.objects.create(name="Bench", slug="bench", visibility=Visibility.PUBLIC)
        authors = User.objects.bulk_create(
            User(email=f"m{i}@example.com", handle=f"m{i}", display_name=f"Member {i}")
            for i in range(100)
        )
        topics_wanted = args.posts // args.per_topic
        now = timezone.now()
        # One INSERT … SELECT each for topics and posts (a recursive counter): a million ORM
        # objects would take longer than the measurement itself.
        topic_table, post_table = Topic._meta.db_table, Post._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {topic_table} (space_id, author_id, kind, title, slug, is_pinned, "  # noqa: S608 (model table names and ints)
                "is_closed, reply_count, reaction_count, version, last_posted_at, created_at) "
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %s) "
                "SELECT %s, %s, 'discussion', 'Topic ' || i, 'topic-' || i, %s, %s, %s, 0, 0, "
                "%s, %s FROM n",
                [topics_wanted, space.pk, authors[0].pk, False, False, args.per_topic - 1]
                + [now, now],
            )
            numbers = " UNION ALL ".join(
                f"SELECT {number} AS number" for number in range(1, args.per_topic + 1)
            )
            cursor.execute(
                f"INSERT INTO {post_table} (topic_id, author_id, number, body, body_html, "  # noqa: S608 (model table names and ints)
                "reaction_count, created_at) "
                f"SELECT t.id, %s, k.number, 'Body', '<p>Body</p>', 0, %s "
                f"FROM {topic_table} t CROSS JOIN ({numbers}) k",
                [authors[1].pk, now],
            )
        made_posts = Post.objects.count()
        print(f"  data: {made_posts:,} posts", file=sys.stderr)
        build_seconds = time.perf_counter() - started

        client = Client()
        client.get("/bench/bare")  # the URL configuration is imported by the first request
        from flywheel.seo.sitemaps import TopicSitemap

        page_numbers = TopicSitemap().page_numbers()  # key-range pages holding topics
        pages = page_numbers[-1]
        middle = page_numbers[len(page_numbers) // 2]

        def measure(path: str, runs: int) -> tuple[list[float], float]:
            """Times without tracing (tracemalloc slows Python down several times), then one
            more request traced for its peak memory."""
            samples = []
            for _ in range(runs):
                begun = time.perf_counter()
                response = client.get(path)
                samples.append((time.perf_counter() - begun) * 1000)
                assert response.status_code == 200, (path, response.status_code)
            tracemalloc.start()
            client.get(path)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            return samples, peak / (1024 * 1024)

        rows = {
            "bare": measure("/bench/bare", args.runs * 4),
            "index /sitemap.xml": measure("/sitemap.xml", args.runs),
            "topics, page 1": measure("/sitemap-topics.xml", args.runs),
            f"topics, page {middle}": measure(f"/sitemap-topics.xml?p={middle}", args.runs),
            f"topics, page {pages} (last)": measure(f"/sitemap-topics.xml?p={pages}", args.runs),
        }

        class ReversePerTopic(TopicSitemap):
            """Before: Django's default location(), one reverse() per topic."""

            def location(self, topic):
                return topic.get_absolute_url()

        def urls_ms(sitemap_class) -> float:
            samples = []
            for _ in range(args.runs):
                begun = time.perf_counter()
                urls = sitemap_class().get_urls(page=1)
                samples.append((time.perf_counter() - begun) * 1000)
                assert urls
            return statistics.median(samples)

        one_reverse, reverse_each = urls_ms(TopicSitemap), urls_ms(ReversePerTopic)

        from django.contrib.sitemaps import Sitemap as DjangoSitemap

        class OffsetPaged(TopicSitemap):
            """Before: Django's paginator, LIMIT/OFFSET (and a COUNT) for every page."""

            paginator = DjangoSitemap.paginator

        def last_page_ms(sitemap_class, page_number: int) -> float:
            samples = []
            for _ in range(args.runs):
                begun = time.perf_counter()
                assert sitemap_class().get_urls(page=page_number)
                samples.append((time.perf_counter() - begun) * 1000)
            return statistics.median(samples)

        offset_last_page = OffsetPaged().paginator.num_pages
        key_range_last = last_page_ms(TopicSitemap, pages)
        offset_last = last_page_ms(OffsetPaged, offset_last_page)

        from django.contrib.sitemaps.views import sitemap as django_sitemap_view
        from django.test import RequestFactory

        def before_page_ms() -> float:
            """Before: Django's sitemap view and template with a reverse() per topic."""
            samples = []
            for _ in range(args.runs):
                request = RequestFactory().get("/sitemap-topics.xml")
                begun = time.perf_counter()
                response = django_sitemap_view(
                    request, sitemaps={"topics": ReversePerTopic}, section="topics"
                )
                response.render()
                samples.append((time.perf_counter() - begun) * 1000)
            return statistics.median(samples)

        before_page = before_page_ms()

        whole_started = time.perf_counter()
        client.get("/sitemap.xml")
        for page in page_numbers:
            client.get(f"/sitemap-topics.xml?p={page}")
        whole_seconds = time.perf_counter() - whole_started

        print(
            f"{made_posts:,} posts in {topics_wanted:,} topics ({pages} sitemap pages), "
            f"{connection.vendor}; data built in {build_seconds:.0f} s"
        )
        bare_median = statistics.median(rows["bare"][0])
        for name, (samples, peak) in rows.items():
            median = statistics.median(samples)
            print(
                f"{name:<26} median {median:9.1f} ms  ({median / bare_median:7.0f}× bare)"
                f"   peak memory {peak:6.1f} MB"
            )
        print(
            f"page 1 addresses: one reverse per page {one_reverse:.1f} ms, "
            f"reverse per topic (before) {reverse_each:.1f} ms"
        )
        print(f"page 1 before (Django's view and template, reverse per topic) {before_page:.1f} ms")
        print(
            f"last page addresses: key range {key_range_last:.1f} ms, "
            f"OFFSET (before) {offset_last:.1f} ms ({offset_last / key_range_last:.1f}×)"
        )
        print(
            f"whole sitemap (index + {pages} topic pages, one after the other) {whole_seconds:.1f} s"
        )
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
