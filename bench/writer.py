"""A background writer for `bench.run --writes-per-second`: writes through the services while
wrk loads the pages, to measure the whole-response cache (core/member_cache.py) under writes.

    python -m bench.writer --rate 1 --kind reaction --topics 12,40,77   # until SIGTERM

Kinds:

- `reaction`: busy_member() toggles a reaction on a random post of the given topics
  (community.services.toggle_reaction, without the per-member rate limits: it stands for
  many members): a change the topic, space and home pages show, so every cached page is
  stale afterwards;
- `topic-reads`: the per-minute flush of topic reads (analytics.reads.add_topic_reads), a write
  to a table no cached page reads (member_cache.IGNORED_TABLES): the pages stay cached.

Each write runs in a transaction that is rolled back, so the benchmark's data set stays as it
was generated. The write watch still moves the generation right after the statement, as for
a real write (which moves it once more when it commits). On SIGTERM it prints one JSON line:
writes done, failures, and how far the generation moved.
"""

import argparse
import json
import os
import random
import signal
import sys
import time
from collections import Counter

from bench import generate


class Rollback(Exception):
    """Leaves the atomic block without committing."""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.writer")
    parser.add_argument("--rate", type=float, default=1.0, help="writes a second")
    parser.add_argument("--kind", choices=["reaction", "topic-reads"], default="reaction")
    parser.add_argument("--topics", required=True, help="comma-separated topic ids")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    generate.setup_django(os.environ["DATABASE_URL"])
    from django.core.cache import cache
    from django.db import transaction
    from django.utils import timezone

    from bench.run import busy_member
    from flywheel.analytics.reads import add_topic_reads
    from flywheel.community.models import Post, ReactionKind
    from flywheel.community.services import toggle_reaction
    from flywheel.core import member_cache

    rng = random.Random(args.seed)
    topic_ids = [int(topic_id) for topic_id in args.topics.split(",") if topic_id]
    post_ids = list(Post.objects.filter(topic_id__in=topic_ids).values_list("pk", flat=True))
    member = busy_member()
    stopping = False

    def stop(*_args) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    cache.add(member_cache.GENERATION_KEY, time.time_ns())  # as the middleware would
    generation_before = cache.get(member_cache.GENERATION_KEY)
    writes = failures = 0
    failure_kinds: Counter[str] = Counter()
    interval = 1 / args.rate
    next_at = time.monotonic()
    while not stopping:
        try:
            with transaction.atomic():
                if args.kind == "reaction":
                    post = Post.objects.get(pk=rng.choice(post_ids))
                    # It stands for many members: one member's hourly allowance would
                    # refuse it after a minute (the demo replays history the same way).
                    toggle_reaction(
                        member=member,
                        post=post,
                        kind=rng.choice(ReactionKind.values),
                        enforce_rate_limit=False,
                    )
                else:
                    add_topic_reads({(timezone.now().date(), rng.choice(topic_ids)): 1})
                raise Rollback
        except Rollback:
            writes += 1
        except Exception as error:  # noqa: BLE001 - counted and reported; the load goes on
            failures += 1
            failure_kinds[type(error).__name__] += 1
        next_at += interval
        time.sleep(max(0.0, next_at - time.monotonic()))
    generation_after = cache.get(member_cache.GENERATION_KEY)
    moved = (
        generation_after - generation_before
        if isinstance(generation_before, int) and isinstance(generation_after, int)
        else None
    )
    sys.stdout.write(
        json.dumps(
            {
                "writes": writes,
                "failures": failures,
                "failure_kinds": dict(failure_kinds),
                "generation_moved": moved,
            }
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
