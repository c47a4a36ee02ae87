"""Segments pushed to the outbound webhook: signed, retried with backoff, dead-lettered,
against a real HTTP server on 127.0.0.1."""

import datetime as dt
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from flywheel.analytics import services
from flywheel.analytics.models import PushStatus, SegmentPush
from flywheel.core.exceptions import Conflict, InvalidInput
from flywheel.privacy.registry import erasers
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SECRET = "whsec-test"


class Receiver:
    """A webhook receiver: records each request and answers with the next queued status."""

    def __init__(self):
        self.requests: list[dict] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else b"try later")

            def log_message(self, *args):
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/segments"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    server = Receiver()
    settings.FLYWHEEL_SEGMENT_WEBHOOK_URL = server.url
    settings.FLYWHEEL_SEGMENT_WEBHOOK_SECRET = SECRET
    settings.FLYWHEEL_SEGMENT_WEBHOOK_MAX_ATTEMPTS = 3
    yield server
    server.stop()


@pytest.fixture
def owner(db):
    return UserFactory(role="owner")


@pytest.fixture
def at_risk_member(db):
    """One member in the at-risk segment: active 10 days ago, silent since."""
    from flywheel.core.models import Verb
    from flywheel.core.services import record_activity

    member = UserFactory(
        email="quiet@example.com",
        display_name="Quinn Quiet",
        date_joined=timezone.now() - dt.timedelta(days=60),
    )
    record_activity(actor=member, verb=Verb.FOLLOWED, at=timezone.now() - dt.timedelta(days=10))
    services.update_rollups()
    return member


def test_a_pushed_segment_arrives_signed_with_its_members(
    receiver, owner, at_risk_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        push = services.push_segment(name="at_risk", by=owner)

    push.refresh_from_db()
    assert push.status == PushStatus.DELIVERED and push.attempts == 1
    [request] = receiver.requests
    headers, body = request["headers"], request["body"]
    expected = hmac.new(
        SECRET.encode(), f"{headers['X-Flywheel-Timestamp']}.".encode() + body, hashlib.sha256
    ).hexdigest()
    assert headers["X-Flywheel-Signature"] == f"sha256={expected}"
    assert headers["X-Flywheel-Delivery"] == f"segment-push-{push.pk}"
    payload = json.loads(body)
    assert payload["segment"] == "at_risk" and payload["count"] == 1
    assert payload["members"][0]["email"] == "quiet@example.com"
    assert payload["members"][0]["first_name"] == "Quinn"


def test_a_failed_delivery_is_retried_after_the_backoff_then_delivered(
    receiver, owner, at_risk_member, django_capture_on_commit_callbacks
):
    receiver.statuses = [500]
    with django_capture_on_commit_callbacks(execute=True):
        push = services.push_segment(name="at_risk", by=owner)
    push.refresh_from_db()
    assert push.status == PushStatus.PENDING and push.attempts == 1
    assert push.last_error.startswith("HTTP 500")

    # Not yet due: nothing is sent.
    assert services.retry_segment_pushes() == 0
    assert len(receiver.requests) == 1
    # After the first backoff (one minute) the sweep delivers it, with the same delivery id.
    later = timezone.now() + dt.timedelta(minutes=2)
    assert services.retry_segment_pushes(now=later) == 1
    push.refresh_from_db()
    assert push.status == PushStatus.DELIVERED and push.attempts == 2
    ids = {r["headers"]["X-Flywheel-Delivery"] for r in receiver.requests}
    assert ids == {f"segment-push-{push.pk}"}


def test_after_the_last_attempt_the_push_is_a_dead_letter_and_can_be_resent(
    receiver, owner, at_risk_member, django_capture_on_commit_callbacks
):
    receiver.statuses = [503, 503, 503]
    with django_capture_on_commit_callbacks(execute=True):
        push = services.push_segment(name="at_risk", by=owner)
    moment = timezone.now()
    for _ in range(3):
        moment += dt.timedelta(hours=13)
        services.retry_segment_pushes(now=moment)
    push.refresh_from_db()
    assert push.status == PushStatus.DEAD and push.attempts == 3
    assert len(receiver.requests) == 3
    assert services.retry_segment_pushes(now=moment + dt.timedelta(days=2)) == 0

    client = Client()
    client.force_login(owner)
    page = client.get(reverse("analytics:members")).content.decode()
    assert 'data-push-status="dead"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("analytics:segment_push_resend", args=[push.pk]))
    assert response.status_code == 302
    push.refresh_from_db()
    assert push.status == PushStatus.DELIVERED and len(receiver.requests) == 4


def test_an_unreachable_webhook_is_recorded_not_raised(settings, owner, at_risk_member):
    settings.FLYWHEEL_SEGMENT_WEBHOOK_URL = "http://127.0.0.1:9/nothing-listens-here"
    settings.FLYWHEEL_SEGMENT_WEBHOOK_SECRET = SECRET
    push = services.push_segment(name="at_risk", by=owner)
    push = services.deliver_segment_push(push.pk)
    assert push.status == PushStatus.PENDING and push.last_error


def test_owners_push_from_the_console(
    receiver, owner, at_risk_member, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(owner)
    assert "Push to webhook" in client.get(reverse("analytics:members")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("analytics:segment_push", args=["at_risk"]))
    assert response.status_code == 302
    assert SegmentPush.objects.get().status == PushStatus.DELIVERED


def test_moderators_and_members_cannot_push(receiver, at_risk_member):
    client = Client()
    for role in ("moderator", "member"):
        client.force_login(UserFactory(role=role))
        assert client.post(reverse("analytics:segment_push", args=["at_risk"])).status_code == 403
    assert not SegmentPush.objects.exists() and not receiver.requests


def test_a_push_without_a_configured_webhook_or_to_an_unknown_segment_is_refused(owner):
    with pytest.raises(Conflict):
        services.push_segment(name="at_risk", by=owner)
    with pytest.raises(InvalidInput) as refused:
        services.push_segment(name="nobody", by=owner)
    assert refused.value.field == "segment"


def test_an_erased_member_leaves_the_pushed_payloads(receiver, owner, at_risk_member):
    push = services.push_segment(name="at_risk", by=owner)
    erasers()["analytics"](at_risk_member, content="delete")
    push.refresh_from_db()
    assert push.payload["members"] == [] and push.payload["count"] == 0
