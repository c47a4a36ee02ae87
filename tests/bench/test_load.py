"""The load harness's parsing and reporting (no load is generated here, no timings asserted)."""

from pathlib import Path

import pytest

from bench import load

WRK_OUTPUT = """\
Running 15s test @ http://127.0.0.1:8742
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    41.20ms   12.01ms 190.33ms   71.55%
    Req/Sec    97.41     14.22   140.00     68.00%
  2911 requests in 15.02s, 235.66MB read
  Non-2xx or 3xx responses: 3
Requests/sec:    193.81
Transfer/sec:     15.69MB
FLYWHEEL_RESULT {"requests": 2911, "duration_us": 15020000, "bytes": 247108000, \
"errors_connect": 0, "errors_read": 1, "errors_write": 0, "errors_status": 3, \
"errors_timeout": 2, "latency_mean_us": 41203.5, "latency_p50_us": 39000, \
"latency_p95_us": 64500, "latency_p99_us": 90100, "latency_max_us": 190330}
"""


def test_wrk_output_gives_rate_percentiles_and_failures():
    parsed = load.parse_wrk_output(WRK_OUTPUT)

    assert parsed["requests"] == 2911
    assert parsed["requests_per_s"] == pytest.approx(193.81, rel=1e-3)
    assert parsed["wrk_requests_per_s"] == 193.81
    assert parsed["latency_p50_ms"] == 39.0
    assert parsed["latency_p95_ms"] == 64.5
    assert parsed["latency_p99_ms"] == 90.1
    assert parsed["non_2xx"] == 3
    assert parsed["socket_errors"] == 3
    assert parsed["bytes_per_response"] == 84887


def test_wrk_output_without_the_script_result_is_an_error():
    plain = WRK_OUTPUT.split("FLYWHEEL_RESULT")[0]

    with pytest.raises(ValueError, match="no result line"):
        load.parse_wrk_output(plain)


def test_wrk_script_cycles_through_every_path_and_prints_percentiles():
    script = load.wrk_script(["/s/hiking/", "/t/a-topic/7/"])

    assert 'local paths = {"/s/hiking/", "/t/a-topic/7/"}' in script
    assert "latency:percentile(95)" in script
    assert load.RESULT_MARKER in script


@pytest.mark.parametrize("path", ["", "http://example.com/", '/a"b', "/a\nb"])
def test_wrk_script_refuses_anything_but_plain_local_paths(path):
    with pytest.raises(ValueError):
        load.wrk_script([path])


def test_load_runs_only_against_localhost(tmp_path: Path):
    endpoint = load.Endpoint("bare", "Bare", ("/bench/bare",))

    with pytest.raises(ValueError, match="127.0.0.1"):
        load.run_wrk(
            "http://example.com:80",
            endpoint,
            duration_s=1,
            connections=1,
            threads=1,
            work_dir=tmp_path,
        )


def _result(name: str, label: str, *, requests_per_s: float) -> load.LoadResult:
    return load.LoadResult(
        name=name,
        label=label,
        paths=1,
        requests=int(requests_per_s * 15),
        duration_s=15.0,
        requests_per_s=requests_per_s,
        latency_p50_ms=39.0,
        latency_p95_ms=64.5,
        latency_p99_ms=90.1,
        latency_mean_ms=41.2,
        latency_max_ms=190.3,
        socket_errors=0,
        non_2xx=3,
        bytes_per_response=84_887,
    )


def test_markdown_table_shows_each_endpoint_against_the_baseline():
    results = [
        _result("bare", "Bare Django view", requests_per_s=1_000.0),
        _result("topic", "Topic page", requests_per_s=350.0),
    ]

    table = load.markdown_table(results, baseline=1_000.0)

    assert table.splitlines()[0].startswith("| Endpoint | Paths | Requests/s |")
    assert "| Bare Django view | 1 | 1,000 | 39.0 | 64.5 | 90.1 | 100% | 3 |" in table
    assert "| Topic page | 1 | 350 | 39.0 | 64.5 | 90.1 | 35% | 3 |" in table


@pytest.mark.django_db
def test_the_benchmark_baseline_endpoint_is_not_in_the_production_url_conf(client):
    # Only bench/webhook_settings.py mounts /bench/store-body (bench/webhook_urls.py).
    from django.urls import get_resolver

    routes = {str(pattern.pattern) for pattern in get_resolver().url_patterns}
    assert "bench/store-body" not in routes
    assert (
        client.post("/bench/store-body", data="{}", content_type="application/json").status_code
        == 404
    )


def test_the_bench_settings_mount_the_baseline_endpoint():
    from django.urls import get_resolver

    routes = {str(pattern.pattern) for pattern in get_resolver("bench.webhook_urls").url_patterns}
    assert "bench/store-body" in routes
