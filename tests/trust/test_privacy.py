"""Trust data in a member's data export and account erasure (flywheel.privacy registry)."""

import pytest
from django.utils import timezone

from flywheel.privacy.services import collect_member_data, erase_member
from flywheel.trust import services
from flywheel.trust.models import MemberTrust, MemberVisit, TopicRead, TrustLevelChange
from tests.factories import AdminFactory, make_topic

pytestmark = pytest.mark.django_db


def _with_trust_data(member, other_member):
    topic = make_topic(author=other_member)
    services.record_visit(member_id=member.pk, on=timezone.now().date())
    services.record_topic_read(member=member, topic=topic, posts=topic.posts.all())
    services.set_locked_level(member=member, level=2, by=AdminFactory())
    return topic


def test_the_export_holds_my_level_history_visits_and_reads(member, other_member):
    topic = _with_trust_data(member, other_member)

    data = collect_member_data(member)[0]["trust"]

    assert data["locked_level"] == 2
    assert [(row["from_level"], row["to_level"]) for row in data["level_history"]] == [(0, 2)]
    assert data["visits"] == [timezone.now().date().isoformat()]
    assert [(row["topic_id"], row["last_post_number"]) for row in data["topics_read"]] == [
        (topic.pk, 1)
    ]
    assert collect_member_data(other_member)[0]["trust"]["visits"] == []


def test_erasure_deletes_visits_reads_level_and_history_but_not_other_members(member, other_member):
    _with_trust_data(member, other_member)
    _with_trust_data(other_member, member)

    erase_member(member, content="anonymise", reason="member request")

    for model in (MemberVisit, TopicRead, TrustLevelChange, MemberTrust):
        assert not model.objects.filter(member=member).exists(), model
        assert model.objects.filter(member=other_member).exists(), model
