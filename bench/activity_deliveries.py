"""Activity fan-out through the real Redis broker and a real worker: the old single task
per activity (bench/activity_legacy.py: every consumer in turn, in one task) against the
new per-delivery path (core.tasks.deliver_activity: one delivery row per consumer, each
claimed and delivered in its own transaction), in the same run, on the same worker.

1. Seed: members reply through community.services (so every consumer has real work: a
   notification, a search document, the classifier, badge criteria, a points rule), as
   two equal sets of activities. Their on-commit dispatch messages are discarded.
2. Old path: one `bench.legacy_fan_out` message per activity of set A is queued, then a
   worker (prefork, --worker-processes) is started; activities per second from the first
   finished to the last.
3. New path: one `deliver_activity` message per activity of set B (what record_activity
   queues on commit), on a fresh worker; activities per second, counted as activities
   whose every delivery row is delivered.

    .venv/bin/python -m bench.activity_deliveries --activities 600

The database is ACTIVITY_BENCH_DATABASE_URL, by default
postgres://postgres@127.0.0.1:5432/flywheel_bench_activity (created, migrated and emptied
of community rows on each run). Redis is BENCH_REDIS_URL (db 14 by default). The load
average is recorded before and after each phase: the machine is shared. Results go to
bench/results/activity-deliveries-<time>.json.
"""

import argparse
import json
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from bench import generate, load

REPO_ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get(
    "ACTIVITY_BENCH_DATABASE_URL",
    "postgres://postgres@127.0.0.1:5432/flywheel_bench_activity",
)


def load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def reset_tables() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE accounts_user, core_activity, core_activitydelivery, community_topic, "
            "community_post, "
            "notifications_notification, search_searchdocument, rewards_ledgerentry, "
            "rewards_pointsaccount, badges_badgegrant, moderation_flag, "
            "moderation_reviewitem, moderation_moderationaction CASCADE"
        )


def seed(activities_per_set: int, *, sets_wanted: int) -> list[list[int]]:
    """Sets of activities of the same shape; returns their ids."""
    from django.db import transaction
    from tests.factories import SpaceFactory, UserFactory, make_reply, make_topic

    from flywheel.badges.services import install_default_badges
    from flywheel.community.models import Space
    from flywheel.core.models import Activity
    from flywheel.rewards.models import Rule

    install_default_badges()
    if not Rule.objects.filter(verb="reply_created").exists():
        Rule.objects.create(name="Reply", verb="reply_created", points=10)
    space = Space.objects.filter(slug="bench-activity").first() or SpaceFactory(
        slug="bench-activity"
    )
    members = [UserFactory() for _number in range(20)]
    sets: list[list[int]] = []
    for _set in range(sets_wanted):
        first_id = Activity.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        while Activity.objects.filter(pk__gt=first_id).count() < activities_per_set:
            with transaction.atomic():
                topic = make_topic(space=space, author=members[0])
                for number, member in enumerate(members[1:]):
                    make_reply(
                        topic=topic,
                        author=member,
                        body=f"Reply {number}: the @{members[0].handle} tent held in the storm.",
                    )
        ids = list(
            Activity.objects.filter(pk__gt=first_id)
            .order_by("pk")
            .values_list("pk", flat=True)[:activities_per_set]
        )
        sets.append(ids)
    return sets


def start_worker(environment: dict, *, queue: str, processes: int, log_path: Path):
    with log_path.open("a") as log:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "flywheel",
                "worker",
                f"--concurrency={processes}",
                "-Q",
                queue,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=WARNING",
                f"--hostname={queue}-{uuid.uuid4().hex[:6]}@%h",
            ],
            env=environment,
            cwd=REPO_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def measure(worker, done, total: int, *, timeout_s: float, log_path: Path) -> dict:
    """Activities per second from the first finished to the last."""
    first_at = None
    first_count = 0
    deadline = time.monotonic() + timeout_s
    count = 0
    while True:
        count = done()
        if first_at is None and count > 0:
            first_at, first_count = time.monotonic(), count
        if count >= total:
            break
        if worker.poll() is not None:
            raise RuntimeError("The worker stopped:\n" + log_path.read_text())
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
    elapsed = time.monotonic() - first_at if first_at else 0.0
    return {
        "activities": total,
        "finished": count,
        "activities_per_s": round((count - first_count) / elapsed, 1) if elapsed else 0.0,
        "seconds": round(elapsed, 2),
        "timed_out": count < total,
    }


def stop(worker) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(timeout=5)


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(
        prog="python -m bench.activity_deliveries",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--activities", type=int, default=300, help="per path and round")
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="old, new, old, new…: the machine's load drifts, so the paths take turns",
    )
    parser.add_argument("--worker-processes", type=int, default=2, help="Celery prefork size")
    parser.add_argument("--timeout", type=int, default=300, help="give up on a phase after this")
    args = parser.parse_args(argv)

    queue = f"bench-activity-{uuid.uuid4().hex[:8]}"
    os.environ["FLYWHEEL_BENCH_QUEUE"] = queue
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.activity_settings"
    os.environ["REDIS_URL"] = load.BENCH_REDIS_URL
    # Seeding queues each activity's deliveries on commit; nobody consumes them (the queue
    # is emptied before each phase).
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
    generate.ensure_database(DATABASE_URL, recreate=False)
    generate.setup_django(DATABASE_URL)
    sys.path.insert(0, str(REPO_ROOT))
    import redis
    from django.core.management import call_command
    from django.db.models import Count, Q

    from bench.activity_legacy import DONE_KEY, legacy_fan_out
    from flywheel.core.models import ActivityDelivery
    from flywheel.core.tasks import deliver_activity

    call_command("migrate", verbosity=0, interactive=False)
    reset_tables()
    broker = redis.Redis.from_url(load.BENCH_REDIS_URL)
    results: dict = {"started_at": datetime.now(UTC).isoformat(), "args": vars(args)}
    results["load_average"] = {"start": load_average()}
    sets = seed(args.activities, sets_wanted=2 * args.rounds)
    broker.delete(queue, DONE_KEY)
    results["load_average"]["after_seed"] = load_average()

    environment = load.server_environment(
        database_url=DATABASE_URL,
        static_root=REPO_ROOT / "bench" / "results" / "static-unused",
        data_dir=REPO_ROOT / "bench" / "results",
    )
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.activity_settings",
            "FLYWHEEL_BENCH_QUEUE": queue,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "PYTHONPATH": os.pathsep.join([str(REPO_ROOT / "src"), str(REPO_ROOT)]),
        }
    )
    out_dir = REPO_ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    log_path = out_dir / f"activity-worker-{queue}.log"

    def legacy_done() -> int:
        return int(broker.get(DONE_KEY) or 0)

    def new_done(ids: list[int]) -> int:
        return (
            ActivityDelivery.objects.filter(activity_id__in=ids)
            .values("activity_id")
            .annotate(undone=Count("pk", filter=~Q(state="delivered")))
            .filter(undone=0)
            .count()
        )

    phases = []
    for round_number in range(args.rounds):
        legacy_ids, new_ids = sets[2 * round_number], sets[2 * round_number + 1]
        phases.append(
            (f"old_single_task_{round_number + 1}", legacy_ids, legacy_fan_out, legacy_done)
        )
        phases.append(
            (
                f"new_per_delivery_{round_number + 1}",
                new_ids,
                deliver_activity,
                lambda ids=new_ids: new_done(ids),
            )
        )
    try:
        for name, ids, task, done in phases:
            broker.delete(DONE_KEY)
            for activity_id in ids:
                task.apply_async(args=[activity_id], queue=queue)
            worker = start_worker(
                environment, queue=queue, processes=args.worker_processes, log_path=log_path
            )
            try:
                results[name] = measure(
                    worker, done, len(ids), timeout_s=args.timeout, log_path=log_path
                )
            finally:
                stop(worker)
            results["load_average"][f"after_{name}"] = load_average()
    finally:
        broker.delete(queue, DONE_KEY)
    new_sets = [activity_id for ids in sets[1::2] for activity_id in ids]
    results["delivery_states"] = dict(
        ActivityDelivery.objects.filter(activity_id__in=new_sets)
        .values_list("state")
        .annotate(count=Count("pk"))
    )

    def mean_rate(prefix: str) -> float:
        rates = [
            value["activities_per_s"] for key, value in results.items() if key.startswith(prefix)
        ]
        return round(sum(rates) / len(rates), 1)

    results["old_mean_activities_per_s"] = mean_rate("old_single_task_")
    results["new_mean_activities_per_s"] = mean_rate("new_per_delivery_")
    results["new_over_old"] = round(
        results["new_mean_activities_per_s"] / max(results["old_mean_activities_per_s"], 0.001), 2
    )
    out = out_dir / f"activity-deliveries-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))  # noqa: T201 - the command's output
    return out


if __name__ == "__main__":
    main()
