"""Attribution in batches (services.attribute_orders, tasks.attribute_pending_orders): a batch
gives each order what attributing it alone gives, in a fixed number of queries, and the
Redis set that feeds the batches loses no order."""

import datetime
import itertools
import os
from decimal import Decimal

import pytest
import redis
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from flywheel.commerce.models import Order
from flywheel.core.models import Activity, Verb
from flywheel.moderation.models import Sanction, SanctionKind
from flywheel.referrals import services, tasks
from flywheel.referrals.models import Referral, ReferralStatus, Source
from flywheel.trust.models import MemberTrust
from tests.commerce.webhook_helpers import make_store
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


@pytest.fixture
def store(db):
    return make_store("shopify")


def referrers(count: int) -> list:
    members = [
        UserFactory(date_joined=timezone.now() - datetime.timedelta(days=90)) for _ in range(count)
    ]
    for member in members:
        services.code_for_member(member)
    return members


def paid_order(store, *, email: str, code: str = "", ref: str = "", placed_at=None, **fields):
    number = next(_numbers)
    placed_at = placed_at or timezone.now() - datetime.timedelta(hours=1)
    return Order.objects.create(
        store=store,
        external_id=f"batch-{number}",
        number=f"#B{number}",
        email=email,
        currency="EUR",
        subtotal=Decimal("80.00"),
        total=Decimal("80.00"),
        financial_status=fields.pop("financial_status", "paid"),
        discount_codes=[code] if code else [],
        landing_site=f"/products/tent?ref={ref}" if ref else "",
        shipping_address={"first_name": "Friend", "last_name": str(number)},
        placed_at=placed_at,
        platform_updated_at=placed_at,
        **fields,
    )


def mixed_orders(store, members, *, per_member: int = 1) -> list:
    """Per referrer: orders by code, by `ref`, and by a referred sign-up's e-mail."""
    orders = []
    for index, member in enumerate(members):
        code = services.code_for_member(member).code
        for turn in range(per_member):
            email = f"friend-{index}-{turn}-{next(_numbers)}@example.org"
            kind = (index + turn) % 3
            if kind == 2:
                Referral.objects.create(
                    referrer=member,
                    code=services.code_for_member(member),
                    referred_key=email,
                    referred_email=email,
                    source=Source.SIGNUP,
                )
            orders.append(
                paid_order(
                    store,
                    email=email,
                    code=code if kind == 0 else "",
                    ref=code if kind == 1 else "",
                )
            )
    return orders


def converted_activities() -> int:
    return Activity.objects.filter(verb=Verb.REFERRAL_CONVERTED).count()


def test_a_batch_converts_every_order_once_and_again_changes_nothing(store):
    members = referrers(6)
    orders = mixed_orders(store, members)

    results = services.attribute_orders([order.pk for order in orders])

    assert all(results[order.pk] is not None for order in orders)
    converted = Referral.objects.filter(first_order__in=orders)
    assert converted.count() == 6
    assert set(converted.values_list("status", flat=True)) == {ReferralStatus.PENDING}
    assert set(converted.values_list("source", flat=True)) == {
        Source.DISCOUNT_CODE,
        Source.LANDING_REF,
        Source.EMAIL,
    }
    assert converted_activities() == 6

    # The same orders again (a replayed webhook, a retried batch): nothing new.
    services.attribute_orders([order.pk for order in orders])
    assert Referral.objects.count() == 6
    assert converted_activities() == 6


def test_a_batchs_queries_do_not_grow_with_its_orders(store):
    def queries_for(count: int) -> list[str]:
        orders = mixed_orders(store, referrers(count))
        with CaptureQueriesContext(connection) as captured:
            services.attribute_orders([order.pk for order in orders])
        assert Referral.objects.filter(first_order__in=orders).count() == count
        # SQLite splits a long INSERT of delivery rows (its limit on parameters); the
        # content type is cached after the first batch.
        return [
            query["sql"][:60]
            for query in captured.captured_queries
            if "core_activitydelivery" not in query["sql"][:40]
            and "django_content_type" not in query["sql"]
            and "SAVEPOINT" not in query["sql"]
        ]

    assert queries_for(5) == queries_for(50)


def test_the_friends_earlier_order_in_the_same_batch_is_the_one_that_converts(store):
    (member,) = referrers(1)
    code = services.code_for_member(member).code
    later = paid_order(store, email="bran@example.org", code=code)
    earlier = paid_order(
        store,
        email="BRAN@example.org",
        code=code,
        placed_at=timezone.now() - datetime.timedelta(hours=3),
    )

    services.attribute_orders([later.pk, earlier.pk])

    referral = Referral.objects.get()
    assert referral.first_order_id == earlier.pk
    assert referral.status == ReferralStatus.PENDING


def test_a_repeat_customer_is_found_by_email_in_any_case(store):
    (member,) = referrers(1)
    paid_order(
        store,
        email="Bran@Example.org",
        placed_at=timezone.now() - datetime.timedelta(days=40),
    )
    order = paid_order(store, email="bran@example.org", code=services.code_for_member(member).code)
    fresh = paid_order(
        store, email="rickon@example.org", code=services.code_for_member(member).code
    )

    results = services.attribute_orders([order.pk, fresh.pk])

    assert results[order.pk].status == ReferralStatus.HELD
    assert results[order.pk].reasons == ["repeat_customer"]
    assert results[fresh.pk].status == ReferralStatus.PENDING


def test_the_velocity_limit_counts_the_batchs_own_earlier_conversions(store, settings):
    settings.FLYWHEEL_REFERRAL_VELOCITY_PER_DAY = 3
    (member,) = referrers(1)
    code = services.code_for_member(member).code
    orders = [
        paid_order(
            store,
            email=f"friend{index}@example.org",
            code=code,
            placed_at=timezone.now() - datetime.timedelta(minutes=50 - index),
        )
        for index in range(4)
    ]

    results = services.attribute_orders([order.pk for order in orders])

    statuses = [results[order.pk].status for order in orders]
    assert statuses == [ReferralStatus.PENDING] * 3 + [ReferralStatus.HELD]
    assert results[orders[3].pk].reasons == ["velocity_spike"]


def test_community_signals_are_read_for_each_referrer_of_the_batch(store, settings):
    settings.FLYWHEEL_REFERRAL_MIN_TRUST_LEVEL = 1
    sanctioned, trusted, new = referrers(3)
    MemberTrust.objects.create(member=sanctioned, level=2)
    MemberTrust.objects.create(member=trusted, level=2)
    Sanction.objects.create(member=sanctioned, kind=SanctionKind.SUSPENSION)
    orders = [
        paid_order(store, email=f"pal{index}@example.org", code=services.code_for_member(m).code)
        for index, m in enumerate((sanctioned, trusted, new))
    ]
    disposable = paid_order(
        store, email="pal@mailinator.com", code=services.code_for_member(trusted).code
    )

    results = services.attribute_orders([order.pk for order in [*orders, disposable]])

    assert results[orders[0].pk].reasons == ["sanctioned"]
    assert results[orders[1].pk].status == ReferralStatus.PENDING
    assert results[orders[2].pk].reasons == ["low_trust"]
    assert results[disposable.pk].reasons == ["disposable_email"]


def test_a_failing_batch_is_attributed_one_order_at_a_time(store, monkeypatch):
    orders = mixed_orders(store, referrers(3))
    real = services._attribute_batch

    def fail_for_batches(ids):
        if len(ids) > 1:
            raise RuntimeError("a bad order in the batch")
        return real(ids)

    monkeypatch.setattr(services, "_attribute_batch", fail_for_batches)

    results = services.attribute_orders([order.pk for order in orders])

    assert all(results[order.pk] is not None for order in orders)
    assert converted_activities() == 3


def test_an_unpaid_order_in_a_batch_is_left_alone(store):
    (member,) = referrers(1)
    pending = paid_order(
        store,
        email="hodor@example.org",
        code=services.code_for_member(member).code,
        financial_status="pending",
    )
    assert services.attribute_orders([pending.pk]) == {pending.pk: None}
    assert not Referral.objects.exists()


# ---------------------------------------------------------------------- the pending set


@pytest.fixture
def pending_set(monkeypatch, settings):
    """The pending set on the tests' own Redis database, with the published tasks recorded
    instead of sent (the test runs the task itself)."""
    url = os.environ.get("FLYWHEEL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    client = redis.Redis.from_url(url, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.fail(f"Redis is unreachable at {url} ({error}).", pytrace=False)
    settings.FLYWHEEL_REFERRAL_ATTRIBUTION_BATCH = 2
    # Each xdist worker gets its own keys: two workers share the Redis database, and one
    # test's drain must not take the other's orders.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    real_keys = tasks._keys
    monkeypatch.setattr(tasks, "_keys", lambda: tuple(f"{key}:{worker}" for key in real_keys()))
    published = []
    monkeypatch.setattr(tasks, "_broker_redis", lambda: client)
    monkeypatch.setattr(
        tasks.attribute_pending_orders, "apply_async", lambda *a, **k: published.append(1)
    )
    for key in tasks._keys():
        client.delete(key)
    yield client, published
    for key in tasks._keys():
        client.delete(key)


@pytest.mark.redis
def test_orders_wait_in_the_set_and_one_task_drains_them_in_batches(store, pending_set, settings):
    settings.FLYWHEEL_REFERRAL_ATTRIBUTION_TASK_SECONDS = 0  # one batch per task
    client, published = pending_set
    orders = mixed_orders(store, referrers(3))
    for order in orders:
        tasks.queue_order_attribution(order.pk)
    tasks.queue_order_attribution(orders[0].pk)  # changed again: still one entry

    assert published == [1]  # one task for the lot
    assert client.zcard(tasks._keys()[0]) == 3

    assert tasks.attribute_pending_orders() == 2  # a full batch queues the next task
    assert published == [1, 1]
    assert tasks.attribute_pending_orders() == 1
    assert tasks.attribute_pending_orders() == 0
    assert client.zcard(tasks._keys()[0]) == 0
    assert Referral.objects.filter(first_order__in=orders).count() == 3


@pytest.mark.redis
def test_a_task_goes_on_batch_after_batch_while_there_is_a_backlog(store, pending_set):
    client, published = pending_set
    orders = mixed_orders(store, referrers(5))
    for order in orders:
        tasks.queue_order_attribution(order.pk)

    assert tasks.attribute_pending_orders() == 5  # 2 + 2 + 1, in one task
    assert client.zcard(tasks._keys()[0]) == 0
    assert Referral.objects.filter(first_order__in=orders).count() == 5


@pytest.mark.redis
def test_an_order_changed_while_its_batch_runs_stays_due(store, pending_set, monkeypatch):
    client, _published = pending_set
    (order,) = mixed_orders(store, referrers(1))
    tasks.queue_order_attribution(order.pk)
    real = services.attribute_orders

    def changed_meanwhile(ids, **kwargs):
        tasks.queue_order_attribution(order.pk)  # a refund arrives mid-batch
        return real(ids, **kwargs)

    monkeypatch.setattr(services, "attribute_orders", changed_meanwhile)
    tasks.attribute_pending_orders()

    assert client.zcard(tasks._keys()[0]) == 1  # due again, not dropped
    monkeypatch.setattr(services, "attribute_orders", real)
    assert tasks.attribute_pending_orders() == 1
    assert client.zcard(tasks._keys()[0]) == 0


@pytest.mark.redis
def test_a_batch_whose_worker_died_is_claimed_again_after_its_lease(store, pending_set):
    client, published = pending_set
    (order,) = mixed_orders(store, referrers(1))
    tasks.queue_order_attribution(order.pk)
    pending = tasks._keys()[0]
    # A worker claimed it and died: the lease holds it back until it runs out.
    client.zadd(pending, {str(order.pk): 10**10})
    assert tasks.attribute_pending_orders() == 0
    assert tasks.sweep_pending_attributions() == 0

    client.zadd(pending, {str(order.pk): 1})  # the lease ran out
    client.delete(tasks._keys()[1])
    assert tasks.sweep_pending_attributions() == 1
    assert published[-1] == 1
    assert tasks.attribute_pending_orders() == 1
    assert Referral.objects.get().first_order_id == order.pk
