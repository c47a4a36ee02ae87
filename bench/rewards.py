"""Rewards at scale: 100k members, 1M ledger entries, measured in-process.

    .venv/bin/python -m bench.rewards                  # generate if empty, then measure
    .venv/bin/python -m bench.rewards --recreate       # drop fw_rewards_bench and start over
    .venv/bin/python -m bench.rewards --members 2000 --entries 20000   # a quick look

The database is its own (DATABASE_URL, by default postgres://…/fw_rewards_bench), so the
community benchmark's data is never touched. Rows are computed in memory the way the
services would write them (ledger entries, the cached PointsAccount balances and the
LeaderboardScore rows for every week, month and all time, overall and per space) and sent
with COPY (bench.generate.write_rows); generation stays well under five minutes.

Measured:
- awarding throughput: activities applied through the rules engine and
  services.award_for_rule (lock, caps, tier multiplier, ledger row, balance, leaderboards),
  one transaction each, serially;
- the leaderboard page (/rewards/leaderboard/) server time in-process with Django's test
  client, signed in: the median of 50 requests per variant, and its query count.
"""

import argparse
import bisect
import datetime
import logging
import os
import random
import statistics
import sys
import time
from collections import defaultdict

from bench import generate

logger = logging.getLogger("bench.rewards")

REWARDS_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/fw_rewards_bench"
SPACES = 12
HISTORY_DAYS = 730
RECENT_SHARE = 0.06  # of entries in the last 30 days, so this week's and month's boards are full


def _setup(url: str) -> None:
    # In-process measurement: testing mode only for plain static files (no manifest needed).
    os.environ.setdefault("FLYWHEEL_TESTING", "1")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    generate.setup_django(url)


def generate_rewards(*, members: int, entries: int, seed: int) -> dict[str, int]:
    """Members, spaces, the default programme and `entries` ledger rows with everything the
    services derive from them (accounts and leaderboard scores)."""
    from django.contrib.auth.hashers import make_password

    from flywheel.accounts.models import User
    from flywheel.community.models import Space
    from flywheel.rewards.defaults import install_defaults
    from flywheel.rewards.models import LeaderboardScore, LedgerEntry, PointsAccount, Rule
    from flywheel.rewards.services import period_starts

    rng = random.Random(seed)
    now = datetime.datetime.now(tz=datetime.UTC)
    written: dict[str, int] = {}
    password = make_password(generate.BENCH_PASSWORD)
    written["members"] = generate.write_rows(
        User,
        [
            "id",
            "password",
            "is_superuser",
            "is_staff",
            "is_active",
            "date_joined",
            "email",
            "handle",
            "display_name",
            "bio",
            "avatar",
            "language",
            "timezone",
            "role",
        ],
        (
            (
                i,
                password,
                False,
                False,
                True,
                now - datetime.timedelta(days=HISTORY_DAYS),
                f"rewards{i}@members.example",
                f"rewards{i}",
                f"Member {i}",
                "",
                "",
                "en",
                "UTC",
                "member",
            )
            for i in range(1, members + 1)
        ),
        label="members",
    )
    space_ids = list(range(1, SPACES + 1))
    for space_id in space_ids:
        Space.objects.create(
            id=space_id, name=f"Space {space_id}", slug=f"space-{space_id}", description=""
        )
    install_defaults()
    rules = list(Rule.objects.filter(points__gt=0).order_by("pk"))

    # Some members are far more active than others (a long tail, as in real communities).
    weights = [1.0 / (rank**0.8) for rank in range(1, members + 1)]
    rng.shuffle(weights)
    cumulative = generate._cumulative(weights)
    balances: dict[int, int] = defaultdict(int)
    earned: dict[int, int] = defaultdict(int)
    last_at: dict[int, datetime.datetime] = {}
    scores: dict[tuple, int] = defaultdict(int)

    def rows():
        for index in range(entries):
            member_id = bisect.bisect(cumulative, rng.random() * cumulative[-1]) + 1
            member_id = min(member_id, members)
            if rng.random() < RECENT_SHARE:
                age = rng.random() * 30
            else:
                age = rng.random() * HISTORY_DAYS
            at = now - datetime.timedelta(days=age)
            space_id = rng.choice(space_ids) if rng.random() < 0.7 else None
            if balances[member_id] >= 200 and rng.random() < 0.08:
                kind, points, rule_id, reason = "redeem", -100, None, "Perk"
            else:
                rule = rules[index % len(rules)]
                kind, points, rule_id, reason = "award", rule.points, rule.pk, rule.name
            balances[member_id] += points
            if kind == "award":
                earned[member_id] += points
                day = at.date()
                for period, start in period_starts(day):
                    scores[(member_id, period, start, None)] += points
                    if space_id:
                        scores[(member_id, period, start, space_id)] += points
            if member_id not in last_at or at > last_at[member_id]:
                last_at[member_id] = at
            yield (
                index + 1,
                member_id,
                kind,
                points,
                "approved",
                rule_id,
                f"bench:{index}",
                "",
                space_id if kind == "award" else None,
                reason,
                at,
                at,
            )

    written["ledger entries"] = generate.write_rows(
        LedgerEntry,
        [
            "id",
            "member_id",
            "kind",
            "points",
            "status",
            "rule_id",
            "source_key",
            "origin_key",
            "space_id",
            "reason",
            "occurred_at",
            "created_at",
        ],
        rows(),
        label="ledger entries",
    )
    written["accounts"] = generate.write_rows(
        PointsAccount,
        [
            "id",
            "member_id",
            "balance",
            "pending",
            "lifetime_earned",
            "last_activity_at",
            "updated_at",
        ],
        (
            (number, member_id, balance, 0, earned[member_id], last_at[member_id], now)
            for number, (member_id, balance) in enumerate(balances.items(), start=1)
        ),
        label="accounts",
    )
    written["leaderboard scores"] = generate.write_rows(
        LeaderboardScore,
        ["id", "member_id", "period", "period_start", "space_id", "points"],
        (
            (number, m, p, s, sp, pts)
            for number, ((m, p, s, sp), pts) in enumerate(scores.items(), start=1)
        ),
        label="leaderboard scores",
    )
    generate._reset_sequences()
    return written


def measure_awards(*, count: int, members: int, seed: int) -> dict:
    from django.utils import timezone

    from flywheel.accounts.models import User
    from flywheel.core.models import Activity
    from flywheel.rewards.rules import apply_rules_for_activity, rules_for_verb

    rng = random.Random(seed + 1)
    actor_ids = [rng.randint(1, members) for _ in range(count)]
    actors = User.objects.in_bulk(set(actor_ids))
    activities = [
        Activity.objects.create(
            actor=actors[actor_id],
            verb="reply_created",
            space_id=rng.randint(1, SPACES),
            payload={"length": 120},
            created_at=timezone.now(),
        )
        for actor_id in actor_ids
    ]
    rules = rules_for_verb("reply_created")
    started = time.perf_counter()
    written = sum(apply_rules_for_activity(activity, rules=rules) for activity in activities)
    elapsed = time.perf_counter() - started
    return {
        "activities": count,
        "entries_written": written,
        "seconds": round(elapsed, 2),
        "awards_per_second": round(written / elapsed, 1),
    }


def measure_leaderboard(*, requests: int, members: int) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from flywheel.accounts.models import User
    from flywheel.rewards.models import LeaderboardScore

    # A mid-table member: the page also computes their rank.
    viewer_id = (
        LeaderboardScore.objects.filter(period="all", space__isnull=True)
        .order_by("-points")
        .values_list("member_id", flat=True)[members // 10]
    )
    client = Client()
    client.force_login(User.objects.get(pk=viewer_id))
    results = []
    for label, query in (
        ("week, overall", "?period=week"),
        ("month, overall", "?period=month"),
        ("all time, overall", "?period=all"),
        ("all time, one space", "?period=all&space=space-1"),
    ):
        url = f"/rewards/leaderboard/{query}"
        for _ in range(5):
            client.get(url)
        timings = []
        for _ in range(requests):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
        results.append(
            {
                "page": label,
                "median_ms": round(statistics.median(timings), 1),
                "p90_ms": round(sorted(timings)[int(len(timings) * 0.9) - 1], 1),
                "queries": len(captured.captured_queries),
                "sql_ms": round(sum(float(q["time"]) for q in captured.captured_queries) * 1000, 1),
            }
        )
    return results


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(
        prog="python -m bench.rewards", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--awards", type=int, default=2_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--recreate", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    url = os.environ.get("DATABASE_URL", REWARDS_DATABASE_URL)
    generate.ensure_database(url, recreate=args.recreate)
    _setup(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    report: dict = {}
    if generate.database_is_empty():
        started = time.perf_counter()
        report["generated"] = generate_rewards(
            members=args.members, entries=args.entries, seed=args.seed
        )
        generate.vacuum_analyze()
        report["generation_seconds"] = round(time.perf_counter() - started, 1)
    report["awards"] = measure_awards(count=args.awards, members=args.members, seed=args.seed)
    report["leaderboard"] = measure_leaderboard(requests=args.requests, members=args.members)
    for key, value in report.items():
        logger.info("%s: %s", key, value)
    return report


if __name__ == "__main__":
    main()
