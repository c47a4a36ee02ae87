"""Activity deliveries: one row per (activity, consumer), each attempted on its own,
retried with backoff by the sweep, dead-lettered with its error, and replayed.

These run the embedded default (no broker: deliveries are made in-process after commit).
The consumers here are the real ones plus two test consumers in this module: `flaky`
fails its first two attempts for an activity, `broken` always fails. Both write a Group
row before failing, so a failed attempt's half-done work must be rolled back for the
effect to appear exactly once."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from flywheel.core import services
from flywheel.core.models import Activity, ActivityDelivery, DeliveryState, Verb
from flywheel.notifications.models import Notification
from tests.factories import AdminFactory, UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db

NOTIFY = "flywheel.notifications.consumers.notify_for_activity"
FLAKY = "tests.core.test_deliveries.flaky"
BROKEN = "tests.core.test_deliveries.broken"

ATTEMPTS: dict[int, int] = {}


def flaky(activity: Activity) -> None:
    ATTEMPTS[activity.pk] = ATTEMPTS.get(activity.pk, 0) + 1
    Group.objects.create(name=f"flaky:{activity.pk}:{ATTEMPTS[activity.pk]}")
    if ATTEMPTS[activity.pk] <= 2:
        raise ConnectionError(f"search cluster unreachable (attempt {ATTEMPTS[activity.pk]})")


def broken(activity: Activity) -> None:
    Group.objects.create(name=f"broken:{activity.pk}:{timezone.now().timestamp()}")
    raise ValueError("this consumer has a bug")


@pytest.fixture(autouse=True)
def _forget_attempts():
    ATTEMPTS.clear()


@pytest.fixture
def clock(monkeypatch):
    """Moves timezone.now() forward, so the sweep finds retries due without waiting."""

    class Clock:
        offset = timedelta(0)

        def advance(self, **delta) -> None:
            self.offset += timedelta(**delta)

    clock = Clock()
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + clock.offset)
    return clock


def reply_to_a_topic(capture):
    """A member replies to someone's topic; returns (reply activity, topic author)."""
    topic = make_topic()
    with capture(execute=True):
        reply = make_reply(topic=topic, author=UserFactory())
    return Activity.objects.get(verb=Verb.REPLY_CREATED, target_id=reply.pk), topic.author


def delivery(activity: Activity, consumer: str) -> ActivityDelivery:
    return ActivityDelivery.objects.get(activity=activity, consumer=consumer)


def sweep(capture) -> None:
    with capture(execute=True):
        call_command("activity", "sweep")


def test_an_activity_is_written_with_one_pending_delivery_per_consumer(
    member, space, settings, django_capture_on_commit_callbacks
):
    settings.FLYWHEEL_ACTIVITY_CONSUMERS = [NOTIFY, FLAKY]
    with django_capture_on_commit_callbacks(execute=False):
        activity = services.record_activity(actor=member, verb=Verb.FOLLOWED, target=space)
        rows = list(ActivityDelivery.objects.filter(activity=activity).order_by("consumer"))
    assert [(row.consumer, row.state) for row in rows] == [
        (NOTIFY, DeliveryState.PENDING),
        (FLAKY, DeliveryState.PENDING),
    ]


def test_a_consumer_that_fails_twice_then_succeeds_applies_its_effect_once_and_holds_back_no_other(
    settings, clock, django_capture_on_commit_callbacks
):
    # The flaky consumer comes first: the old single fan-out stopped at it.
    settings.FLYWHEEL_ACTIVITY_CONSUMERS = [FLAKY, NOTIFY]
    activity, topic_author = reply_to_a_topic(django_capture_on_commit_callbacks)

    assert Notification.objects.filter(recipient=topic_author, activity=activity).count() == 1
    assert delivery(activity, NOTIFY).state == DeliveryState.DELIVERED
    failed = delivery(activity, FLAKY)
    assert (failed.state, failed.attempts) == (DeliveryState.FAILED, 1)
    assert "search cluster unreachable (attempt 1)" in failed.last_error

    sweep(django_capture_on_commit_callbacks)  # not due yet: the backoff is 10 s
    assert delivery(activity, FLAKY).attempts == 1
    clock.advance(seconds=11)
    sweep(django_capture_on_commit_callbacks)
    assert delivery(activity, FLAKY).attempts == 2
    clock.advance(seconds=21)
    sweep(django_capture_on_commit_callbacks)

    done = delivery(activity, FLAKY)
    assert (done.state, done.attempts, done.last_error) == (DeliveryState.DELIVERED, 3, "")
    assert done.delivered_at is not None
    # The two failed attempts' writes were rolled back with them.
    assert list(
        Group.objects.filter(name__startswith=f"flaky:{activity.pk}:").values_list(
            "name", flat=True
        )
    ) == [f"flaky:{activity.pk}:3"]
    clock.advance(hours=2)
    sweep(django_capture_on_commit_callbacks)
    assert ATTEMPTS[activity.pk] == 3
    assert Notification.objects.filter(recipient=topic_author, activity=activity).count() == 1


def fail_until_dead(capture, clock, activity) -> ActivityDelivery:
    for _attempt in range(services.MAX_ATTEMPTS):
        clock.advance(seconds=services.BACKOFF_MAX_SECONDS + 1)
        sweep(capture)
    return delivery(activity, BROKEN)


def test_a_consumer_that_always_fails_ends_dead_with_its_error_and_attempts(
    settings, clock, django_capture_on_commit_callbacks
):
    settings.FLYWHEEL_ACTIVITY_CONSUMERS = [BROKEN, NOTIFY]
    activity, _author = reply_to_a_topic(django_capture_on_commit_callbacks)

    dead = fail_until_dead(django_capture_on_commit_callbacks, clock, activity)

    assert (dead.state, dead.attempts) == (DeliveryState.DEAD, services.MAX_ATTEMPTS)
    assert "ValueError: this consumer has a bug" in dead.last_error
    assert "Traceback" in dead.last_error
    assert dead.next_attempt_at is None and dead.last_attempt_at is not None
    assert not Group.objects.exists()
    assert delivery(activity, NOTIFY).state == DeliveryState.DELIVERED
    clock.advance(days=1)
    sweep(django_capture_on_commit_callbacks)
    assert delivery(activity, BROKEN).attempts == services.MAX_ATTEMPTS  # left alone


def test_the_wait_between_attempts_doubles_up_to_an_hour():
    assert [services.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [10, 20, 40, 80]
    assert services.backoff(20) == timedelta(hours=1)


def test_replay_command_reruns_every_dead_delivery_once_fixed(
    settings, clock, django_capture_on_commit_callbacks
):
    settings.FLYWHEEL_ACTIVITY_CONSUMERS = [BROKEN, NOTIFY]
    activity, _author = reply_to_a_topic(django_capture_on_commit_callbacks)
    fail_until_dead(django_capture_on_commit_callbacks, clock, activity)
    settings.FLYWHEEL_ACTIVITY_CONSUMERS = [FLAKY, NOTIFY]
    # The consumer was fixed and keeps its name: the dead delivery now names `flaky`.
    ActivityDelivery.objects.filter(consumer=BROKEN).update(consumer=FLAKY)
    ATTEMPTS[activity.pk] = 2  # its failures are behind it

    with django_capture_on_commit_callbacks(execute=True):
        call_command("activity", "replay", "--dead")

    replayed = delivery(activity, FLAKY)
    assert (replayed.state, replayed.attempts) == (DeliveryState.DELIVERED, 1)
    assert Group.objects.filter(name=f"flaky:{activity.pk}:3").exists()


def test_replay_command_by_id_reruns_that_delivery_and_gives_it_fresh_attempts(
    settings, clock, django_capture_on_commit_callbacks
):
    settings.FLYWHEEL_ACTIVITY_CONSUMERS = [BROKEN]
    activity, _author = reply_to_a_topic(django_capture_on_commit_callbacks)
    dead = fail_until_dead(django_capture_on_commit_callbacks, clock, activity)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("activity", "replay", "--id", str(dead.pk))

    again = delivery(activity, BROKEN)
    # Replayed once, failed again: back in the retry cycle, not dead at once.
    assert (again.state, again.attempts) == (DeliveryState.FAILED, 1)


def test_replay_command_names_an_unknown_delivery_id(db):
    with pytest.raises(CommandError, match="No delivery with id 404"):
        call_command("activity", "replay", "--id", "404")


def test_a_consumer_no_longer_registered_is_dead_lettered_with_a_clear_error(
    member, space, settings, django_capture_on_commit_callbacks
):
    settings.FLYWHEEL_ACTIVITY_CONSUMERS = [FLAKY, NOTIFY]
    with django_capture_on_commit_callbacks(execute=False):
        activity = services.record_activity(actor=member, verb=Verb.FOLLOWED, target=space)
    settings.FLYWHEEL_ACTIVITY_CONSUMERS = [NOTIFY]  # `flaky` was removed before delivery
    with django_capture_on_commit_callbacks(execute=True):
        services.dispatch_activity(activity.pk)

    gone = delivery(activity, FLAKY)
    assert gone.state == DeliveryState.DEAD
    assert "'tests.core.test_deliveries.flaky' is not registered" in gone.last_error
    assert delivery(activity, NOTIFY).state == DeliveryState.DELIVERED
    assert ATTEMPTS == {}


def test_a_failing_consumer_never_turns_a_members_reply_into_an_error(
    client, settings, django_capture_on_commit_callbacks
):
    settings.FLYWHEEL_ACTIVITY_CONSUMERS = [BROKEN, NOTIFY]
    topic = make_topic()
    replier = UserFactory()
    client.force_login(replier)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("community:reply", kwargs={"topic_id": topic.pk}),
            {"body": "The Hubba Hubba is great."},
            follow=True,
        )
    assert response.status_code == 200
    reply = topic.posts.get(number=2)
    activity = Activity.objects.get(verb=Verb.REPLY_CREATED, target_id=reply.pk)
    assert delivery(activity, BROKEN).state == DeliveryState.FAILED
    assert Notification.objects.filter(recipient=topic.author, activity=activity).exists()


def test_fan_out_messages_queued_before_an_upgrade_are_delivered_through_rows(
    member, space, settings
):
    from flywheel.core.tasks import fan_out_activity

    settings.FLYWHEEL_ACTIVITY_CONSUMERS = [FLAKY]
    activity = Activity.objects.create(  # logged by an earlier release: no delivery rows
        actor=member, verb=Verb.FOLLOWED, created_at=timezone.now()
    )
    ATTEMPTS[activity.pk] = 2
    fan_out_activity(activity.pk)
    assert delivery(activity, FLAKY).state == DeliveryState.DELIVERED
    fan_out_activity(activity.pk)
    assert ATTEMPTS[activity.pk] == 3


@pytest.fixture
def admin_client(client):
    client.force_login(AdminFactory(is_staff=True))
    return client


def test_admin_replay_action_reruns_a_dead_delivery(
    admin_client, settings, clock, django_capture_on_commit_callbacks
):
    settings.FLYWHEEL_ACTIVITY_CONSUMERS = [BROKEN, NOTIFY]
    activity, _author = reply_to_a_topic(django_capture_on_commit_callbacks)
    dead = fail_until_dead(django_capture_on_commit_callbacks, clock, activity)
    settings.FLYWHEEL_ACTIVITY_CONSUMERS = [FLAKY, NOTIFY]
    ActivityDelivery.objects.filter(pk=dead.pk).update(consumer=FLAKY)
    ATTEMPTS[activity.pk] = 2

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:core_activitydelivery_changelist"),
            {"action": "replay", "_selected_action": [dead.pk]},
            follow=True,
        )

    assert response.status_code == 200
    assert "1 delivery queued again." in response.content.decode()
    assert delivery(activity, FLAKY).state == DeliveryState.DELIVERED


def test_a_member_cannot_replay_deliveries_in_the_admin(client, member):
    client.force_login(member)
    response = client.post(reverse("admin:core_activitydelivery_changelist"), {"action": "replay"})
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize("rows", [5, 50])
def test_admin_lists_dead_deliveries_of_a_consumer_in_flat_queries(
    admin_client, member, settings, rows, django_assert_max_num_queries
):
    settings.FLYWHEEL_ACTIVITY_CONSUMERS = [NOTIFY, FLAKY]
    for _number in range(rows):
        services.record_activity(actor=member, verb=Verb.FOLLOWED)
    ActivityDelivery.objects.filter(consumer=FLAKY).update(
        state=DeliveryState.DEAD, last_error="Traceback …\nValueError: nope"
    )
    url = reverse("admin:core_activitydelivery_changelist")
    with django_assert_max_num_queries(12):
        response = admin_client.get(url, {"state__exact": "dead", "consumer": FLAKY})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("ValueError: nope") == rows
    assert "notify_for_activity" in body  # the consumer filter lists the registry
