"""Moderation data in a member's data export and account erasure (flywheel.privacy registry)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from flywheel.moderation import services
from flywheel.moderation.models import (
    ActionKind,
    Appeal,
    Flag,
    GuidelinesAcceptance,
    ModerationAction,
    ModerationNotice,
    ReviewItem,
    Sanction,
)
from flywheel.privacy.services import collect_member_data, erase_member
from tests.factories import make_reply, make_topic

pytestmark = pytest.mark.django_db


def _sanction_and_appeal(member, staff):
    sanction = services.issue_sanction(
        member=member,
        kind="silence",
        reason="Insults in the gear thread",
        by=staff,
        ends_at=timezone.now() + timedelta(days=2),
    )
    services.submit_appeal(
        sanction=sanction, member=member, text="I was quoting someone else, not insulting."
    )
    return sanction


def test_the_export_holds_my_flags_sanctions_appeals_notices_and_acceptances(
    member, other_member, staff
):
    reply = make_reply(topic=make_topic(author=other_member), author=other_member)
    services.raise_flag(flagger=member, target=reply, reason="other", text="Selling knock-offs")
    services.raise_flag(flagger=other_member, target=member, reason="harassment", text="Rude")
    _sanction_and_appeal(member, staff)
    services.publish_guidelines(body="Be kind.", by=staff)
    services.accept_guidelines(member=member)

    data = collect_member_data(member)[0]["moderation"]

    [flag] = data["flags_raised"]
    assert flag["details"] == "Selling knock-offs" and flag["target_id"] == reply.pk
    [sanction] = data["sanctions"]
    assert sanction["kind"] == "silence" and sanction["reason"] == "Insults in the gear thread"
    assert data["appeals"][0]["text"].startswith("I was quoting")
    assert data["notices"][0]["reason"] == "Insults in the gear thread"
    assert data["guidelines_accepted"][0]["version"] == 1
    # Who flagged me and which moderator acted are other people's data.
    assert "Rude" not in str(data)
    assert staff.handle not in str(data) and other_member.handle not in str(data)


def test_erasure_keeps_the_audit_log_and_sanctions_without_the_members_name(member, staff):
    member.display_name = "Anna Erased"
    member.save(update_fields=["display_name"])
    sanction = _sanction_and_appeal(member, staff)
    logged = ModerationAction.objects.get(action=ActionKind.SANCTION)
    assert logged.target_repr == "Anna Erased"

    erase_member(member, content="anonymise", reason="member request")

    logged.refresh_from_db()
    assert logged.target_repr == f"deleted-{member.pk}"
    assert logged.actor == staff  # the moderator's action stays theirs
    assert Sanction.objects.filter(pk=sanction.pk, member=member).exists()
    # Anonymise keeps what they wrote, without their identity.
    assert Appeal.objects.get().text.startswith("I was quoting")
    assert not ModerationNotice.objects.filter(recipient=member).exists()
    assert "Anna Erased" not in str(list(ModerationAction.objects.values()))


def test_erasure_with_delete_removes_flag_details_appeal_texts_and_audit_copies_of_posts(
    member, other_member, staff
):
    reply = make_reply(topic=make_topic(author=other_member), author=other_member)
    services.raise_flag(flagger=member, target=reply, reason="other", text="Selling knock-offs")
    mine = make_reply(topic=make_topic(author=other_member), author=member, body="Rude words")
    services.raise_flag(flagger=other_member, target=mine, reason="inappropriate")
    services.delete_content(
        item=ReviewItem.objects.get(post=mine), by=staff, reason="Breaks the rules"
    )
    _sanction_and_appeal(member, staff)
    deleted = ModerationAction.objects.get(action=ActionKind.DELETE)
    assert deleted.before["body"] == "Rude words"

    erase_member(member, content="delete", reason="member request")

    flag = Flag.objects.get(flagger=member)
    assert flag.text == "" and flag.reason == "other"  # the flag still counts, without words
    assert Appeal.objects.get().text == ""
    deleted.refresh_from_db()
    assert deleted.before["body"] == "" and deleted.before["post_id"] == mine.pk
    assert deleted.reason == "Breaks the rules"


def test_erasure_removes_guidelines_acceptances_and_a_moderators_ip_hashes(member, staff):
    services.publish_guidelines(body="Be kind.", by=staff)
    services.accept_guidelines(member=member)
    services.issue_sanction(
        member=member, kind="warning", reason="Be kind", by=staff, ip_hash="abc123"
    )

    erase_member(member, content="anonymise", reason="member request")
    erase_member(staff, content="anonymise", reason="moderator left")

    assert not GuidelinesAcceptance.objects.filter(member=member).exists()
    action = ModerationAction.objects.get(action=ActionKind.SANCTION)
    assert action.ip_hash == ""
    assert action.actor_id == staff.pk  # still a person's action, not "automatic"
