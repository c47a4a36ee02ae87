"""New topics and announcements reach Discord, Slack and Telegram, once, in each platform's
documented shape, and only what a signed-out visitor could read."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from flywheel.bridges.models import Bridge, Platform
from flywheel.community.models import TopicKind, Visibility
from flywheel.core import outbound
from flywheel.core.models import DeliveryState, OutboundMessage
from flywheel.core.services import MAX_ATTEMPTS, deliver_one
from tests.factories import SpaceFactory

pytestmark = pytest.mark.django_db


def test_a_new_topic_in_a_bridged_space_reaches_all_three_platforms(
    bridges, space, fake, post_topic
):
    topic = post_topic(
        space=space, title="Best shoes for muddy trails?", body="I keep **slipping**."
    )

    assert {request.platform for request in fake.received} == {"discord", "slack", "telegram"}
    url = f"https://community.northtrail.example{topic.get_absolute_url()}"

    (discord,) = fake.to("discord")
    assert discord.query == {"wait": "true"}
    embed = discord.body["embeds"][0]
    assert embed["title"] == "Best shoes for muddy trails?"
    assert embed["url"] == url
    assert embed["description"] == "I keep slipping."
    assert discord.body["content"] == "New topic in Trail running"
    assert discord.body["allowed_mentions"] == {"parse": []}
    assert discord.body["username"] == "Northtrail Outfitters"

    (slack,) = fake.to("slack")
    assert slack.body["text"] == f"New topic in Trail running: <{url}|Best shoes for muddy trails?>"
    assert slack.body["blocks"][0]["text"] == {
        "type": "mrkdwn",
        "text": f"*<{url}|Best shoes for muddy trails?>*",
    }

    (telegram,) = fake.to("telegram")
    assert telegram.body["chat_id"] == "@northtrail"
    assert telegram.body["parse_mode"] == "HTML"
    assert f'<a href="{url}">Best shoes for muddy trails?</a>' in telegram.body["text"]
    assert "Giulia · Trail running" in telegram.body["text"]
    assert set(OutboundMessage.objects.values_list("state", flat=True)) == {DeliveryState.DELIVERED}


def test_members_text_cannot_inject_markup_or_pings(bridges, space, fake, post_topic):
    post_topic(space=space, title="@everyone <b>free</b> & <!channel>", body="<script>x</script>")

    (slack,) = fake.to("slack")
    assert "&lt;!channel&gt;" in slack.body["text"]
    assert "<!channel>" not in slack.body["text"]
    (telegram,) = fake.to("telegram")
    assert "&lt;b&gt;free&lt;/b&gt; &amp;" in telegram.body["text"]
    (discord,) = fake.to("discord")
    assert discord.body["allowed_mentions"] == {"parse": []}


def test_running_the_consumer_again_posts_nothing_twice(bridges, space, fake, post_topic):
    topic = post_topic(space=space)
    activity_delivery = topic.posts.get(number=1)  # the topic exists; replay its activity
    from flywheel.core.models import Activity, ActivityDelivery

    activity = Activity.objects.get(verb="topic_created", target_id=topic.pk)
    delivery = ActivityDelivery.objects.get(
        activity=activity, consumer="flywheel.bridges.consumers.bridge_new_topic"
    )
    ActivityDelivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.FAILED)
    deliver_one(delivery_id=delivery.pk)

    assert activity_delivery is not None
    assert len(fake.received) == 3
    assert OutboundMessage.objects.count() == 3


def test_a_topic_in_a_members_only_space_stays_home(bridges, fake, post_topic):
    private = SpaceFactory(visibility=Visibility.MEMBERS)
    for bridge in bridges.values():
        bridge.spaces.add(private)

    post_topic(space=private)

    assert fake.received == []
    assert not OutboundMessage.objects.exists()


def test_a_topic_in_a_space_no_bridge_carries_stays_home(bridges, fake, post_topic):
    post_topic(space=SpaceFactory())

    assert fake.received == []


def test_announcements_anywhere_public_go_to_bridges_that_carry_them(
    bridges, fake, post_topic, moderator
):
    Bridge.objects.filter(pk=bridges["slack"].pk).update(post_announcements=False)

    post_topic(
        space=SpaceFactory(name="News"),
        author=moderator,
        kind=TopicKind.ANNOUNCEMENT,
        title="Spring sale for members",
    )

    assert {request.platform for request in fake.received} == {"discord", "telegram"}
    assert fake.to("discord")[0].body["content"] == "Announcement in News"


def test_a_topic_hidden_before_sending_is_not_sent(bridges, space, fake, queue_topic):
    topic = queue_topic(space=space)
    messages = list(OutboundMessage.objects.all())
    assert len(messages) == 3
    topic.deleted_at = timezone.now()
    topic.save(update_fields=["deleted_at"])

    for message in messages:
        outbound.send_outbound(message_id=message.pk)

    assert fake.received == []
    assert set(OutboundMessage.objects.values_list("state", flat=True)) == {DeliveryState.DEAD}
    assert "no longer public" in OutboundMessage.objects.first().last_error


@pytest.mark.parametrize(
    ("platform", "retry_after"), [("discord", 2.5), ("slack", 4), ("telegram", 7)]
)
def test_a_rate_limit_answer_waits_as_long_as_the_platform_asks_and_holds_back_the_rest(
    bridges, space, fake, queue_topic, platform, retry_after, monkeypatch
):
    for other in set(bridges) - {platform}:
        bridges[other].delete()
    queue_topic(space=space, title="First")
    queue_topic(space=space, title="Second")
    first, second = OutboundMessage.objects.order_by("pk")
    fake.answer(platform, 429, retry_after=retry_after)
    before = timezone.now()

    outbound.send_outbound(message_id=first.pk)
    after = timezone.now()
    outbound.send_outbound(message_id=second.pk)  # its own first dispatch, right after

    first.refresh_from_db()
    second.refresh_from_db()
    assert len(fake.to(platform)) == 1  # the second was held back, not sent into the limit
    assert first.state == DeliveryState.FAILED
    assert first.attempts == 0  # a rate limit is not a failure towards the dead letter
    expected = timedelta(seconds=retry_after)
    assert before + expected <= first.next_attempt_at <= after + expected
    assert second.next_attempt_at == first.next_attempt_at
    assert second.attempts == 0

    assert outbound.claim_due_outbound(now=before) == []
    later = first.next_attempt_at + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    due = outbound.claim_due_outbound()
    assert sorted(due) == [first.pk, second.pk]
    for message_id in due:
        outbound.send_outbound(message_id=message_id)
    assert set(OutboundMessage.objects.values_list("state", flat=True)) == {DeliveryState.DELIVERED}
    titles = [request.body for request in fake.to(platform)]
    assert len(titles) == 3  # the refused first try, then both


def test_a_deleted_webhook_is_a_dead_letter_at_once_and_replays_once_fixed(
    bridges, space, fake, post_topic, django_capture_on_commit_callbacks
):
    bridges["slack"].delete()
    bridges["telegram"].delete()
    fake.answer("discord", 404)

    post_topic(space=space)

    message = OutboundMessage.objects.get()
    assert message.state == DeliveryState.DEAD
    assert message.attempts == 1
    assert "Unknown Webhook" in message.last_error

    with django_capture_on_commit_callbacks(execute=True):
        call_command("outbound", "replay", "--dead")

    message.refresh_from_db()
    assert message.state == DeliveryState.DELIVERED
    assert len(fake.to("discord")) == 2


def test_server_errors_back_off_then_die_after_the_last_attempt(
    bridges, space, fake, post_topic, settings
):
    bridges["discord"].delete()
    bridges["slack"].delete()
    fake.answer("telegram", 502, times=MAX_ATTEMPTS)

    post_topic(space=space)

    message = OutboundMessage.objects.get()
    assert message.state == DeliveryState.FAILED
    assert message.attempts == 1
    for _attempt in range(MAX_ATTEMPTS - 1):
        outbound.send_outbound(message_id=message.pk)
    message.refresh_from_db()
    assert message.state == DeliveryState.DEAD
    assert message.attempts == MAX_ATTEMPTS


def test_stored_errors_never_hold_the_webhook_address_or_the_bot_token(
    bridges, space, fake, post_topic, settings
):
    from tests.bridges.fake_platforms import TELEGRAM_TOKEN

    fake.server.shutdown()  # nobody answers: connection errors
    fake.server.server_close()

    post_topic(space=space)

    errors = " ".join(OutboundMessage.objects.values_list("last_error", flat=True))
    assert "could not be reached" in errors
    assert "slackwebhooksecret" not in errors
    assert "webhook-token" not in errors
    assert TELEGRAM_TOKEN not in errors


def test_a_bridge_switched_off_sends_nothing_it_had_queued(bridges, space, fake, queue_topic):
    queue_topic(space=space)
    Bridge.objects.update(is_active=False)

    for message in OutboundMessage.objects.all():
        outbound.send_outbound(message_id=message.pk)

    assert fake.received == []
    assert set(OutboundMessage.objects.values_list("state", flat=True)) == {DeliveryState.DEAD}


@pytest.mark.parametrize(
    ("platform", "fields", "bad_field"),
    [
        ("discord", {"webhook_url": "http://169.254.169.254/latest/meta-data"}, "webhook_url"),
        ("discord", {"webhook_url": "https://evil.example/api/webhooks/1/x"}, "webhook_url"),
        ("slack", {"webhook_url": "https://discord.com/api/webhooks/1/x"}, "webhook_url"),
        ("telegram", {"bot_token": "not-a-token", "chat_id": "@northtrail"}, "bot_token"),
        ("telegram", {"bot_token": "1:" + "a" * 30, "chat_id": "north trail"}, "chat_id"),
    ],
)
def test_a_bridge_accepts_only_its_platforms_own_addresses(platform, fields, bad_field):
    from django.core.exceptions import ValidationError

    bridge = Bridge(name="x", platform=platform, **fields)
    with pytest.raises(ValidationError) as error:
        bridge.full_clean()
    assert bad_field in error.value.message_dict


def test_the_real_platform_addresses_are_accepted():
    Bridge(
        name="x", platform=Platform.DISCORD, webhook_url="https://discord.com/api/webhooks/1/a-b"
    ).full_clean()
    Bridge(
        name="x", platform=Platform.SLACK, webhook_url="https://hooks.slack.com/services/T/B/x"
    ).full_clean()
