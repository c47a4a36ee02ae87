"""The points ledger: immutable, idempotent, never negative on redemption, exact under
concurrency, reversals, pending order points, expiry."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone

from flywheel.community.services import delete_post
from flywheel.core.exceptions import InvalidInput
from flywheel.rewards import services
from flywheel.rewards.models import (
    EntryKind,
    EntryStatus,
    ImmutableLedgerError,
    LedgerEntry,
    PointsAccount,
    Redemption,
)
from flywheel.rewards.rules import apply_rules_for_activity
from tests.factories import AdminFactory, UserFactory, make_reply, make_topic
from tests.rewards.conftest import (
    activity,
    days_ago,
    make_perk,
    make_rule,
    order_activity,
    refund_activity,
    stop_activity,
)

pytestmark = pytest.mark.django_db


def account(member) -> PointsAccount:
    return PointsAccount.objects.get(member=member)


def ledger_sum(member, **filters) -> int:
    return sum(
        LedgerEntry.objects.filter(member=member, **filters).values_list("points", flat=True)
    )


def give(member, points: int) -> None:
    services.adjust_points(member=member, points=points, reason="test credit", by=AdminFactory())


# ------------------------------------------------------------------ immutability


def test_saving_an_existing_entry_raises(member):
    give(member, 10)
    entry = LedgerEntry.objects.get(member=member)
    entry.points = 1000
    with pytest.raises(ImmutableLedgerError):
        entry.save()
    assert LedgerEntry.objects.get(pk=entry.pk).points == 10


def test_entries_cannot_be_deleted_or_bulk_updated(member):
    give(member, 10)
    entry = LedgerEntry.objects.get(member=member)
    with pytest.raises(ImmutableLedgerError):
        entry.delete()
    with pytest.raises(ImmutableLedgerError):
        LedgerEntry.objects.filter(member=member).update(points=1)
    with pytest.raises(ImmutableLedgerError):
        LedgerEntry.objects.filter(member=member).delete()
    assert LedgerEntry.objects.get(pk=entry.pk).points == 10


def test_the_database_itself_refuses_to_update_an_entry(member):
    give(member, 10)
    entry = LedgerEntry.objects.get(member=member)
    with pytest.raises(Exception, match="immutable"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE rewards_ledgerentry SET points = 99 WHERE id = %s", [entry.pk])


def test_the_database_refuses_a_second_entry_for_the_same_source(member):
    give(member, 10)
    entry = LedgerEntry.objects.get(member=member)
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            member=member,
            kind=entry.kind,
            points=5,
            source_key=entry.source_key,
            occurred_at=timezone.now(),
            created_at=timezone.now(),
        )


def test_the_database_refuses_an_award_with_negative_points(member):
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            member=member,
            kind=EntryKind.AWARD,
            points=-5,
            source_key="x",
            occurred_at=timezone.now(),
            created_at=timezone.now(),
        )


# ------------------------------------------------------------------ balance and redemption


def test_the_cached_balance_equals_the_ledger(member):
    make_rule(verb="reply_created", points=7)
    for _ in range(3):
        apply_rules_for_activity(activity(actor=member, verb="reply_created"))
    give(member, -4)
    assert account(member).balance == ledger_sum(member) == 17
    assert account(member).lifetime_earned == 21


def test_redeeming_with_too_few_points_is_refused_and_writes_nothing(member):
    give(member, 40)
    perk = make_perk(cost_points=50)
    with pytest.raises(services.InsufficientPoints) as raised:
        services.redeem_perk(member=member, perk=perk)
    assert raised.value.field == "points"
    assert "50 points" in raised.value.message
    assert account(member).balance == 40
    assert not Redemption.objects.exists()
    assert not LedgerEntry.objects.filter(kind=EntryKind.REDEEM).exists()


def test_redeeming_takes_exactly_the_cost(member):
    give(member, 60)
    perk = make_perk(cost_points=50)
    redemption = services.redeem_perk(member=member, perk=perk)
    assert redemption.status == Redemption.Status.FULFILLED
    assert account(member).balance == 10
    entry = LedgerEntry.objects.get(kind=EntryKind.REDEEM)
    assert (entry.points, entry.source_key) == (-50, f"redemption:{redemption.pk}")


def test_a_discount_perk_without_a_store_gives_the_points_back(member):
    give(member, 100)
    perk = make_perk(
        kind="discount_code", cost_points=80, discount_kind="percentage", discount_value=10
    )
    redemption = services.redeem_perk(member=member, perk=perk)
    assert redemption.status == Redemption.Status.FAILED
    assert "store" in redemption.error.lower()
    assert account(member).balance == 100
    assert ledger_sum(member) == 100


def test_staff_adjustments_need_staff_and_a_reason(member):
    with pytest.raises(InvalidInput) as raised:
        services.adjust_points(member=member, points=5, reason="because", by=UserFactory())
    assert raised.value.field == "points"
    with pytest.raises(InvalidInput) as raised:
        services.adjust_points(member=member, points=5, reason="  ", by=AdminFactory())
    assert raised.value.field == "reason"
    staff = AdminFactory()
    entry = services.adjust_points(member=member, points=-3, reason="Duplicate post", by=staff)
    assert (entry.kind, entry.points, entry.created_by_id) == (EntryKind.ADJUST, -3, staff.pk)


# ------------------------------------------------------------------ concurrency


def _run_in_threads(jobs) -> list[BaseException]:
    errors: list[BaseException] = []

    def run(job):
        try:
            job()
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_parallel_awards_and_redemptions_for_one_member_end_with_the_exact_balance():
    member = UserFactory()
    make_rule(verb="event_attended", points=10)
    perk = make_perk(cost_points=15, per_member_limit=100)
    give(member, 30)
    activities = [activity(actor=member, verb="event_attended") for _ in range(12)]

    def award(logged):
        return lambda: apply_rules_for_activity(logged)

    def redeem():
        try:
            services.redeem_perk(member=member, perk=perk)
        except services.InsufficientPoints:
            pass

    # Every activity twice (a redelivered task) and eight redemptions, all at once.
    jobs = [award(logged) for logged in activities] * 2 + [redeem] * 8
    if connection.vendor == "postgresql":
        errors = _run_in_threads(jobs)
        assert errors == []
    else:
        # SQLite serialises writers and its in-memory test database is not shared across
        # connections: the same jobs, interleaved in one thread.
        for job in jobs:
            job()
    redeemed = Redemption.objects.filter(member=member).count()
    assert LedgerEntry.objects.filter(member=member, kind=EntryKind.AWARD).count() == 12
    assert account(member).balance == 30 + 12 * 10 - 15 * redeemed
    assert account(member).balance == ledger_sum(member)
    assert account(member).balance >= 0
    assert redeemed == 8  # 150 points cover all eight


# ------------------------------------------------------------------ reversals


def test_deleting_a_post_reverses_the_points_its_creation_earned(
    member, django_capture_on_commit_callbacks
):
    make_rule(verb="reply_created", points=10)
    make_rule(name="topic", verb="topic_created", points=5)
    with django_capture_on_commit_callbacks(execute=True):
        topic = make_topic(author=member)
        reply = make_reply(topic=topic, author=member)
    assert account(member).balance == 15
    with django_capture_on_commit_callbacks(execute=True):
        delete_post(post=reply, by=member)
    assert account(member).balance == 5
    reversal = LedgerEntry.objects.get(kind=EntryKind.REVERSE)
    assert reversal.points == -10
    with django_capture_on_commit_callbacks(execute=True):
        delete_post(post=reply, by=member)  # already deleted: nothing more
    assert account(member).balance == 5


def test_a_full_refund_reverses_the_order_points(member, purchase_rule):
    order = order_activity(actor=member, order_id=77, total="120.00", at=days_ago(40))
    apply_rules_for_activity(order)
    assert account(member).balance == 120
    apply_rules_for_activity(
        refund_activity(actor=member, order_id=77, total="120.00", amount="120.00", refund_id=1)
    )
    assert account(member).balance == 0


def test_a_partial_refund_reverses_its_share_and_never_more_than_was_earned(member, purchase_rule):
    apply_rules_for_activity(order_activity(actor=member, order_id=5, total="100", at=days_ago(40)))
    apply_rules_for_activity(
        refund_activity(actor=member, order_id=5, total="100", amount="25", refund_id=1)
    )
    assert account(member).balance == 75
    apply_rules_for_activity(
        refund_activity(actor=member, order_id=5, total="100", amount="100", refund_id=2)
    )
    assert account(member).balance == 0
    apply_rules_for_activity(
        refund_activity(actor=member, order_id=5, total="100", amount="100", refund_id=3)
    )
    assert account(member).balance == 0


def test_a_cancelled_order_loses_what_is_left_after_a_partial_refund(member, purchase_rule):
    apply_rules_for_activity(order_activity(actor=member, order_id=6, total="100", at=days_ago(40)))
    apply_rules_for_activity(
        refund_activity(actor=member, order_id=6, total="100", amount="40", refund_id=1)
    )
    apply_rules_for_activity(stop_activity(actor=member, order_id=6))
    apply_rules_for_activity(stop_activity(actor=member, order_id=6, verb="order_voided"))
    assert account(member).balance == 0
    assert ledger_sum(member, kind=EntryKind.REVERSE) == -100


def test_a_cancellation_handled_before_its_order_still_takes_the_points_back(member, purchase_rule):
    # Consumers may run out of order: the award then finds the cancellation and undoes itself.
    stop = stop_activity(actor=member, order_id=8, verb="order_voided")
    apply_rules_for_activity(stop)
    apply_rules_for_activity(order_activity(actor=member, order_id=8, total="60", at=days_ago(40)))
    assert (account(member).balance, account(member).lifetime_earned) == (0, 0)


# ------------------------------------------------------------------ pending order points


def test_order_points_stay_pending_through_the_refund_window_then_are_approved(
    member, purchase_rule
):
    placed = timezone.now() - datetime.timedelta(days=29)
    apply_rules_for_activity(order_activity(actor=member, order_id=1, total="80", at=placed))
    assert (account(member).balance, account(member).pending) == (0, 80)
    assert services.approve_matured_points() == 0
    assert services.approve_matured_points(now=placed + datetime.timedelta(days=30, seconds=1)) == 1
    assert (account(member).balance, account(member).pending) == (80, 0)
    assert LedgerEntry.objects.get(kind=EntryKind.AWARD).status == EntryStatus.APPROVED


def test_a_refund_inside_the_window_cancels_the_pending_points(member, purchase_rule):
    placed = timezone.now() - datetime.timedelta(days=2)
    apply_rules_for_activity(order_activity(actor=member, order_id=9, total="50", at=placed))
    apply_rules_for_activity(
        refund_activity(actor=member, order_id=9, total="50", amount="50", refund_id=4)
    )
    assert (account(member).balance, account(member).pending) == (0, 0)
    services.approve_matured_points(now=placed + datetime.timedelta(days=31))
    assert (account(member).balance, account(member).pending) == (0, 0)
    assert account(member).lifetime_earned == 0


def test_pending_points_cannot_be_spent(member, purchase_rule):
    apply_rules_for_activity(order_activity(actor=member, order_id=3, total="500"))
    with pytest.raises(services.InsufficientPoints):
        services.redeem_perk(member=member, perk=make_perk(cost_points=10))


# ------------------------------------------------------------------ expiry


def test_points_expire_after_the_period_without_earning_or_spending(member, settings):
    settings.FLYWHEEL_POINTS_EXPIRY_DAYS = 100
    make_rule(verb="event_attended", points=30)
    apply_rules_for_activity(activity(actor=member, verb="event_attended", at=days_ago(101)))
    assert services.expire_points() == 1
    assert account(member).balance == 0
    assert LedgerEntry.objects.get(kind=EntryKind.EXPIRE).points == -30
    assert services.expire_points() == 0


def test_recent_earning_keeps_points_alive(member, settings):
    settings.FLYWHEEL_POINTS_EXPIRY_DAYS = 100
    make_rule(verb="event_attended", points=30)
    apply_rules_for_activity(activity(actor=member, verb="event_attended", at=days_ago(150)))
    apply_rules_for_activity(activity(actor=member, verb="event_attended", at=days_ago(10)))
    assert services.expire_points() == 0
    assert account(member).balance == 60


def test_members_are_warned_then_given_a_last_chance_once_each(member, settings):
    settings.FLYWHEEL_POINTS_EXPIRY_DAYS = 100
    make_rule(verb="event_attended", points=30)
    apply_rules_for_activity(activity(actor=member, verb="event_attended", at=days_ago(75)))
    assert services.send_expiry_warnings() == 1
    assert services.send_expiry_warnings() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.email]
    assert "30 points" in mail.outbox[0].subject
    assert "/rewards/wallet/" in mail.outbox[0].body
    # 95 days idle: the last chance.
    later = timezone.now() + datetime.timedelta(days=20)
    assert services.send_expiry_warnings(now=later) == 1
    assert mail.outbox[1].subject.startswith("Last chance")
    assert services.send_expiry_warnings(now=later) == 0


def test_a_spent_balance_never_goes_negative_on_expiry(member, settings):
    settings.FLYWHEEL_POINTS_EXPIRY_DAYS = 100
    give(member, 10)
    PointsAccount.objects.filter(member=member).update(last_activity_at=days_ago(200))
    services.redeem_perk(member=member, perk=make_perk(cost_points=10))
    assert services.expire_points() == 0
    assert account(member).balance == 0
    assert Decimal(account(member).balance) == 0
