"""Segments pushed to the outbound webhook through core.OutboundMessage: stored, signed,
retried with the core's backoff, held back by a 429, dead-lettered and replayed, against a
real HTTP server on 127.0.0.1."""

import datetime as dt
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from flywheel.analytics import services
from flywheel.analytics.models import PushStatus, SegmentPush
from flywheel.core import outbound
from flywheel.core.exceptions import Conflict, InvalidInput
from flywheel.core.models import DeliveryState, OutboundMessage
from flywheel.core.services import MAX_ATTEMPTS
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
                if status == 429:
                    self.send_header("Retry-After", "120")
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


def retry_due(moment) -> int:
    """What the core's sweep does every minute: send the messages whose wait is over."""
    due = outbound.claim_due_outbound(now=moment)
    for message_id in due:
        outbound.send_outbound(message_id=message_id)
    return len(due)


def test_a_push_is_an_outbound_message_of_its_own_kind(receiver, owner, at_risk_member):
    push = services.push_segment(name="at_risk", by=owner)
    message = OutboundMessage.objects.get()
    assert push.message == message
    assert message.kind == "analytics.segment_push" and message.payload == {"push_id": push.pk}
    assert "quiet@example.com" not in json.dumps(message.payload)  # the members stay on the push


def test_a_failed_delivery_is_retried_after_the_backoff_then_delivered(
    receiver, owner, at_risk_member, django_capture_on_commit_callbacks
):
    receiver.statuses = [500]
    with django_capture_on_commit_callbacks(execute=True):
        push = services.push_segment(name="at_risk", by=owner)
    push.refresh_from_db()
    assert push.status == PushStatus.PENDING and push.attempts == 1
    assert push.message.state == DeliveryState.FAILED
    assert "HTTP 500" in push.last_error

    # Not yet due: nothing is sent.
    assert retry_due(timezone.now()) == 0
    assert len(receiver.requests) == 1
    # After the backoff the sweep delivers it, with the same delivery id.
    assert retry_due(timezone.now() + dt.timedelta(minutes=10)) == 1
    push = SegmentPush.objects.select_related("message").get(pk=push.pk)
    assert push.status == PushStatus.DELIVERED and push.attempts == 2
    ids = {r["headers"]["X-Flywheel-Delivery"] for r in receiver.requests}
    assert ids == {f"segment-push-{push.pk}"}


def test_a_rate_limited_push_waits_as_the_receiver_says(
    receiver, owner, at_risk_member, django_capture_on_commit_callbacks
):
    receiver.statuses = [429]
    with django_capture_on_commit_callbacks(execute=True):
        push = services.push_segment(name="at_risk", by=owner)
    push = SegmentPush.objects.select_related("message").get(pk=push.pk)
    assert push.status == PushStatus.PENDING and push.attempts == 0  # not a failure
    assert push.message.next_attempt_at >= timezone.now() + dt.timedelta(seconds=100)
    assert outbound._held_until(services.SEGMENT_THROTTLE_KEY) is not None
    cache.delete(outbound._throttle_cache_key(services.SEGMENT_THROTTLE_KEY))  # 2 minutes on
    assert retry_due(timezone.now() + dt.timedelta(minutes=3)) == 1
    push.message.refresh_from_db()
    assert push.status == PushStatus.DELIVERED and len(receiver.requests) == 2


def test_after_the_last_attempt_the_push_is_a_dead_letter_and_can_be_resent(
    receiver, owner, at_risk_member, django_capture_on_commit_callbacks
):
    receiver.statuses = [503] * MAX_ATTEMPTS
    with django_capture_on_commit_callbacks(execute=True):
        push = services.push_segment(name="at_risk", by=owner)
    moment = timezone.now()
    for _ in range(MAX_ATTEMPTS - 1):
        moment += dt.timedelta(hours=2)
        retry_due(moment)
    push = SegmentPush.objects.select_related("message").get(pk=push.pk)
    assert push.status == PushStatus.DEAD and push.attempts == MAX_ATTEMPTS
    assert len(receiver.requests) == MAX_ATTEMPTS
    assert retry_due(moment + dt.timedelta(days=2)) == 0

    client = Client()
    client.force_login(owner)
    page = client.get(reverse("analytics:members")).content.decode()
    assert 'data-push-status="dead"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("analytics:segment_push_resend", args=[push.pk]))
    assert response.status_code == 302
    push = SegmentPush.objects.select_related("message").get(pk=push.pk)
    assert push.status == PushStatus.DELIVERED and len(receiver.requests) == MAX_ATTEMPTS + 1


def test_a_dead_push_is_replayed_by_the_core_like_any_outbound_message(
    receiver, owner, at_risk_member, django_capture_on_commit_callbacks
):
    push = services.push_segment(name="at_risk", by=owner)
    OutboundMessage.objects.filter(pk=push.message_id).update(state=DeliveryState.DEAD)
    with django_capture_on_commit_callbacks(execute=True):
        assert outbound.replay_outbound(OutboundMessage.objects.filter(state="dead")) == 1
    push = SegmentPush.objects.select_related("message").get(pk=push.pk)
    assert push.status == PushStatus.DELIVERED and len(receiver.requests) == 1


def test_an_unreachable_webhook_is_recorded_not_raised(settings, owner, at_risk_member):
    settings.FLYWHEEL_SEGMENT_WEBHOOK_URL = "http://127.0.0.1:9/nothing-listens-here"
    settings.FLYWHEEL_SEGMENT_WEBHOOK_SECRET = SECRET
    push = services.push_segment(name="at_risk", by=owner)
    outbound.send_outbound(message_id=push.message_id)
    push = SegmentPush.objects.select_related("message").get(pk=push.pk)
    assert push.status == PushStatus.PENDING and "ConnectError" in push.last_error


def test_a_webhook_gone_makes_the_push_dead_at_once(
    receiver, owner, at_risk_member, django_capture_on_commit_callbacks
):
    receiver.statuses = [410]
    with django_capture_on_commit_callbacks(execute=True):
        push = services.push_segment(name="at_risk", by=owner)
    push = SegmentPush.objects.select_related("message").get(pk=push.pk)
    assert push.status == PushStatus.DEAD and "HTTP 410" in push.last_error


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
