"""The embedded default (SQLite under the data folder, as `make run` serves it) under parallel
writers: members who reply or redeem at the same moment all succeed, none gets "database is
locked". A real server process on a real SQLite file, driven by real threads; the pytest
database plays no part, so this runs the same whatever DATABASE_URL the suite uses."""

import json
import os
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest

from tests import dbtemplate

# Both tests share one migrated server: keep them on one xdist worker (--dist loadgroup).
pytestmark = pytest.mark.xdist_group("sqlite_embedded_server")

WRITERS = 6

SETUP = """
import json
import django
django.setup()
from flywheel.accounts.models import User
from flywheel.accounts.services import create_access_token
from flywheel.community.models import Space, Visibility
from flywheel.community.services import create_topic
from flywheel.rewards.models import Perk, PerkKind
from flywheel.rewards.services import adjust_points

owner = User.objects.create_user(email="owner@example.com", password="x" * 20, role="owner")
space = Space.objects.create(name="Gear", slug="gear", visibility=Visibility.PUBLIC)
topic = create_topic(author=owner, space=space, title="Which tent?", body="Light, please.")
perk = Perk.objects.create(
    name="Trail notes", slug="trail-notes", kind=PerkKind.EXCLUSIVE_CONTENT,
    cost_points=10, stock=100, content="Secret trails.",
)
tokens = []
for number in range(%(writers)d):
    member = User.objects.create_user(
        email=f"writer{number}@example.com", password="x" * 20, handle=f"writer{number}"
    )
    adjust_points(member=member, points=50, reason="Welcome", by=owner)
    tokens.append(create_access_token(user=member, name="test")[1])
print(json.dumps({"topic": topic.pk, "perk": perk.pk, "tokens": tokens}))
"""

STORED = """
import json
import django
django.setup()
from flywheel.community.models import Post
from flywheel.rewards.models import Perk, PointsAccount, Redemption

print(json.dumps({
    "replies": sorted(Post.objects.filter(topic_id=%(topic)d, number__gt=1)
                      .values_list("body", flat=True)),
    "redemptions": Redemption.objects.filter(perk_id=%(perk)d).count(),
    "stock": Perk.objects.get(pk=%(perk)d).stock,
    "balances": sorted(PointsAccount.objects.filter(member__handle__startswith="writer")
                       .values_list("balance", flat=True)),
}))
"""


def _embedded_env(data_dir) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}
    env.pop("FLYWHEEL_TESTING", None)
    env.update(
        FLYWHEEL_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="flywheel.config.settings",
        DEBUG="1",
        PYTHONUNBUFFERED="1",
    )
    return env


def _python(code: str, env: dict) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def embedded_server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("embedded")
    env = _embedded_env(data_dir)
    # A copy of the suite's migrated template when there is one (tests/dbtemplate.py).
    dbtemplate.copy_sqlite_template(data_dir / "flywheel.sqlite3")
    migrate = subprocess.run(
        [sys.executable, "-m", "flywheel", "migrate", "--no-input", "-v0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert migrate.returncode == 0, migrate.stderr
    ids = json.loads(_python(SETUP % {"writers": WRITERS}, env))
    port = _free_port()
    log = open(data_dir / "server.log", "w")  # noqa: SIM115 - closed at teardown
    server = subprocess.Popen(
        [sys.executable, "-m", "flywheel", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(300):
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, (data_dir / "server.log").read_text()
            time.sleep(0.1)
        yield {"base": base, "env": env, **ids}
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _all_at_once(requests: list) -> list[httpx.Response]:
    """Send each (url, token, json) at the same moment, one thread each."""
    start = threading.Barrier(len(requests))
    responses: list = [None] * len(requests)

    def send(index: int, url: str, token: str, body: dict | None) -> None:
        with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
            start.wait()
            responses[index] = client.post(url, json=body)

    threads = [
        threading.Thread(target=send, args=(index, *request))
        for index, request in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def _stored(server) -> dict:
    return json.loads(_python(STORED % server, server["env"]))


def test_members_replying_at_the_same_moment_all_have_their_replies_stored(embedded_server):
    url = f"{embedded_server['base']}/api/v1/topics/{embedded_server['topic']}/replies"
    responses = _all_at_once(
        [
            (url, token, {"body": f"Reply number {number} from the trail."})
            for number, token in enumerate(embedded_server["tokens"])
        ]
    )

    assert [r.status_code for r in responses] == [201] * WRITERS, [r.text for r in responses]
    assert _stored(embedded_server)["replies"] == [
        f"Reply number {number} from the trail." for number in range(WRITERS)
    ]


def test_members_redeeming_a_perk_at_the_same_moment_all_get_it(embedded_server):
    url = f"{embedded_server['base']}/api/v1/rewards/perks/{embedded_server['perk']}/redeem"
    responses = _all_at_once([(url, token, None) for token in embedded_server["tokens"]])

    assert [r.status_code for r in responses] == [201] * WRITERS, [r.text for r in responses]
    stored = _stored(embedded_server)
    assert stored["redemptions"] == WRITERS
    assert stored["stock"] == 100 - WRITERS
    assert stored["balances"] == [40] * WRITERS
