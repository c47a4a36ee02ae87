"""Analytics at scale: the staff console, the nightly rollup and a from-scratch baseline.

    .venv/bin/python -m bench.analytics                      # 1M members, 10M activities, 2M orders
    .venv/bin/python -m bench.analytics --scale 0.1          # a tenth of that
    .venv/bin/python -m bench.analytics --recreate           # drop fw_analytics_bench first

The database is its own (DATABASE_URL, by default postgres://…/fw_analytics_bench). All rows
are generated inside PostgreSQL with generate_series (no row crosses the wire), in chunks that
log their progress:

- members joined evenly over two years, in five time zones; a brand team of three;
- activities (topics, replies, reactions, follows, joins), skewed toward early members as real
  communities are (a few members do most), between each member's sign-up and now;
- question topics (2 % of activities) for peer support;
- store customers (40 % linked to a member) and orders over the same two years: 90 % paid,
  5 % partly refunded, 3 % refunded, 2 % cancelled, a tenth in USD.

The rollup tables are then filled by one SQL statement each (the same figures the Python
rebuild writes: local days in each member's time zone, counting orders only).

Measured, all in one run:
1. each console view's server time in-process (Django's test client, signed in as the owner),
   the median of `--requests` requests, and its query count;
2. the nightly rollup of one day: a day's worth of new activities and orders is inserted above
   the rollup cursor, then `analytics.services.update_rollups()` runs once;
3. the baseline: the dashboard's and commerce page's figures computed from scratch in SQL
   over the activity log and the orders (what the console would cost without rollups).
"""

import argparse
import datetime as dt
import json
import logging
import os
import statistics
import sys
import time
from pathlib import Path

from bench import generate

logger = logging.getLogger("bench.analytics")

ANALYTICS_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/fw_analytics_bench"
FULL = {"members": 1_000_000, "activities": 10_000_000, "orders": 2_000_000}
HISTORY_DAYS = 730
SPACES = 12
CHUNK = 500_000
ZONES = ["UTC", "Europe/Rome", "America/New_York", "Asia/Shanghai", "Europe/Riga"]
MEMBER_ID_BASE = 1000
STAFF = [(1, "owner"), (2, "admin"), (3, "moderator")]
RESULTS = Path(__file__).resolve().parent / "results"


def _setup(url: str) -> None:
    os.environ.setdefault("FLYWHEEL_TESTING", "1")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    generate.setup_django(url)


def _execute(sql: str, params: dict | None = None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params or {})
        return cursor.rowcount


def _in_chunks(label: str, total: int, sql: str, params: dict) -> None:
    started = time.perf_counter()
    for low in range(0, total, CHUNK):
        high = min(low + CHUNK, total) - 1
        _execute(sql, {**params, "low": low, "high": high})
        logger.info("%s: %d/%d (%.0f s)", label, high + 1, total, time.perf_counter() - started)


# The activity mix and the member each row belongs to, computed from one random() each.
ACTIVITY_SELECT = """
    SELECT CASE WHEN r < 0.02 THEN 'topic_created'
                WHEN r < 0.08 THEN 'topic_created'
                WHEN r < 0.40 THEN 'reply_created'
                WHEN r < 0.85 THEN 'reaction_added'
                WHEN r < 0.93 THEN 'followed'
                ELSE 'space_joined' END,
           CASE WHEN r < 0.02 THEN '{"kind": "question"}'::jsonb
                ELSE '{}'::jsonb END,
           %(start)s + (g::float8 / %(members)s
                + (1 - g::float8 / %(members)s) * random()) * %(span)s,
           %(base)s + g,
           %(first_space)s + (s %% %(spaces)s)
    FROM (SELECT floor(%(members)s * power(random(), 1.6))::bigint AS g, random() AS r, s
          FROM generate_series(%(low)s, %(high)s) AS s) AS drawn
"""


def generate_data(*, members: int, activities: int, orders: int) -> dict:
    """Everything, in SQL. Returns row counts and seconds."""
    from django.contrib.auth.hashers import make_password

    now = dt.datetime.now(tz=dt.UTC).replace(microsecond=0)
    start = now - dt.timedelta(days=HISTORY_DAYS)
    span = dt.timedelta(days=HISTORY_DAYS)
    password = make_password(generate.BENCH_PASSWORD)
    started = time.perf_counter()
    _execute(
        """INSERT INTO commerce_store (id, platform, domain, platform_store_id, name,
               webhook_secret, api_token, currency, active, created_at)
           VALUES (1, 'shopify', 'bench.myshopify.com', 'bench', 'Bench store', '', '',
                   'EUR', true, %(start)s)""",
        {"start": start},
    )
    _execute(
        """INSERT INTO community_space (id, name, slug, description, icon, color, visibility,
               gate_description, position, member_count, topic_count, created_at)
           SELECT s, 'Space ' || s, 'space-' || s, '', '', '#336699', 'public', '', s, 0, 0,
                  %(start)s
           FROM generate_series(1, %(spaces)s) AS s""",
        {"start": start, "spaces": SPACES},
    )
    for pk, role in STAFF:
        _execute(
            """INSERT INTO accounts_user (id, password, is_superuser, is_staff, is_active,
                   date_joined, email, handle, display_name, bio, avatar, language, timezone,
                   role, digest_enabled, mention_emails_enabled)
               VALUES (%(pk)s, %(password)s, false, false, true, %(start)s,
                       %(handle)s || '@bench.example', %(handle)s, %(handle)s, '', '', 'en',
                       'UTC', %(role)s, false, false)""",
            {"pk": pk, "password": password, "start": start, "handle": f"staff{pk}", "role": role},
        )
    _in_chunks(
        "members",
        members,
        """INSERT INTO accounts_user (id, password, is_superuser, is_staff, is_active,
               date_joined, email, handle, display_name, bio, avatar, language, timezone,
               role, digest_enabled, mention_emails_enabled)
           SELECT %(base)s + g, %(password)s, false, false, true,
                  %(start)s + (g::float8 / %(members)s) * %(span)s,
                  'm' || g || '@bench.example', 'm' || g, 'Member ' || g, '', '', 'en',
                  (%(zones)s::text[])[1 + g %% 5], 'member', false, false
           FROM generate_series(%(low)s, %(high)s) AS g""",
        {
            "base": MEMBER_ID_BASE,
            "password": password,
            "start": start,
            "span": span,
            "members": members,
            "zones": ZONES,
        },
    )
    _in_chunks(
        "activities",
        activities,
        "INSERT INTO core_activity (verb, payload, created_at, actor_id, space_id) "
        + ACTIVITY_SELECT,
        {
            "start": start,
            "span": span,
            "members": members,
            "base": MEMBER_ID_BASE,
            "first_space": 1,
            "spaces": SPACES,
        },
    )
    questions = activities // 50
    _in_chunks(
        "question topics",
        questions,
        """INSERT INTO community_topic (kind, title, slug, is_pinned, is_closed, reply_count,
               reaction_count, last_posted_at, created_at, author_id, space_id, version)
           SELECT 'question', 'Question ' || s, 'question-' || s, false, false, 0, 0, at, at,
                  %(base)s + floor(%(members)s * random())::bigint, 1 + s %% %(spaces)s, 0
           FROM (SELECT s, %(start)s + random() * %(span)s AS at
                 FROM generate_series(%(low)s, %(high)s) AS s) AS t""",
        {
            "base": MEMBER_ID_BASE,
            "members": members,
            "spaces": SPACES,
            "start": start,
            "span": span,
        },
    )
    customers = max(orders * 2 // 5, 1)
    _in_chunks(
        "customers",
        customers,
        """INSERT INTO commerce_customer (external_id, email, first_name, last_name, phone,
               addresses, accepts_marketing, created_at, updated_at, member_id, store_id)
           SELECT 'c' || c, 'c' || c || '@shop.example', 'C', c::text, '', '[]', c %% 3 = 0,
                  %(start)s, %(start)s,
                  CASE WHEN c %% 5 < 2 AND c / 5 * 2 + c %% 5 < %(members)s
                       THEN %(base)s + (c / 5 * 2 + c %% 5) ELSE NULL END, 1
           FROM generate_series(%(low)s, %(high)s) AS c""",
        {"start": start, "members": members, "base": MEMBER_ID_BASE},
    )
    first_customer = _scalar("SELECT min(id) FROM commerce_customer")
    _in_chunks(
        "orders", orders, ORDER_INSERT, _order_params(start, span, customers, first_customer)
    )
    _execute(
        "SELECT setval(pg_get_serial_sequence('accounts_user', 'id'), "
        "(SELECT max(id) FROM accounts_user))"
    )
    for table in ("commerce_store", "community_space"):
        _execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - fixed names
            f"(SELECT max(id) FROM {table}))"
        )
    return {
        "members": members,
        "activities": activities,
        "orders": orders,
        "customers": customers,
        "question_topics": questions,
        "seconds": round(time.perf_counter() - started, 1),
    }


ORDER_INSERT = """
    INSERT INTO commerce_order (external_id, number, email, currency, subtotal, discount, tax,
        total, refunded_total, financial_status, fulfillment_status, billing_address,
        shipping_address, cancelled_at, placed_at, created_at, updated_at, customer_id,
        store_id, test, discount_codes, landing_site)
    SELECT 'o' || s, '#' || s, '', CASE WHEN s %% 10 = 0 THEN 'USD' ELSE 'EUR' END,
           total, 0, 0, total,
           CASE WHEN r < 0.90 THEN 0 WHEN r < 0.95 THEN round(total * 0.3, 2) ELSE total END,
           CASE WHEN r < 0.90 THEN 'paid' WHEN r < 0.95 THEN 'partially_refunded'
                WHEN r < 0.98 THEN 'refunded' ELSE 'paid' END,
           'fulfilled', '{}', '{}',
           CASE WHEN r >= 0.98 THEN at END, at, at, at,
           %(first_customer)s + floor(%(customers)s * power(random(), 1.3))::bigint, 1, false,
           '[]', ''
    FROM (SELECT s, random() AS r, round((15 + random() * 185)::numeric, 2) AS total,
                 %(start)s + random() * %(span)s AS at
          FROM generate_series(%(low)s, %(high)s) AS s) AS drawn
"""


def _order_params(start, span, customers: int, first_customer: int) -> dict:
    return {
        "start": start,
        "span": span,
        "customers": customers,
        "first_customer": first_customer,
    }


def _scalar(sql: str, params: dict | None = None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params or {})
        return cursor.fetchone()[0]


# --- The rollups, filled in SQL (the same rows services.rebuild_rollups writes) --------------

ACTIVE_VERBS = (
    "topic_created",
    "reply_created",
    "reaction_added",
    "answer_accepted",
    "followed",
    "space_joined",
    "post_edited",
)
ROLLUP_SQL = [
    (
        "member days",
        """INSERT INTO analytics_memberday (member_id, day, space_id, topics, questions, replies,
               reactions, other, is_team)
           SELECT a.actor_id, (a.created_at AT TIME ZONE u.timezone)::date, a.space_id,
                  count(*) FILTER (WHERE verb = 'topic_created'),
                  count(*) FILTER (WHERE verb = 'topic_created'
                                   AND a.payload->>'kind' = 'question'),
                  count(*) FILTER (WHERE verb = 'reply_created'),
                  count(*) FILTER (WHERE verb = 'reaction_added'),
                  count(*) FILTER (WHERE verb NOT IN
                                   ('topic_created', 'reply_created', 'reaction_added')),
                  u.role IN ('owner', 'admin', 'moderator')
           FROM core_activity a JOIN accounts_user u ON u.id = a.actor_id
           WHERE a.verb = ANY(%(verbs)s)
           GROUP BY 1, 2, 3, u.role""",
    ),
    (
        "member months",
        """INSERT INTO analytics_membermonth (member_id, month, cohort_month, is_team)
           SELECT d.member_id, date_trunc('month', d.day)::date,
                  date_trunc('month', (u.date_joined AT TIME ZONE u.timezone))::date,
                  u.role IN ('owner', 'admin', 'moderator')
           FROM (SELECT DISTINCT member_id, date_trunc('month', day)::date AS day
                 FROM analytics_memberday) d
           JOIN accounts_user u ON u.id = d.member_id""",
    ),
    (
        "customer days",
        """INSERT INTO analytics_customerday (customer_id, member_id, day, currency, orders,
               revenue, days_since_joined, first_in_currency)
           SELECT o.customer_id, c.member_id,
                  (coalesce(o.placed_at, o.created_at)
                      AT TIME ZONE coalesce(u.timezone, 'UTC'))::date AS day,
                  o.currency, count(*), sum(o.total - o.refunded_total),
                  (coalesce(o.placed_at, o.created_at) AT TIME ZONE coalesce(u.timezone, 'UTC'))::date
                      - (u.date_joined AT TIME ZONE u.timezone)::date,
                  false  -- the existing-customer facts follow (fill_rollups)
           FROM commerce_order o
           JOIN commerce_customer c ON c.id = o.customer_id
           LEFT JOIN accounts_user u ON u.id = c.member_id
           WHERE o.cancelled_at IS NULL AND o.test = false
             AND o.financial_status IN ('paid', 'partially_refunded')
           GROUP BY o.customer_id, c.member_id, 3, o.currency, 7""",
    ),
    (
        "member facts",
        """INSERT INTO analytics_memberfact (member_id, joined_on, cohort_month, source, is_team,
               first_order_on, first_active_on, last_active_on, timezone)
           SELECT u.id, (u.date_joined AT TIME ZONE u.timezone)::date,
                  date_trunc('month', u.date_joined AT TIME ZONE u.timezone)::date,
                  CASE WHEN fo.first < u.date_joined THEN 'store_customer' ELSE 'organic' END,
                  u.role IN ('owner', 'admin', 'moderator'),
                  (fo.first AT TIME ZONE u.timezone)::date, act.first, act.last, u.timezone
           FROM accounts_user u
           LEFT JOIN (SELECT member_id, min(day) AS first, max(day) AS last
                      FROM analytics_memberday GROUP BY member_id) act ON act.member_id = u.id
           LEFT JOIN (SELECT c.member_id, min(o.placed_at) AS first
                      FROM commerce_order o JOIN commerce_customer c ON c.id = o.customer_id
                      WHERE c.member_id IS NOT NULL AND o.cancelled_at IS NULL
                        AND o.test = false
                        AND o.financial_status IN ('paid', 'partially_refunded')
                      GROUP BY c.member_id) fo ON fo.member_id = u.id""",
    ),
    (
        "question facts",
        """INSERT INTO analytics_questionfact (topic_id, space_id, asked_on, asked_at,
               first_reply_at, answered_by_team, solved)
           SELECT t.id, t.space_id, (t.created_at AT TIME ZONE u.timezone)::date, t.created_at,
                  CASE WHEN t.id %% 4 <> 0
                       THEN t.created_at + (t.id %% 48) * interval '1 hour' END,
                  CASE WHEN t.id %% 4 = 0 THEN NULL ELSE t.id %% 7 = 0 END,
                  t.id %% 3 = 0
           FROM community_topic t JOIN accounts_user u ON u.id = t.author_id
           WHERE t.kind = 'question'""",
    ),
]


def fill_rollups() -> dict[str, float]:
    from flywheel.analytics.models import RollupCursor

    seconds = {}
    for label, sql in ROLLUP_SQL:
        started = time.perf_counter()
        rows = _execute(sql, {"verbs": list(ACTIVE_VERBS)})
        seconds[label] = round(time.perf_counter() - started, 1)
        logger.info("rollup %s: %d rows in %.1f s", label, rows, seconds[label])
    # The customer-days' existing-customer facts, as the migration that added them fills them.
    started = time.perf_counter()
    for sql in _existing_customer_sql():
        _execute(sql)
    seconds["existing customers"] = round(time.perf_counter() - started, 1)
    logger.info("rollup existing customers in %.1f s", seconds["existing customers"])
    # Statistics before the summaries and segments read these tables: without them the
    # planner met the new buyers' count with a nested loop that ran for minutes at 0.1 scale.
    _execute("ANALYZE")
    from flywheel.analytics.services import activity_cursor_now

    now = dt.datetime.now(tz=dt.UTC)
    RollupCursor.objects.update_or_create(
        name="rollups", defaults={**activity_cursor_now(), "orders_changed_since": now}
    )
    seconds.update(fill_day_summaries())
    return seconds


def _existing_customer_sql() -> list[str]:
    """The UPDATEs analytics migration 0008 fills CustomerDay's existing-customer facts with
    (a database generated before that migration gets them from the migration itself)."""
    import importlib

    return importlib.import_module("flywheel.analytics.migrations.0008_existing_customers").FILL_SQL


def fill_day_summaries() -> dict[str, float]:
    """The day summaries of every day, as `rebuild_rollups` writes them (one pass over the
    member-days in Python)."""
    from flywheel.analytics.services import _update_day_summaries

    started = time.perf_counter()
    rows = _update_day_summaries(set(), everything=True)
    seconds = round(time.perf_counter() - started, 1)
    logger.info("rollup day summaries: %d rows in %.1f s", rows, seconds)
    return {"day summaries": seconds, **fill_commerce_summaries_and_segments()}


def fill_commerce_summaries_and_segments() -> dict[str, float]:
    """The commerce day summaries of every day and today's segments, as the rebuild writes
    them (one pass over the customer-days in Python; one INSERT … SELECT per segment)."""
    from django.utils import timezone

    from flywheel.analytics.services import _update_commerce_summaries, refresh_segments

    seconds = {}
    started = time.perf_counter()
    rows = _update_commerce_summaries(set(), everything=True)
    seconds["commerce day summaries"] = round(time.perf_counter() - started, 1)
    logger.info(
        "rollup commerce summaries: %d rows in %.1f s", rows, seconds["commerce day summaries"]
    )
    started = time.perf_counter()
    sizes = refresh_segments(today=timezone.localdate())
    seconds["segments"] = round(time.perf_counter() - started, 1)
    logger.info("segments %s in %.1f s", sizes, seconds["segments"])
    return seconds


# --- 1. The console's views -----------------------------------------------------------------

VIEWS = [
    ("dashboard, 30 days", "/manage/"),
    ("dashboard, 365 days", "/manage/?period=365"),
    ("dashboard, one space", "/manage/?space=space-1"),
    ("dashboard, champions segment", "/manage/?segment=champions"),
    ("retention (cohorts, at risk)", "/manage/retention/"),
    ("commerce, 30 days", "/manage/commerce/"),
    ("commerce, 365 days", "/manage/commerce/?period=365"),
    ("members", "/manage/members/"),
    ("members, champions", "/manage/members/?segment=champions"),
    ("one member", f"/manage/members/m{1}/"),
    ("voice of the member", "/manage/voice/"),
    ("segment CSV, at risk (Klaviyo)", "/manage/segments/at_risk.csv"),
    ("segment CSV, champions (Klaviyo)", "/manage/segments/champions.csv"),
]


def measure_views(*, requests: int) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from flywheel.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(pk=1))
    results = []
    for label, url in VIEWS:
        timings = []
        queries = 0
        status = None
        for attempt in range(requests + 1):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                if response.streaming:  # a streamed CSV: the time to its last byte
                    b"".join(response.streaming_content)
                elapsed = time.perf_counter() - started
            status = response.status_code
            queries = len(captured)
            if attempt:  # the first request warms caches and connections
                timings.append(elapsed * 1000)
        median = statistics.median(timings)
        results.append(
            {"view": label, "url": url, "status": status, "ms": round(median), "queries": queries}
        )
        logger.info("%s: %d ms median, %d queries, HTTP %s", label, median, queries, status)
    return results


# --- 2. The nightly rollup of one day -------------------------------------------------------


def measure_one_day_rollup(*, members: int, activities: int, orders: int) -> dict:
    """A day's worth of new activities and orders above the cursor, then one update."""
    from flywheel.analytics.models import RollupCursor
    from flywheel.analytics.services import activity_cursor_now, update_rollups

    now = dt.datetime.now(tz=dt.UTC)
    day_activities = max(activities // HISTORY_DAYS, 1)
    day_orders = max(orders // HISTORY_DAYS, 1)
    # Where the run before would have left the cursor: every committed row counted. (Its
    # gaps matter: without them the lookback's 1,000 generated rows, dated anywhere in the
    # two years, made the first run rewrite every day's summary; see docs/benchmarks.md.)
    RollupCursor.objects.update_or_create(
        name="rollups", defaults={**activity_cursor_now(), "orders_changed_since": now}
    )
    day = dt.timedelta(days=1)
    tag = f"day{int(now.timestamp())}"  # a second run adds another day's orders
    params = {
        "start": now - day,
        "span": day,
        "members": members,
        "base": MEMBER_ID_BASE,
        "first_space": 1,
        "spaces": SPACES,
        "low": 0,
        "high": day_activities - 1,
    }
    # New activity comes mostly from members who joined long ago (same skew): the time of
    # each row is within the last day whatever the member's sign-up.
    _execute(
        "INSERT INTO core_activity (verb, payload, created_at, actor_id, space_id) "  # noqa: S608
        "SELECT verb, payload, %(start)s + random() * %(span)s, actor, space FROM ("
        + ACTIVITY_SELECT
        + ") AS rows (verb, payload, at, actor, space)",
        params,
    )
    customers = _scalar("SELECT count(*) FROM commerce_customer")
    first_customer = _scalar("SELECT min(id) FROM commerce_customer")
    _execute(
        ORDER_INSERT.replace("'o' || s", f"'{tag}-o' || s").replace("'#' || s", f"'#{tag}' || s"),
        {
            **_order_params(now - day, day, customers, first_customer),
            "low": 0,
            "high": day_orders - 1,
        },
    )
    # The orders' updated_at is their placed_at (within the day) and after the cursor only
    # for part of them: mark them all changed now, as the webhook processing would.
    _execute(
        "UPDATE commerce_order SET updated_at = now() WHERE external_id LIKE %(like)s",
        {"like": f"{tag}-o%"},
    )
    _execute("ANALYZE core_activity")
    _execute("ANALYZE commerce_order")
    started = time.perf_counter()
    counts = update_rollups()
    seconds = time.perf_counter() - started
    logger.info("one day's rollup: %s in %.1f s", counts, seconds)
    return {
        "new_activities": day_activities,
        "new_orders": day_orders,
        "recomputed": counts,
        "seconds": round(seconds, 1),
    }


# --- 3. The baseline: the same figures from scratch in SQL ----------------------------------

BASELINE_SQL = {
    "active members, DAU series, interactions (30 days)": """
        SELECT (a.created_at AT TIME ZONE u.timezone)::date AS day,
               count(DISTINCT a.actor_id), count(*)
        FROM core_activity a JOIN accounts_user u ON u.id = a.actor_id
        WHERE a.verb = ANY(%(verbs)s) AND u.role IN ('member', 'ambassador')
          AND a.created_at >= %(since)s - interval '1 day'
          AND (a.created_at AT TIME ZONE u.timezone)::date >= %(since)s::date
        GROUP BY 1""",
    "new members by source (30 days)": """
        SELECT CASE WHEN fo.first < u.date_joined THEN 'store_customer' ELSE 'organic' END,
               count(*)
        FROM accounts_user u
        LEFT JOIN (SELECT c.member_id, min(o.placed_at) AS first
                   FROM commerce_order o JOIN commerce_customer c ON c.id = o.customer_id
                   WHERE c.member_id IS NOT NULL AND o.cancelled_at IS NULL AND NOT o.test
                     AND o.financial_status IN ('paid', 'partially_refunded')
                   GROUP BY c.member_id) fo ON fo.member_id = u.id
        WHERE (u.date_joined AT TIME ZONE u.timezone)::date >= %(since)s::date
        GROUP BY 1""",
    "revenue, orders, AOV, members' share (30 days)": """
        SELECT o.currency, count(*), sum(o.total - o.refunded_total),
               count(DISTINCT o.customer_id),
               sum(o.total - o.refunded_total) FILTER (WHERE c.member_id IS NOT NULL)
        FROM commerce_order o JOIN commerce_customer c ON c.id = o.customer_id
        LEFT JOIN accounts_user u ON u.id = c.member_id
        WHERE o.cancelled_at IS NULL AND NOT o.test
          AND o.financial_status IN ('paid', 'partially_refunded')
          AND (o.placed_at AT TIME ZONE coalesce(u.timezone, 'UTC'))::date >= %(since)s::date
        GROUP BY o.currency""",
    "retention cohorts (12 months)": """
        SELECT date_trunc('month', u.date_joined AT TIME ZONE u.timezone) AS cohort,
               date_trunc('month', a.created_at AT TIME ZONE u.timezone) AS month,
               count(DISTINCT a.actor_id)
        FROM core_activity a JOIN accounts_user u ON u.id = a.actor_id
        WHERE a.verb = ANY(%(verbs)s) AND u.role IN ('member', 'ambassador')
          AND a.created_at >= %(year_ago)s
        GROUP BY 1, 2""",
    "at-risk members (silent 7-28 days)": """
        SELECT count(*) FROM (
            SELECT a.actor_id, max((a.created_at AT TIME ZONE u.timezone)::date) AS last
            FROM core_activity a JOIN accounts_user u ON u.id = a.actor_id
            WHERE a.verb = ANY(%(verbs)s) AND u.role IN ('member', 'ambassador')
            GROUP BY a.actor_id) AS last_seen
        WHERE last BETWEEN %(today)s::date - 28 AND %(today)s::date - 7""",
}


def measure_baseline() -> list[dict]:
    today = dt.datetime.now(tz=dt.UTC).date()
    params = {
        "verbs": list(ACTIVE_VERBS),
        "since": today - dt.timedelta(days=29),
        "year_ago": dt.datetime.now(tz=dt.UTC) - dt.timedelta(days=366),
        "today": today,
    }
    results = []
    for label, sql in BASELINE_SQL.items():
        started = time.perf_counter()
        _execute(sql, params)
        ms = (time.perf_counter() - started) * 1000
        results.append({"figures": label, "ms": round(ms)})
        logger.info("baseline %s: %d ms", label, ms)
    return results


def markdown(report: dict) -> str:
    lines = ["| console view | median ms | queries |", "|---|---:|---:|"]
    lines += [f"| {r['view']} | {r['ms']} | {r['queries']} |" for r in report["views"]]
    lines += ["", "| from scratch in SQL (baseline) | ms |", "|---|---:|"]
    lines += [f"| {r['figures']} | {r['ms']} |" for r in report["baseline"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(
        prog="python -m bench.analytics", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: 1M/10M/2M")
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument("--recreate", action="store_true")
    parser.add_argument(
        "--generate-only",
        action="store_true",
        help="stop after generating and filling the rollups (copy the database to measure a "
        "first update after a fill more than once: CREATE DATABASE … TEMPLATE …)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    sizes = {key: max(int(value * args.scale), 10) for key, value in FULL.items()}
    url = os.environ.get("DATABASE_URL", ANALYTICS_DATABASE_URL)
    generate.ensure_database(url, recreate=args.recreate)
    _setup(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    report: dict = {"sizes": sizes}
    if generate.database_is_empty():
        report["generated"] = generate_data(**sizes)
        report["rollups_in_sql"] = fill_rollups()
        generate.vacuum_analyze()
        if args.generate_only:
            return report
    else:
        sizes = {
            "members": _scalar("SELECT count(*) FROM accounts_user") - len(STAFF),
            "activities": _scalar("SELECT count(*) FROM core_activity"),
            "orders": _scalar("SELECT count(*) FROM commerce_order"),
        }
        report["sizes"] = sizes
        from flywheel.analytics.models import CommerceDaySummary, DaySummary

        if not DaySummary.objects.exists():  # a database generated before the summaries
            report["rollups_in_sql"] = fill_day_summaries()
            _execute("ANALYZE analytics_daysummary")
        elif not CommerceDaySummary.objects.exists():  # …or before the commerce summaries
            report["rollups_in_sql"] = fill_commerce_summaries_and_segments()
        _execute("ANALYZE analytics_commercedaysummary")
        _execute("ANALYZE analytics_segmentmember")
        # Migrations may have rewritten every customer-day (analytics 0008) or member fact
        # (0010) and a previous run added a day: vacuum as autovacuum would, so index-only
        # scans stay index-only and the planner sees the rewritten tables as they are.
        for table in ("analytics_customerday", "analytics_memberday", "analytics_memberfact"):
            _execute(f"VACUUM (ANALYZE) {table}")
    report["views"] = measure_views(requests=args.requests)
    report["baseline"] = measure_baseline()
    report["one_day_rollup"] = measure_one_day_rollup(**sizes)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "analytics.json").write_text(json.dumps(report, indent=2, default=str))
    print(markdown(report))  # noqa: T201
    logger.info("one day's rollup: %s", report["one_day_rollup"])
    return report


if __name__ == "__main__":
    main()
