"""Where a request's time goes, measured in-process: CPU, queries and SQL time per endpoint.

    .venv/bin/python -m bench.profile                 # every endpoint of bench.run
    .venv/bin/python -m bench.profile --cprofile topic  # plus cProfile's top functions
    .venv/bin/python -m bench.profile --signed-in      # also as a member who posts and reacts

Complements the HTTP figures: CPU milliseconds per request barely depend on what else the
machine is doing, where requests per second do. Same settings as the served benchmark
(DEBUG off, manifest static files), same database, same sampled paths.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench import generate, load, run


@dataclass(frozen=True)
class EndpointCost:
    label: str
    requests: int
    cpu_ms: float
    wall_ms: float
    queries: float
    sql_ms: float
    bytes: int


def measure(
    client, endpoint: load.Endpoint, *, requests: int, warm_all: bool = False
) -> EndpointCost:
    """Cost per request. warm_all: every path is requested once before measuring, so the
    figures are the steady state of a page already seen (fragment caches warm)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    paths = [endpoint.paths[index % len(endpoint.paths)] for index in range(requests)]
    headers = dict(endpoint.headers)
    for path in paths if warm_all else paths[:5]:  # warm the template cache and the connection
        client.get(path, headers=headers)
    cpu = wall = sql = 0.0
    queries = size = 0
    for path in paths:
        with CaptureQueriesContext(connection) as captured:
            cpu_started, wall_started = time.process_time(), time.perf_counter()
            response = client.get(path, headers=headers)
            cpu += time.process_time() - cpu_started
            wall += time.perf_counter() - wall_started
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        queries += len(captured.captured_queries)
        sql += sum(float(query["time"]) for query in captured.captured_queries)
        size += len(response.content)
    count = len(paths)
    return EndpointCost(
        label=endpoint.label,
        requests=count,
        cpu_ms=cpu / count * 1000,
        wall_ms=wall / count * 1000,
        queries=queries / count,
        sql_ms=sql / count * 1000,
        bytes=size // count,
    )


def markdown(costs: list[EndpointCost]) -> str:
    lines = [
        "| Endpoint | CPU ms/request | Wall ms/request | Queries | SQL ms | Bytes |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {cost.label} | {cost.cpu_ms:.1f} | {cost.wall_ms:.1f} | {cost.queries:.1f} | "
        f"{cost.sql_ms:.1f} | {cost.bytes:,} |"
        for cost in costs
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> list[EndpointCost]:
    parser = argparse.ArgumentParser(
        prog="python -m bench.profile", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--requests", type=int, default=60, help="requests per endpoint")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--topic-sample", type=int, default=500)
    parser.add_argument(
        "--cprofile",
        metavar="ENDPOINT",
        help="also print cProfile's top functions for bare/home/space/topic/api_topics "
        "(as the member with --signed-in)",
    )
    parser.add_argument(
        "--signed-in",
        action="store_true",
        help="also measure home, space and topic pages as a signed-in member and the API "
        "lists with the member's token (warm caches)",
    )
    parser.add_argument(
        "--member-cache",
        choices=("on", "off", "both"),
        default="on",
        help="with --signed-in: the member page cache as configured (on), off "
        "(FLYWHEEL_MEMBER_PAGE_CACHE_SECONDS=0), or both, taking turns in the same run",
    )
    args = parser.parse_args(argv)
    database_url = os.environ.get("DATABASE_URL", generate.BENCH_DATABASE_URL)
    with tempfile.TemporaryDirectory(prefix="flywheel-profile-") as scratch:
        environment = load.server_environment(
            database_url=database_url,
            static_root=Path(scratch) / "static",
            data_dir=Path(scratch),
        )
        load.collect_static(environment)
        os.environ.update(environment)
        generate.setup_django(database_url)
        from django.test import Client

        client = Client(SERVER_NAME=load.HOST)
        endpoints = run.choose_endpoints(seed=args.seed, topic_sample=args.topic_sample)
        endpoints = [endpoint for endpoint in endpoints if endpoint.name != "bare_again"]
        costs = [measure(client, endpoint, requests=args.requests) for endpoint in endpoints]
        if args.signed_in:
            from django.test import override_settings

            member_endpoints = run.signed_in_endpoints(endpoints)
            endpoints += member_endpoints
            modes = {"on": [None], "off": [0], "both": [0, None]}[args.member_cache]
            for endpoint in member_endpoints:
                for seconds in modes:
                    label = endpoint.label
                    if args.member_cache == "both":
                        label += ", member cache on" if seconds is None else ", cache off"
                    chosen = load.Endpoint(endpoint.name, label, endpoint.paths, endpoint.headers)
                    overrides = {} if seconds is None else {"FLYWHEEL_MEMBER_PAGE_CACHE_SECONDS": 0}
                    with override_settings(**overrides):
                        costs.append(
                            measure(
                                Client(SERVER_NAME=load.HOST),
                                chosen,
                                requests=args.requests,
                                warm_all=True,
                            )
                        )
        sys.stdout.write(markdown(costs) + "\n")
        if args.cprofile:
            endpoint = next(e for e in endpoints if e.name == args.cprofile)
            headers = dict(endpoint.headers)
            profiler = cProfile.Profile()
            profiler.enable()
            for index in range(args.requests):
                client.get(endpoint.paths[index % len(endpoint.paths)], headers=headers)
            profiler.disable()
            report = io.StringIO()
            stats = pstats.Stats(profiler, stream=report)
            stats.sort_stats("cumulative").print_stats(45)
            stats.sort_stats("tottime").print_stats(25)
            sys.stdout.write(report.getvalue())
    return costs


if __name__ == "__main__":
    main()
