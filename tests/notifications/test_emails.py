import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from flywheel.community import services as community
from flywheel.community.models import SpaceAccessGrant, Visibility
from flywheel.notifications import tasks
from flywheel.notifications.emails import send_mention_emails, send_weekly_digests
from flywheel.notifications.models import Notification, NotificationKind
from tests.factories import ModeratorFactory, SpaceFactory, UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db

FAILING_BACKEND = "tests.notifications.failing_mail.UnreachableEmailBackend"


def mention(committed, *, recipient, author=None, topic=None):
    author = author or UserFactory()
    topic = topic or make_topic(author=author)
    return committed(
        lambda: make_reply(
            topic=topic, author=author, body=f"What do you think, @{recipient.handle}?"
        )
    )


def test_a_mention_sends_one_email_with_a_link_to_the_post(committed, member, settings):
    settings.SITE_URL = "https://community.example"
    reply = mention(committed, recipient=member)
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert reply.topic.title in message.subject
    url = f"https://community.example{reply.topic.get_absolute_url()}#post-{reply.number}"
    assert url in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and url in html
    assert Notification.objects.get(recipient=member).emailed_at is not None


def test_a_retried_mention_email_is_not_sent_twice(committed, member):
    mention(committed, recipient=member)
    notification = Notification.objects.get(recipient=member)
    assert send_mention_emails([notification.pk]) == 0
    assert tasks.send_mention_emails.delay([notification.pk]).get() == 0
    assert len(mail.outbox) == 1


def test_members_who_turned_mention_emails_off_get_none(committed, member):
    member.mention_emails_enabled = False
    member.save(update_fields=["mention_emails_enabled"])
    mention(committed, recipient=member)
    assert mail.outbox == []
    notification = Notification.objects.get(recipient=member)
    assert notification.kind == NotificationKind.MENTION and notification.emailed_at is None


def test_the_mention_email_is_in_the_members_language(committed):
    italian = UserFactory(language="it")
    mention(committed, recipient=italian)
    html, _mimetype = mail.outbox[0].alternatives[0]
    assert '<html lang="it">' in html


def test_a_mail_outage_neither_breaks_posting_nor_loses_the_mention_email(
    committed, member, settings
):
    settings.EMAIL_BACKEND = FAILING_BACKEND
    reply = mention(committed, recipient=member)  # the task failed and asked for a retry
    assert reply.pk
    notification = Notification.objects.get(recipient=member)
    assert notification.emailed_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_mention_emails([notification.pk]) == 1
    assert len(mail.outbox) == 1


# The weekly digest ------------------------------------------------------------------


@pytest.fixture
def reader(db):
    """A member in a public space that someone else just posted in."""
    member = UserFactory()
    space = SpaceFactory(name="Trail running")
    community.join_space(member=member, space=space)
    make_topic(space=space, title="Best shoes for mud")
    return member


def test_the_digest_lists_new_topics_in_joined_spaces_and_the_unread_count(reader):
    Notification.objects.create(
        recipient=reader,
        kind=NotificationKind.NEW_FOLLOWER,
        actor=UserFactory(),
        created_at=timezone.now(),
    )
    make_topic(title="Somewhere else entirely")  # a space the reader is not in
    assert send_weekly_digests() == 1
    (message,) = mail.outbox
    assert message.to == [reader.email]
    assert "Best shoes for mud" in message.body and "Trail running" in message.body
    assert "Somewhere else entirely" not in message.body
    assert "1 unread notification" in message.body
    html, _mimetype = message.alternatives[0]
    assert "Best shoes for mud" in html
    reader.refresh_from_db()
    assert reader.last_digest_at is not None


def test_the_digest_is_sent_once_a_week_however_often_it_runs(reader):
    assert send_weekly_digests(handle=reader.handle) == 1
    make_topic(space=reader.space_memberships.get().space, title="Another new one")
    assert send_weekly_digests(handle=reader.handle) == 0
    next_week = timezone.now() + timedelta(days=7)
    assert send_weekly_digests(handle=reader.handle, now=next_week) == 1
    assert len(mail.outbox) == 2
    assert "Another new one" in mail.outbox[1].body
    assert "Best shoes for mud" not in mail.outbox[1].body


def test_the_next_digest_only_has_what_is_new_since_the_last(reader):
    send_weekly_digests()
    later = timezone.now() + timedelta(days=7)
    assert send_weekly_digests(now=later) == 0  # nothing new: no e-mail
    assert len(mail.outbox) == 1


def test_members_with_the_digest_off_get_none(reader):
    reader.digest_enabled = False
    reader.save(update_fields=["digest_enabled"])
    assert send_weekly_digests() == 0
    assert mail.outbox == []


def test_the_digest_leaves_out_spaces_the_member_can_no_longer_see(db):
    member = UserFactory()
    gated = SpaceFactory(visibility=Visibility.GATED)
    grant = SpaceAccessGrant.objects.create(space=gated, member=member)
    community.join_space(member=member, space=gated)
    grant.delete()
    make_topic(author=ModeratorFactory(), space=gated, title="Owners only news")
    assert send_weekly_digests() == 0
    assert mail.outbox == []


def test_the_digest_is_written_in_the_members_language(reader):
    reader.language = "it"
    reader.save(update_fields=["language"])
    send_weekly_digests()
    html, _mimetype = mail.outbox[0].alternatives[0]
    assert '<html lang="it">' in html


def test_the_weekly_task_sends_the_digests(reader):
    assert tasks.send_weekly_digests.delay().get() == 1
    assert len(mail.outbox) == 1


def test_a_failed_digest_is_tried_again_next_run(reader, settings):
    settings.EMAIL_BACKEND = FAILING_BACKEND
    assert send_weekly_digests() == 0
    reader.refresh_from_db()
    assert reader.last_digest_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_weekly_digests() == 1


def test_the_command_dry_run_reports_and_sends_nothing(reader):
    out = io.StringIO()
    call_command("send_digest", "--dry-run", stdout=out)
    assert f"@{reader.handle}: would send (1 new topics, 0 unread)" in out.getvalue()
    assert "Would send 1 digest(s)." in out.getvalue()
    assert mail.outbox == []
    reader.refresh_from_db()
    assert reader.last_digest_at is None


def test_the_command_can_send_to_one_member(reader):
    other = UserFactory()
    community.join_space(member=other, space=reader.space_memberships.get().space)
    out = io.StringIO()
    call_command("send_digest", "--member", reader.handle, stdout=out)
    assert [message.to for message in mail.outbox] == [[reader.email]]
    assert f"@{reader.handle}: sent" in out.getvalue()


def test_the_command_refuses_an_unknown_member(db):
    with pytest.raises(CommandError, match="nobody"):
        call_command("send_digest", "--member", "nobody", stdout=io.StringIO())
