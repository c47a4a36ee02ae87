"""Every write of the bridges app: which new topics leave for which channels.

The posting itself is core.outbound's: stored, sent after commit, retried with backoff,
held back as long as a platform's rate limit says, dead-lettered and replayable."""

from django.db import transaction
from django.utils import timezone

from flywheel.bridges import queries
from flywheel.bridges.models import Bridge
from flywheel.bridges.senders import KIND
from flywheel.community.models import Topic, TopicKind
from flywheel.core.outbound import enqueue_outbound


def _throttle_key(bridge: Bridge) -> str:
    return f"bridge:{bridge.pk}"


def bridge_new_topic(*, topic: Topic) -> int:
    """Queue a post about a new public topic to every bridge that carries it, once per
    bridge. Returns how many messages were queued now."""
    if not queries.is_public(topic):
        return 0
    reason = "announcement" if topic.kind == TopicKind.ANNOUNCEMENT else "topic"
    queued = 0
    with transaction.atomic():
        for bridge in queries.bridges_for_topic(topic):
            _message, created = enqueue_outbound(
                kind=KIND,
                payload={"bridge_id": bridge.pk, "topic_id": topic.pk, "reason": reason},
                dedupe_key=f"bridge:{bridge.pk}:topic:{topic.pk}",
                throttle_key=_throttle_key(bridge),
            )
            queued += created
    return queued


def send_test_post(*, bridge: Bridge) -> None:
    """A message that says the bridge works (the admin's "Send a test message")."""
    now = timezone.now()
    enqueue_outbound(
        kind=KIND,
        payload={"bridge_id": bridge.pk, "reason": "test"},
        dedupe_key=f"bridge:{bridge.pk}:test:{now.isoformat()}",
        throttle_key=_throttle_key(bridge),
    )
