"""`make bench`: the large community on PostgreSQL, served by gunicorn, loaded by wrk.

    .venv/bin/python -m bench.run                      # 100k members, 1M posts, 15 s each
    .venv/bin/python -m bench.run --members 2000 --posts 20000 --duration 5   # a quick look

Generates the community into DATABASE_URL (default postgres://…/flywheel_bench) unless it
already holds one, then measures, in one run: the bare Django view (the baseline), a space's
topic list, a topic page, the API's topic list, and the bare view again to show the machine
stayed steady. Results go to bench/results/<timestamp>.json and .md; docs/benchmarks.md
explains them.
"""

import argparse
import contextlib
import json
import logging
import os
import platform
import random
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import generate, load

logger = logging.getLogger("bench.run")
RESULTS_DIR = Path(__file__).resolve().parent / "results"


def choose_endpoints(*, seed: int, topic_sample: int) -> list[load.Endpoint]:
    """What an anonymous visitor reads: public spaces' lists, a sample of their topics."""
    from flywheel.community.models import Space, Topic, Visibility

    rng = random.Random(seed)
    public = list(
        Space.objects.filter(visibility=Visibility.PUBLIC)
        .order_by("position")
        .values_list("slug", flat=True)
    )
    topics = list(
        Topic.objects.listed()
        .filter(space__visibility=Visibility.PUBLIC)
        .order_by("pk")
        .values_list("pk", "slug")
    )
    sample = rng.sample(topics, k=min(topic_sample, len(topics)))
    bare = ("/bench/bare",)
    return [
        load.Endpoint("bare", "Bare Django view (baseline)", bare),
        load.Endpoint("home", "Home page /", ("/",)),
        load.Endpoint("space", "Space page /s/<slug>/", tuple(f"/s/{slug}/" for slug in public)),
        load.Endpoint(
            "topic",
            "Topic page /t/<slug>/<id>/",
            tuple(f"/t/{slug or '-'}/{pk}/" for pk, slug in sample),
        ),
        load.Endpoint(
            "api_topics",
            "API /api/v1/topics?space=<slug>",
            tuple(f"/api/v1/topics?space={slug}" for slug in public),
        ),
        load.Endpoint("bare_again", "Bare Django view (again, last)", bare),
    ]


def busy_member():
    """A member as the issue describes: has posted and reacted (so some posts are their own,
    with edit rights, and some reactions are theirs), active in public spaces."""
    from django.db.models import Count

    from flywheel.accounts.models import User

    return (
        User.objects.filter(is_active=True, is_staff=False)
        .annotate(reacted=Count("reactions", distinct=True))
        .filter(reacted__gt=0)
        .order_by("-reacted", "pk")
        .first()
    )


def signed_in_endpoints(endpoints: list[load.Endpoint]) -> list[load.Endpoint]:
    """The member's versions of the home, space and topic pages: same paths, with the session
    cookie of busy_member() (a fresh session, created in the database); and the API's topic
    and replies lists with the member's personal access token."""
    from django.conf import settings
    from django.test import Client

    from flywheel.accounts.models import PersonalAccessToken
    from flywheel.accounts.services import create_access_token, revoke_access_token

    member = busy_member()
    client = Client()
    client.force_login(member)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    for old in PersonalAccessToken.objects.filter(user=member, name="bench", revoked_at=None):
        revoke_access_token(token=old)
    _token, raw = create_access_token(user=member, name="bench")
    bearer = (("Authorization", f"Bearer {raw}"),)
    by_name = {endpoint.name: endpoint for endpoint in endpoints}
    topic_ids = [path.rstrip("/").rsplit("/", 1)[1] for path in by_name["topic"].paths]
    return [
        *(
            load.Endpoint(
                f"{endpoint.name}_member",
                f"{endpoint.label}, signed in",
                endpoint.paths,
                headers=(("Cookie", cookie),),
            )
            for endpoint in endpoints
            if endpoint.name in {"home", "space", "topic"}
        ),
        load.Endpoint(
            "api_topics_token",
            "API /api/v1/topics?space=<slug>, token",
            by_name["api_topics"].paths,
            headers=bearer,
        ),
        load.Endpoint(
            "api_replies_token",
            "API /api/v1/topics/<id>/replies, token",
            tuple(f"/api/v1/topics/{topic_id}/replies" for topic_id in topic_ids),
            headers=bearer,
        ),
    ]


def proxy_endpoints(endpoints: list[load.Endpoint], proxy_url: str) -> list[load.Endpoint]:
    """The same requests through Varnish (deploy/varnish/flywheel.vcl) in front of gunicorn:
    the bare view (never cached: passed through), signed-out pages (cached, s-maxage) and the
    member's topic page (never cached)."""
    chosen = {"bare", "home", "space", "topic", "topic_member"}
    return [
        load.Endpoint(
            f"{endpoint.name}_varnish",
            f"{endpoint.label}, through Varnish",
            endpoint.paths,
            headers=endpoint.headers,
            base_url=proxy_url,
        )
        for endpoint in endpoints
        if endpoint.name in chosen
    ]


class BackgroundWriter:
    """bench/writer.py in its own process; report() after it stopped."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.process = process
        self.output = ""

    def report(self) -> dict:
        lines = [line for line in self.output.splitlines() if line.startswith("{")]
        return json.loads(lines[-1]) if lines else {"error": self.output[-500:]}


@contextlib.contextmanager
def background_writer(*, environment: dict[str, str], rate: float, kind: str, topic_paths):
    """Writes `rate` times a second through the services (rolled back) until the load ends."""
    topic_ids = ",".join(path.rstrip("/").rsplit("/", 1)[1] for path in topic_paths)
    command = [sys.executable, "-m", "bench.writer", f"--rate={rate}", f"--kind={kind}"]
    process = subprocess.Popen(  # noqa: S603 - our own module
        [*command, f"--topics={topic_ids}"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    writer = BackgroundWriter(process)
    try:
        yield writer
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            writer.output, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            writer.output, _ = process.communicate(timeout=10)


def data_sizes() -> dict[str, int]:
    from flywheel.accounts.models import User
    from flywheel.community.models import Post, Reaction, Space, Topic
    from flywheel.core.models import Activity

    return {
        "members": User.objects.count(),
        "spaces": Space.objects.count(),
        "topics": Topic.objects.count(),
        "posts": Post.objects.count(),
        "reactions": Reaction.objects.count(),
        "activities": Activity.objects.count(),
    }


def topic_sample_shape(paths: tuple[str, ...]) -> dict[str, float]:
    """How long the sampled topics are: the topic page's cost grows with its posts."""
    from flywheel.community.models import Topic

    ids = [int(path.rstrip("/").rsplit("/", 1)[1]) for path in paths]
    replies = sorted(Topic.objects.filter(pk__in=ids).values_list("reply_count", flat=True))
    return {
        "topics": len(replies),
        "replies_median": replies[len(replies) // 2],
        "replies_p90": replies[int(len(replies) * 0.9)],
        "replies_max": replies[-1],
    }


def machine_description() -> dict[str, str | int]:
    import django
    import gunicorn
    from django.db import connection

    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory_gib = 0
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total_kib = int(meminfo.read_text().split("MemTotal:", 1)[1].split()[0])
        memory_gib = round(total_kib / 1024 / 1024)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
    return {
        "cpu": cpu,
        "cores": os.cpu_count() or 0,
        "memory_gib": memory_gib,
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "postgresql": postgres,
        "postgresql_shared_buffers": shared_buffers,
        "wrk": load.wrk_version(),
    }


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--regenerate",
        action="store_true",
        help="drop the benchmark database and generate it again",
    )
    parser.add_argument("--duration", type=int, default=15, help="seconds measured per endpoint")
    parser.add_argument(
        "--warmup", type=int, default=10, help="unmeasured seconds before each (fills caches)"
    )
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--worker-threads", type=int, default=1, help="threads per gthread worker")
    parser.add_argument("--port", type=int, default=8742)
    parser.add_argument(
        "--topic-sample",
        type=int,
        default=500,
        help="how many different topic pages the load cycles through",
    )
    parser.add_argument(
        "--proxy",
        action="store_true",
        help="also load bare, home, space and topic pages through Varnish with the repo's VCL "
        "(signed-out pages cached for FLYWHEEL_EDGE_CACHE_SECONDS=300)",
    )
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated endpoint names to run (bare and bare_again always run)",
    )
    parser.add_argument(
        "--signed-in",
        action="store_true",
        help="also load the home, space and topic pages as a signed-in member",
    )
    parser.add_argument(
        "--writes-per-second",
        type=float,
        default=0.0,
        help="a background writer (bench/writer.py) writes this often during the whole load, "
        "each write rolled back (the data set stays as generated)",
    )
    parser.add_argument(
        "--write-kind",
        choices=["reaction", "topic-reads"],
        default="reaction",
        help="reaction: a change every page shows; topic-reads: a write to a table no cached "
        "page reads (core/member_cache.py IGNORED_TABLES)",
    )
    args = parser.parse_args(argv)
    if not 0 <= args.writes_per_second <= 50:
        parser.error("--writes-per-second must be between 0 and 50")
    if not 1 <= args.duration <= 120:
        parser.error("--duration must be between 1 and 120 seconds")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    load.require_wrk()

    database_url = os.environ.get("DATABASE_URL", generate.BENCH_DATABASE_URL)
    generate.ensure_database(database_url, recreate=args.regenerate)
    generate.setup_django(database_url)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    generation_s = None
    if generate.database_is_empty():
        started = time.perf_counter()
        generate.generate_community(members=args.members, posts=args.posts, seed=args.seed)
        generate.vacuum_analyze()
        generation_s = round(time.perf_counter() - started, 1)
    else:
        logger.info("using the community already in the database (--regenerate to redo it)")
    sizes = data_sizes()
    endpoints = choose_endpoints(seed=args.seed, topic_sample=args.topic_sample)
    sample_paths = next(e for e in endpoints if e.name == "topic").paths
    sample_shape = topic_sample_shape(sample_paths)
    machine = machine_description()
    if args.signed_in:
        endpoints[-1:-1] = signed_in_endpoints(endpoints)
    if args.only:
        wanted = {"bare", "bare_again", *args.only.split(",")}
        endpoints = [endpoint for endpoint in endpoints if endpoint.name in wanted]
    connection.close()

    # Other processes on a small machine skew every figure; the report says how busy it was.
    load_before = os.getloadavg()
    if load_before[0] > 1.0:
        logger.warning(
            "the machine is busy (load average %.1f): expect noisy figures", load_before[0]
        )
    with tempfile.TemporaryDirectory(prefix="flywheel-bench-") as scratch:
        scratch_dir = Path(scratch)
        environment = load.server_environment(
            database_url=database_url, static_root=scratch_dir / "static", data_dir=scratch_dir
        )
        if args.signed_in:
            from django.conf import settings

            # The member's session was signed with this process's key; the server must agree.
            environment["SECRET_KEY"] = settings.SECRET_KEY
        if args.proxy:
            environment["FLYWHEEL_EDGE_CACHE_SECONDS"] = "300"
        load.collect_static(environment)
        with (
            load.gunicorn_server(
                environment=environment,
                port=args.port,
                workers=args.workers,
                worker_class=args.worker_class,
                threads=args.worker_threads,
                log_path=scratch_dir / "gunicorn.log",
            ) as base_url,
            contextlib.ExitStack() as stack,
        ):
            if args.proxy:
                proxy_url = stack.enter_context(
                    load.varnish_server(
                        backend_port=args.port, port=args.port + 1, work_dir=scratch_dir
                    )
                )
                endpoints[-1:-1] = proxy_endpoints(endpoints, proxy_url)
            writer = None
            if args.writes_per_second:
                writer = stack.enter_context(
                    background_writer(
                        environment=environment,
                        rate=args.writes_per_second,
                        kind=args.write_kind,
                        topic_paths=sample_paths,
                    )
                )
            results = load.run_endpoints(
                base_url,
                endpoints,
                duration_s=args.duration,
                warmup_s=args.warmup,
                connections=args.connections,
                threads=args.threads,
            )
        server_log = (scratch_dir / "gunicorn.log").read_text()[-4000:]
    writer_report = writer.report() if writer is not None else None
    if writer_report is not None:
        writer_report.update({"per_second": args.writes_per_second, "kind": args.write_kind})
        logger.info("background writer: %s", writer_report)

    load_after = os.getloadavg()
    # The bare view served by gunicorn, first and last (not the copy through Varnish).
    bare_runs = [
        result.requests_per_s for result in results if result.name in ("bare", "bare_again")
    ]
    baseline = sum(bare_runs) / len(bare_runs)
    table = load.markdown_table(results, baseline=baseline)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    report = {
        "timestamp": stamp,
        "command": "python -m bench.run " + " ".join(sys.argv[1:] if argv is None else argv),
        "machine": machine,
        "data": sizes,
        "generation_seconds": generation_s,
        "topic_sample": sample_shape,
        "server": {
            "workers": args.workers,
            "worker_class": args.worker_class,
            "worker_threads": args.worker_threads,
            "debug": False,
        },
        "load": {
            "tool": "wrk",
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "connections": args.connections,
            "threads": args.threads,
        },
        "background_writer": writer_report,
        "load_average_before": load_before,
        "load_average_after": load_after,
        "baseline_requests_per_s": baseline,
        "baseline_drift": (bare_runs[-1] - bare_runs[0]) / bare_runs[0] if bare_runs[0] else 0,
        "results": load.results_as_dicts(results),
        "markdown": table,
        "server_log_tail": server_log,
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    json_path = RESULTS_DIR / f"{stamp}.json"
    json_path.write_text(json.dumps(report, indent=2))
    (RESULTS_DIR / f"{stamp}.md").write_text(table + "\n")
    sys.stdout.write(
        f"{table}\n\nBaseline {baseline:,.0f} req/s (mean of the two bare runs, "
        f"drift {report['baseline_drift']:+.1%}). Results: {json_path}\n"
    )
    return json_path


if __name__ == "__main__":
    main()
