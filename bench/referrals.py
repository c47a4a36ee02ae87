"""Referrals under load, on PostgreSQL, with the real server, broker and worker.

1. The share link: gunicorn serves Flywheel (production settings, DEBUG off); wrk requests
   `/r/<code>` cycling over --codes members' codes (each request looks the code up, writes a
   click row and a `referral_clicked` activity, queues its deliveries on Redis, signs the
   attribution cookie and answers 302), and the bare view `/bench/bare` (routing and
   middleware only) on the same server, one after the other in the same run.
2. Attribution: twice --orders paid orders are written (bulk), a third each carrying a
   referrer's code among the discount codes, `?ref=<code>` in the landing page, or the e-mail
   of a friend who signed up through a link. First the baseline: one
   `bench.baseline.read_order` task per order (read the order by id, store one row) through
   Redis to a real Celery worker (prefork, --worker-processes); then the first half of the
   orders with one `attribute_order_task` each (a batch of one: the path without a Redis
   broker, and what every order took before batching); then the second half through the
   `order_changes` listener as in production (consumers.attribute_order: the Redis pending
   set, drained by `attribute_pending_orders` in batches of --batch). Each attribution runs
   the fraud checks, writes the referral, `referral_converted` and its deliveries (the
   rewards consumer awards the points, on the same queue). Rates are from the first
   attributed order to the last; each phase starts once the queue is empty.

    PYTHONPATH=src:. .venv/bin/python -m bench.referrals
    PYTHONPATH=src:. .venv/bin/python -m bench.referrals --orders 6000 --duration 10

The load average is recorded around each phase (the machine is shared). The database is
REFERRALS_BENCH_DATABASE_URL, by default postgres://postgres@127.0.0.1:5432/
flywheel_bench_referrals (created, migrated and emptied on each run). Results go to
bench/results/referrals-<time>.json and docs/benchmarks.md ("Referrals").
"""

import argparse
import json
import logging
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from bench import generate, load
from bench.webhooks import load_average, start_worker

logger = logging.getLogger("bench.referrals")

REPO_ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get(
    "REFERRALS_BENCH_DATABASE_URL",
    "postgres://postgres@127.0.0.1:5432/flywheel_bench_referrals",
)
SHOP = "bench-referrals.myshopify.com"
SOURCES = ("discount_code", "landing_ref", "email")
COUNTS = {
    "baseline": "SELECT count(*) FROM bench_body",
    "attributed": (
        "SELECT count(*) FROM referrals_referral WHERE first_order_id BETWEEN %s AND %s"
    ),
}


def _count(name: str, ids: tuple[int, int]) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(COUNTS[name], ids if "%s" in COUNTS[name] else None)
        return cursor.fetchone()[0]


def reset_tables() -> None:
    """Members (and everything hanging off them), shops, orders and the baseline's rows."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE accounts_user, commerce_store, commerce_order, commerce_customer, "
            "core_activity, bench_body CASCADE"
        )


def populate(*, orders: int, referrers: int) -> dict:
    """Referrers (90 days old, trust level 2) with personal codes; `orders` paid orders from
    new customers, attributed a third each by code, `ref` and a referred sign-up's e-mail."""
    from django.utils import timezone

    from flywheel.accounts.models import User
    from flywheel.commerce.models import Order
    from flywheel.commerce.services import connect_store
    from flywheel.referrals.models import Referral, ReferralCode, Source
    from flywheel.rewards.defaults import install_defaults
    from flywheel.trust.models import MemberTrust

    now = timezone.now()
    store, _created = connect_store(platform="shopify", domain=SHOP, webhook_secret="bench")  # noqa: S106
    install_defaults()
    members = User.objects.bulk_create(
        (
            User(
                email=f"referrer{index}@bench.example",
                handle=f"referrer{index}",
                display_name=f"Referrer {index}",
                date_joined=now - timedelta(days=90),
                password="!",  # noqa: S106 - unusable
            )
            for index in range(referrers)
        ),
        batch_size=1000,
    )
    MemberTrust.objects.bulk_create(
        (MemberTrust(member=member, level=2) for member in members), batch_size=1000
    )
    codes = ReferralCode.objects.bulk_create(
        (
            ReferralCode(member=member, code=f"BENCH{index:06d}")
            for index, member in enumerate(members)
        ),
        batch_size=1000,
    )
    rows, signed_up = [], []
    for number in range(orders):
        code = codes[number % referrers]
        source = SOURCES[number % len(SOURCES)]
        email = f"friend{number}@example.org"
        if source == "email":
            signed_up.append(
                Referral(
                    referrer_id=code.member_id,
                    code=code,
                    referred_key=email,
                    referred_email=email,
                    source=Source.SIGNUP,
                    created_at=now - timedelta(days=2),
                )
            )
        rows.append(
            Order(
                store=store,
                external_id=str(10_000_000 + number),
                number=f"#R{number}",
                email=email,
                currency="EUR",
                subtotal=Decimal("80.00"),
                total=Decimal("80.00"),
                financial_status="paid",
                discount_codes=[code.code] if source == "discount_code" else [],
                landing_site=f"/products/tent?ref={code.code}" if source == "landing_ref" else "",
                shipping_address={"first_name": "Friend", "last_name": str(number)},
                placed_at=now - timedelta(hours=1),
                platform_updated_at=now - timedelta(hours=1),
            )
        )
    Referral.objects.bulk_create(signed_up, batch_size=1000)
    created = Order.objects.bulk_create(rows, batch_size=1000)
    generate.vacuum_analyze()
    return {
        "referrers": referrers,
        "orders": len(created),
        "order_ids": [order.pk for order in created],
        "store_id": store.pk,
    }


def wait_for_empty_queue(broker, queue: str, *, timeout_s: float = 600) -> None:
    """The previous phase's leftovers (activity deliveries) are not the next one's work."""
    deadline = time.monotonic() + timeout_s
    while broker.llen(queue) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)  # the tasks the worker has taken


def measure(name: str, ids: list[int], *, worker, timeout_s: float, log_path: Path) -> dict:
    """Tasks finished per second and per minute, from the first to the last."""
    expected = len(ids)
    span = (min(ids), max(ids))
    first_at = None
    first_count = 0
    deadline = time.monotonic() + timeout_s
    timed_out = False
    last_report = time.monotonic()
    while True:
        done = _count(name, span)
        if first_at is None and done > 0:
            first_at, first_count = time.monotonic(), done
        if done >= expected:
            break
        if worker.poll() is not None:
            raise RuntimeError("The worker stopped:\n" + log_path.read_text())
        if time.monotonic() > deadline:
            timed_out = True
            break
        if time.monotonic() - last_report > 10:
            logger.info("%s: %d of %d", name, done, expected)
            last_report = time.monotonic()
        time.sleep(0.05)
    elapsed = time.monotonic() - first_at if first_at else 0.0
    per_second = (done - first_count) / elapsed if elapsed else 0.0
    return {
        "done": done,
        "expected": expected,
        "seconds": round(elapsed, 2),
        "per_second": round(per_second, 1),
        "per_minute": round(per_second * 60),
        "timed_out": timed_out,
    }


def publish(task, order_ids: list[int]) -> float:
    started = time.perf_counter()
    for order_id in order_ids:
        task.delay(order_id)
    return time.perf_counter() - started


def publish_changes(order_ids: list[int], store_id: int) -> float:
    """What commerce does after storing each order: the order_changes listeners."""
    from flywheel.core import hooks
    from flywheel.referrals.consumers import attribute_order

    started = time.perf_counter()
    for order_id in order_ids:
        attribute_order(hooks.OrderChanged(order_id=order_id, store_id=store_id))
    return time.perf_counter() - started


def outcome_counts() -> dict:
    from django.db.models import Count

    from flywheel.referrals.models import Referral

    return dict(
        Referral.objects.filter(first_order__isnull=False)
        .values_list("status")
        .annotate(count=Count("pk"))
        .values_list("status", "count")
    )


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(
        prog="python -m bench.referrals",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--duration", type=int, default=6, help="seconds per wrk run (≤ 20)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of wrk before each run")
    parser.add_argument("--codes", type=int, default=500, help="share links wrk cycles over")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--orders", type=int, default=3000)
    parser.add_argument(
        "--per-referrer", type=int, default=3, help="orders per referrer (under the caps)"
    )
    parser.add_argument("--worker-processes", type=int, default=2, help="Celery prefork size")
    parser.add_argument(
        "--batch", type=int, default=100, help="FLYWHEEL_REFERRAL_ATTRIBUTION_BATCH"
    )
    parser.add_argument("--process-timeout", type=int, default=150)
    parser.add_argument("--port", type=int, default=8767)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    duration = min(args.duration, 20)
    load.require_wrk()

    queue = f"bench-referrals-{uuid.uuid4().hex[:8]}"
    scratch = tempfile.TemporaryDirectory(prefix="flywheel-referral-bench-")
    scratch_dir = Path(scratch.name)
    generate.ensure_database(DATABASE_URL, recreate=False)
    environment = load.server_environment(
        database_url=DATABASE_URL, static_root=scratch_dir / "static", data_dir=scratch_dir
    )
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.referral_settings",
            "FLYWHEEL_BENCH_QUEUE": queue,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "FLYWHEEL_REFERRAL_ATTRIBUTION_BATCH": str(args.batch),
            "PYTHONPATH": os.pathsep.join([str(REPO_ROOT / "src"), str(REPO_ROOT)]),
        }
    )
    # This process publishes the tasks: the same broker, settings and queue.
    for key in (
        "DJANGO_SETTINGS_MODULE",
        "FLYWHEEL_BENCH_QUEUE",
        "CELERY_TASK_ALWAYS_EAGER",
        "FLYWHEEL_REFERRAL_ATTRIBUTION_BATCH",
    ):
        os.environ[key] = environment[key]
    os.environ["REDIS_URL"] = environment["REDIS_URL"]
    os.environ["SECRET_KEY"] = environment["SECRET_KEY"]
    generate.setup_django(DATABASE_URL)
    from django.core.management import call_command

    logger.info("migrating %s", DATABASE_URL.rsplit("/", 1)[-1])
    call_command("migrate", verbosity=0, interactive=False)
    reset_tables()
    referrers = max(1, 2 * args.orders // args.per_referrer)
    population = populate(orders=2 * args.orders, referrers=referrers)
    all_ids = population.pop("order_ids")
    store_id = population.pop("store_id")
    order_ids, batched_ids = all_ids[: args.orders], all_ids[args.orders :]
    logger.info("%d referrers, %d orders", referrers, len(order_ids))
    results: dict = {
        "started_at": datetime.now(UTC).isoformat(),
        "args": vars(args),
        "population": population,
        "load_average": {"start": load_average()},
    }

    import redis

    broker = redis.Redis.from_url(environment["REDIS_URL"])
    try:
        # 1. The share link against the bare view, same server, same run.
        from flywheel.referrals.models import ReferralCode

        codes = list(
            ReferralCode.objects.order_by("pk").values_list("code", flat=True)[: args.codes]
        )
        load.collect_static(environment)
        with load.gunicorn_server(
            environment=environment,
            port=args.port,
            workers=args.workers,
            worker_class="sync",
            threads=1,
            log_path=scratch_dir / "gunicorn.log",
        ) as base_url:
            served = load.run_endpoints(
                base_url,
                [
                    load.Endpoint("bare", "Bare view /bench/bare", ("/bench/bare",)),
                    load.Endpoint(
                        "share_link",
                        "Share link /r/<code> (302)",
                        tuple(f"/r/{code}" for code in codes),
                    ),
                ],
                duration_s=duration,
                warmup_s=args.warmup,
                connections=args.connections,
                threads=args.threads,
            )
        results["load_average"]["after_redirect"] = load_average()
        results["redirect"] = load.results_as_dicts(served)
        results["redirect_ratio"] = served[1].requests_per_s / served[0].requests_per_s
        results["redirect_table"] = load.markdown_table(served, baseline=served[0].requests_per_s)
        # The clicks' activity deliveries are not what phase 2 measures.
        broker.delete(queue)

        # 2. Attribution through the broker, after the baseline task on the same worker.
        from bench.baseline.tasks import read_order
        from flywheel.referrals.tasks import attribute_order_task

        worker_log = scratch_dir / "worker.log"
        results["publish_seconds"] = {"baseline": publish(read_order, order_ids)}
        worker = start_worker(
            environment, queue=queue, processes=args.worker_processes, log_path=worker_log
        )
        try:
            results["baseline"] = measure(
                "baseline",
                order_ids,
                worker=worker,
                timeout_s=args.process_timeout,
                log_path=worker_log,
            )
            results["load_average"]["after_baseline"] = load_average()
            results["publish_seconds"]["attribution"] = publish(attribute_order_task, order_ids)
            results["attribution"] = measure(
                "attributed",
                order_ids,
                worker=worker,
                timeout_s=args.process_timeout,
                log_path=worker_log,
            )
            results["load_average"]["after_attribution"] = load_average()
            wait_for_empty_queue(broker, queue)
            results["load_average"]["before_batched"] = load_average()
            results["publish_seconds"]["batched"] = publish_changes(batched_ids, store_id)
            results["batched"] = measure(
                "attributed",
                batched_ids,
                worker=worker,
                timeout_s=args.process_timeout,
                log_path=worker_log,
            )
            results["load_average"]["after_batched"] = load_average()
        finally:
            worker.terminate()
            worker.wait(timeout=30)
            broker.delete(queue)
            from flywheel.referrals.tasks import _keys

            broker.delete(*_keys())
        results["outcomes"] = outcome_counts()
        for name in ("attribution", "batched"):
            results[f"{name}_ratio"] = (
                results[name]["per_second"] / results["baseline"]["per_second"]
                if results["baseline"]["per_second"]
                else 0.0
            )
        results["failed_tasks_logged"] = worker_log.read_text().count("raised unexpected")
    finally:
        scratch.cleanup()
    out_dir = REPO_ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"referrals-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps(results, indent=2, default=str))
    print(json.dumps(results, indent=2, default=str))  # noqa: T201 - the command's output
    return out


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
