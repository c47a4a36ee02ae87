"""Signed-out pages through a real Varnish (Debian's varnishd) running deploy/varnish/flywheel.vcl:
kept, purged by a BAN when a reply changes them, and a member's pages never kept.

Fails rather than skips without varnishd (apt-get install -y varnish), like the browser tests.
"""

import shutil
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from django.conf import settings as django_settings
from django.test import Client

from tests.factories import SpaceFactory, UserFactory, make_reply, make_topic

VCL = Path(__file__).resolve().parents[2] / "deploy" / "varnish" / "flywheel.vcl"

pytestmark = pytest.mark.django_db(transaction=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def varnish(live_server, tmp_path):
    varnishd = shutil.which("varnishd") or (
        "/usr/sbin/varnishd" if Path("/usr/sbin/varnishd").exists() else None
    )
    if varnishd is None:
        pytest.fail(
            "varnishd is not installed (apt-get install -y varnish): the caching-proxy test "
            "cannot run. It fails rather than skips so CI never passes without it.",
            pytrace=False,
        )
    backend_port = live_server.url.rsplit(":", 1)[1]

    vcl = tmp_path / "flywheel.vcl"
    vcl.write_text(VCL.read_text().replace('.port = "8000";', f'.port = "{backend_port}";'))
    port = _free_port()
    process = subprocess.Popen(
        [
            varnishd,
            "-F",
            "-j",
            "none",  # no privilege separation: it reads the VCL from this test's folder
            "-a",
            f"127.0.0.1:{port}",
            "-T",
            "none",
            "-n",
            str(tmp_path / "varnish"),
            "-f",
            str(vcl),
            "-s",
            "malloc,32m",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"{url}/healthz", timeout=2)
            break
        except httpx.HTTPError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                output = process.stdout.read().decode(errors="replace")
                pytest.fail(f"varnishd did not start:\n{output}", pytrace=False)
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def edge(settings, varnish):
    settings.FLYWHEEL_EDGE_CACHE_SECONDS = 300
    settings.FLYWHEEL_EDGE_PURGE_BACKEND = "varnish"
    settings.FLYWHEEL_EDGE_PURGE_URLS = [f"{varnish}/"]
    return varnish


def _get(url: str, **kwargs) -> httpx.Response:
    response = httpx.get(url, timeout=120, **kwargs)  # a busy CI machine
    assert response.status_code == 200, (url, response.status_code)
    return response


def test_signed_out_pages_are_kept_by_varnish_and_purged_when_a_reply_arrives(edge):
    space = SpaceFactory()
    topic = make_topic(space=space, title="Best quilt for the Tatras?")
    other = make_topic(space=SpaceFactory(), title="Gaiters or not?")
    topic_url = f"{edge}{topic.get_absolute_url()}"
    space_url = f"{edge}/s/{space.slug}/"
    other_url = f"{edge}{other.get_absolute_url()}"

    assert _get(topic_url).headers["X-Cache"] == "MISS"
    for url in (space_url, other_url):
        _get(url)
    cached = _get(topic_url)
    assert cached.headers["X-Cache"] == "HIT"
    assert _get(space_url).headers["X-Cache"] == "HIT"
    assert "Surrogate-Key" not in cached.headers  # for the proxy only

    make_reply(topic=topic, body="The Drift quilt kept me warm at -5.")

    fresh = _get(topic_url)
    assert fresh.headers["X-Cache"] == "MISS"
    assert "The Drift quilt kept me warm" in fresh.text
    assert _get(topic_url).headers["X-Cache"] == "HIT"
    assert _get(space_url).headers["X-Cache"] == "MISS"  # its topic list changed too
    assert _get(other_url).headers["X-Cache"] == "HIT"  # another space's topic: untouched


def test_a_signed_in_members_pages_never_come_from_varnish(edge):
    topic = make_topic(space=SpaceFactory(), title="Resoling boots")
    member = UserFactory()
    client = Client()
    client.force_login(member)
    session = {
        django_settings.SESSION_COOKIE_NAME: client.cookies[
            django_settings.SESSION_COOKIE_NAME
        ].value
    }
    url = f"{edge}{topic.get_absolute_url()}"
    _get(url)
    assert _get(url).headers["X-Cache"] == "HIT"  # the signed-out copy is cached

    for _attempt in range(2):
        page = _get(url, cookies=session)

        assert page.headers["X-Cache"] == "MISS"
        assert "private" in page.headers["Cache-Control"]
        assert "/accounts/logout/" in page.text or "Sign out" in page.text
    # and what the member saw was not stored for anyone else
    anonymous = _get(url)
    assert "Sign out" not in anonymous.text


def test_answers_without_a_shared_lifetime_are_never_kept(edge):
    """Search results, the API, the bare view: Varnish keeps only what says s-maxage."""
    for path in ("/bench/bare", "/api/v1/spaces", "/search/?q=tent"):
        for _attempt in range(2):
            assert _get(f"{edge}{path}").headers["X-Cache"] == "MISS", path
