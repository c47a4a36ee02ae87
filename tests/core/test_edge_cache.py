"""Cache headers and surrogate keys for a CDN, and the purges sent when a page changes.

The CDN APIs are real local HTTP servers speaking Fastly's and Cloudflare's purge protocols;
tests/core/test_edge_cache_varnish.py runs the same pages through a real Varnish.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client
from django.urls import reverse

from flywheel.community import services
from flywheel.core import edge_cache
from tests.factories import SpaceFactory, UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def edge(settings):
    settings.FLYWHEEL_EDGE_CACHE_SECONDS = 120
    return settings


@pytest.fixture
def topic():
    return make_topic(space=SpaceFactory(), title="Which stove for winter?")


def test_a_signed_out_topic_page_may_be_kept_by_a_shared_cache_under_its_key(edge, topic):
    for attempt in ("rendered", "from the page cache"):
        response = Client().get(topic.get_absolute_url())

        assert response.status_code == 200, attempt
        control = response["Cache-Control"]
        assert "public" in control and "s-maxage=120" in control and "max-age=0" in control
        assert response["Surrogate-Key"] == f"topic-{topic.pk}"
        assert response["Cache-Tag"] == f"topic-{topic.pk}"
        # The same copy goes to everyone: no visitor's CSRF token or cookie in it.
        assert "csrftoken" not in response.cookies
        html = response.content.decode()
        assert 'name="csrfmiddlewaretoken" value=""' in html
        assert '"X-CSRFToken": ""' in html
        assert int(response.get("Content-Length", len(response.content))) == len(response.content)


def test_space_and_home_pages_carry_their_keys(edge, topic):
    space_page = Client().get(f"/s/{topic.space.slug}/")
    home = Client().get("/")

    assert space_page["Surrogate-Key"] == f"space-{topic.space_id}"
    assert "s-maxage=120" in space_page["Cache-Control"]
    assert home["Surrogate-Key"] == "home"


def test_a_signed_in_members_pages_are_private(edge, topic, member):
    client = Client()
    client.force_login(member)

    for url in (topic.get_absolute_url(), f"/s/{topic.space.slug}/", "/"):
        response = client.get(url)

        assert "private" in response["Cache-Control"], url
        assert "public" not in response["Cache-Control"], url
        assert "Surrogate-Key" not in response, url


def test_without_a_cache_lifetime_shared_caches_are_told_not_to_keep_pages(settings, topic):
    settings.FLYWHEEL_EDGE_CACHE_SECONDS = 0

    response = Client().get(topic.get_absolute_url())

    assert "no-cache" in response["Cache-Control"]
    assert response["Surrogate-Key"] == f"topic-{topic.pk}"
    # Not given to a proxy: the page keeps the visitor's own token.
    assert 'name="csrfmiddlewaretoken" value=""' not in response.content.decode()


def test_a_visitor_of_a_shared_page_fetches_a_token_and_can_switch_language(edge, topic):
    visitor = Client(enforce_csrf_checks=True)
    html = visitor.get(topic.get_absolute_url()).content.decode()
    assert 'name="csrfmiddlewaretoken" value=""' in html

    answer = visitor.get("/csrf-token")
    assert "no-store" in answer["Cache-Control"] or "no-cache" in answer["Cache-Control"]
    switched = visitor.post(
        reverse("accounts:set_language"),
        {
            "language": "it",
            "next": topic.get_absolute_url(),
            "csrfmiddlewaretoken": answer.json()["token"],
        },
    )

    assert switched.status_code == 302
    assert visitor.get(topic.get_absolute_url()).content.decode().count('lang="it"') >= 1


# Purges ----------------------------------------------------------------------------------------


class _Recorder(BaseHTTPRequestHandler):
    answer = (200, b"{}")

    def _record(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.server.received.append(
            {
                "method": self.command,
                "path": self.path,
                "headers": dict(self.headers),
                "body": self.rfile.read(length).decode() if length else "",
            }
        )
        status, body = self.server.answer
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_BAN = _record  # noqa: N815

    def log_message(self, *args):
        pass


@pytest.fixture
def api_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.received = []
    server.answer = (200, b'{"status": "ok", "success": true}')
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _keys_of(request) -> set[str]:
    return set(request["headers"]["Surrogate-Key"].split())


def test_a_reply_purges_its_topic_its_space_and_home_from_fastly(
    settings, api_server, topic, django_capture_on_commit_callbacks
):
    settings.FLYWHEEL_EDGE_PURGE_BACKEND = "fastly"
    settings.FLYWHEEL_EDGE_PURGE_API_URL = f"http://127.0.0.1:{api_server.server_port}"
    settings.FLYWHEEL_EDGE_PURGE_SERVICE = "SU1Z0isxPaozGVKXdv0eY"
    settings.FLYWHEEL_EDGE_PURGE_TOKEN = "fastly-token"

    with django_capture_on_commit_callbacks(execute=True):
        make_reply(topic=topic, body="The Ember stove works down to -10.")

    [purge] = api_server.received
    assert purge["method"] == "POST"
    assert purge["path"] == "/service/SU1Z0isxPaozGVKXdv0eY/purge"
    assert purge["headers"]["Fastly-Key"] == "fastly-token"
    assert _keys_of(purge) == {f"topic-{topic.pk}", f"space-{topic.space_id}", "home"}


def test_a_reaction_purges_through_cloudflare_cache_tags(
    settings, api_server, topic, member, django_capture_on_commit_callbacks
):
    settings.FLYWHEEL_EDGE_PURGE_BACKEND = "cloudflare"
    settings.FLYWHEEL_EDGE_PURGE_API_URL = f"http://127.0.0.1:{api_server.server_port}"
    settings.FLYWHEEL_EDGE_PURGE_SERVICE = "zone123"
    settings.FLYWHEEL_EDGE_PURGE_TOKEN = "cf-token"
    post = topic.posts.get(number=1)

    with django_capture_on_commit_callbacks(execute=True):
        services.toggle_reaction(post=post, member=member, kind="like")

    [purge] = api_server.received
    assert purge["path"] == "/client/v4/zones/zone123/purge_cache"
    assert purge["headers"]["Authorization"] == "Bearer cf-token"
    assert set(json.loads(purge["body"])["tags"]) == {
        f"topic-{topic.pk}",
        f"space-{topic.space_id}",
        "home",
    }


def test_a_new_topic_purges_its_space_and_home(
    settings, api_server, django_capture_on_commit_callbacks
):
    settings.FLYWHEEL_EDGE_PURGE_BACKEND = "varnish"
    settings.FLYWHEEL_EDGE_PURGE_URLS = [f"http://127.0.0.1:{api_server.server_port}/"]
    space = SpaceFactory()

    with django_capture_on_commit_callbacks(execute=True):
        topic = make_topic(space=space)

    [purge] = api_server.received
    assert purge["method"] == "BAN"
    assert _keys_of(purge) == {f"topic-{topic.pk}", f"space-{space.pk}", "home"}


def test_nothing_is_purged_when_the_transaction_rolls_back(
    settings, api_server, topic, django_capture_on_commit_callbacks
):
    from django.db import transaction

    settings.FLYWHEEL_EDGE_PURGE_BACKEND = "varnish"
    settings.FLYWHEEL_EDGE_PURGE_URLS = [f"http://127.0.0.1:{api_server.server_port}/"]

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            make_reply(topic=topic)
            raise RuntimeError("the request failed after the reply")

    assert api_server.received == []


def test_a_cdn_that_refuses_the_purge_is_an_error_the_task_retries(settings, api_server):
    settings.FLYWHEEL_EDGE_PURGE_BACKEND = "fastly"
    settings.FLYWHEEL_EDGE_PURGE_API_URL = f"http://127.0.0.1:{api_server.server_port}"
    api_server.answer = (503, b'{"msg": "try later"}')

    with pytest.raises(edge_cache.PurgeFailed, match="503"):
        edge_cache.purge(["topic-1"])


def test_with_no_purge_backend_writes_send_nothing(settings, api_server, topic, member):
    settings.FLYWHEEL_EDGE_PURGE_BACKEND = "none"
    settings.FLYWHEEL_EDGE_PURGE_URLS = [f"http://127.0.0.1:{api_server.server_port}/"]

    make_reply(topic=topic, author=UserFactory())

    assert api_server.received == []
