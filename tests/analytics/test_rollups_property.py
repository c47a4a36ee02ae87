"""The incrementally maintained rollups equal a from-scratch computation.

Random members in time zones far apart (UTC−11 to UTC+14), random activity near midnight
UTC, orders for members and for customers without an account, some later cancelled or
refunded, members changing time zone; the periodic update runs between batches and must end where a recount from the raw
tables ends. The reference below is written independently of analytics/services.py."""

import datetime as dt
import zoneinfo
from collections import defaultdict
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flywheel.accounts.models import User
from flywheel.analytics import queries, services
from flywheel.analytics.models import (
    SUMMARY_WINDOWS,
    CommerceDaySummary,
    CustomerDay,
    DaySummary,
    MemberDay,
    MemberFact,
    MemberMonth,
)
from flywheel.commerce.models import Customer, Order, Store
from flywheel.core.models import Activity, Verb
from flywheel.core.services import record_activity
from tests.analytics.dataset import order
from tests.factories import SpaceFactory, UserFactory

ZONES = ["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Riga"]
VERBS = [
    Verb.TOPIC_CREATED,
    Verb.REPLY_CREATED,
    Verb.REACTION_ADDED,
    Verb.FOLLOWED,
    Verb.FLAG_RAISED,  # not an interaction: must not make anyone active
]
BASE = dt.datetime(2025, 3, 30, 0, 0, tzinfo=dt.UTC)  # EU summer time starts this night

activity = st.tuples(
    st.integers(0, 3),  # member
    st.sampled_from(VERBS),
    # minutes around midnight UTC, some days back (window edges: 7, 30, 90 and 365 days)
    st.builds(
        lambda minutes, days: minutes - days * 24 * 60,
        st.integers(-16 * 60, 16 * 60),
        st.sampled_from([0, 0, 0, 6, 7, 29, 30, 89, 364, 365]),
    ),
    st.sampled_from([None, 0, 1]),  # space
    st.booleans(),  # question (for topics)
)
purchase = st.tuples(
    st.integers(0, 5),  # buyer: 0–3 members, 4–5 customers without an account
    # minutes around midnight UTC, some days back (the commerce summaries' window edges)
    st.builds(
        lambda minutes, days: minutes - days * 24 * 60,
        st.integers(-16 * 60, 16 * 60),
        st.sampled_from([0, 0, 0, 1, 6, 7, 29, 30, 364, 365]),
    ),
    st.sampled_from(["paid", "pending", "partially_paid"]),
    st.integers(1, 200),
    st.sampled_from([None, "cancel", "refund_part", "refund_all"]),  # what happens later
    st.integers(0, 1),  # the store: EUR or USD
)


def reference_member_days(zones: dict[int, str]) -> dict:
    expected = defaultdict(lambda: [0, 0, 0, 0, 0])
    column = {
        Verb.TOPIC_CREATED: 0,
        Verb.REPLY_CREATED: 2,
        Verb.REACTION_ADDED: 3,
        Verb.FOLLOWED: 4,
    }
    for row in Activity.objects.filter(actor__isnull=False):
        if row.verb not in column:
            continue
        day = row.created_at.astimezone(zoneinfo.ZoneInfo(zones[row.actor_id])).date()
        counts = expected[(row.actor_id, day, row.space_id)]
        counts[column[row.verb]] += 1
        if row.verb == Verb.TOPIC_CREATED and row.payload.get("kind") == "question":
            counts[1] += 1
    return {key: tuple(value) for key, value in expected.items()}


def reference_customer_days(zones: dict[int, str]) -> dict:
    expected = defaultdict(lambda: [0, Decimal("0.00")])
    for row in Order.objects.select_related("customer"):
        if row.cancelled_at or row.financial_status not in ("paid", "partially_refunded"):
            continue
        member_id = row.customer.member_id
        zone = zoneinfo.ZoneInfo(zones[member_id]) if member_id else dt.UTC
        key = (row.customer_id, row.placed_at.astimezone(zone).date(), row.currency)
        expected[key][0] += 1
        expected[key][1] += row.total - row.refunded_total
    return {key: tuple(value) for key, value in expected.items()}


def reference_day_summaries(zones: dict[int, str]) -> dict:
    """(space or None, day) -> (DAU, active over 7/30/90/365 days, topics, questions, replies,
    reactions, other), counted from the activity log; all-zero days left out."""
    member_days = reference_member_days(zones)
    if not member_days:
        return {}
    days_of = defaultdict(set)  # (scope, member) -> local days
    sums = defaultdict(lambda: [0, 0, 0, 0, 0])
    for (member_id, day, space_id), counts in member_days.items():
        for scope in {None, space_id}:
            days_of[(scope, member_id)].add(day)
            for index, value in enumerate(counts):
                sums[(scope, day)][index] += value
    first = min(day for (_m, day, _s) in member_days)
    last = services.summary_end()
    expected = {}
    day = first
    while day <= last:
        for scope in {scope for scope, _member in days_of}:
            actives = [
                sum(
                    1
                    for (s, _member), days in days_of.items()
                    if s == scope and any(0 <= (day - d).days < n for d in days)
                )
                for n in (1, *SUMMARY_WINDOWS)
            ]
            row = (*actives, *sums.get((scope, day), [0] * 5))
            if any(row):
                expected[(scope, day)] = row
        day += dt.timedelta(days=1)
    return expected


def stored_day_summaries() -> dict:
    stored = {}
    for r in DaySummary.objects.all():
        row = (
            r.active,
            *(getattr(r, f"active_{n}") for n in SUMMARY_WINDOWS),
            r.topics,
            r.questions,
            r.replies,
            r.reactions,
            r.other,
        )
        if any(row):
            stored[(r.space_id, r.day)] = row
    return stored


def reference_commerce_summaries(zones: dict[int, str]) -> dict:
    """(currency or "" for all, day) -> (orders, net revenue, member orders, member revenue,
    customers, member customers and repeat customers over 7/30/90/365 days), counted from
    the orders; all-zero rows left out. The all-currencies row counts customers only."""
    customer_days = reference_customer_days(zones)
    if not customer_days:
        return {}
    member_of = dict(Customer.objects.values_list("pk", "member_id"))
    joined_on = {
        pk: joined.astimezone(zoneinfo.ZoneInfo(zones[pk])).date()
        for pk, joined in User.objects.filter(pk__in=list(zones)).values_list("pk", "date_joined")
    }
    # Existing customers: each customer's first day in each currency, and for a member's
    # customer the later of that day and their joining day.
    firsts = {}
    for customer_id, day, currency in customer_days:
        firsts[(customer_id, currency)] = min(day, firsts.get((customer_id, currency), day))
    new_customers, new_member_customers = defaultdict(int), defaultdict(int)
    for (customer_id, currency), day in firsts.items():
        new_customers[(currency, day)] += 1
        if member_of[customer_id]:
            new_member_customers[(currency, max(day, joined_on[member_of[customer_id]]))] += 1
    currencies = {currency for (_c, _d, currency) in customer_days}
    first = min(day for (_c, day, _cur) in customer_days)
    expected = {}
    day = first
    while day <= services.summary_end():
        for scope in [*currencies, ""]:
            rows = {key: value for key, value in customer_days.items() if scope in ("", key[2])}
            today_rows = [(key[0], value) for key, value in rows.items() if key[1] == day]
            sums = [0, Decimal("0.00"), 0, Decimal("0.00")]
            if scope:
                for customer_id, (orders, revenue) in today_rows:
                    sums[0] += orders
                    sums[1] += revenue
                    if member_of[customer_id]:
                        sums[2] += orders
                        sums[3] += revenue
            customers, members, repeat = [], [], []
            for n in SUMMARY_WINDOWS:
                window = defaultdict(int)
                for (customer_id, other, _currency), (orders, _revenue) in rows.items():
                    if 0 <= (day - other).days < n:
                        window[customer_id] += orders
                customers.append(len(window))
                members.append(sum(1 for c in window if member_of[c]) if scope else 0)
                repeat.append(0 if scope else sum(1 for n in window.values() if n >= 2))
            row = (
                *sums,
                *customers,
                *members,
                *repeat,
                new_customers[(scope, day)] if scope else 0,
                new_member_customers[(scope, day)] if scope else 0,
            )
            if any(row):
                expected[(scope, day)] = row
        day += dt.timedelta(days=1)
    return expected


def stored_commerce_summaries() -> dict:
    stored = {}
    for r in CommerceDaySummary.objects.all():
        row = (
            r.orders,
            r.revenue,
            r.member_orders,
            r.member_revenue,
            *(
                getattr(r, f"{name}_{n}")
                for name in services.COMMERCE_COUNTS
                for n in SUMMARY_WINDOWS
            ),
            r.new_customers,
            r.new_member_customers,
        )
        if any(row):
            stored[(r.currency, r.day)] = row
    return stored


def reference_member_months(zones: dict[int, str]) -> set:
    return {(m, day.replace(day=1)) for (m, day, _s) in reference_member_days(zones)}


def stored_member_months() -> set:
    return set(MemberMonth.objects.values_list("member_id", "month"))


def stored_member_days() -> dict:
    return {
        (r.member_id, r.day, r.space_id): (r.topics, r.questions, r.replies, r.reactions, r.other)
        for r in MemberDay.objects.all()
    }


def stored_customer_days() -> dict:
    return {
        (r.customer_id, r.day, r.currency): (r.orders, r.revenue) for r in CustomerDay.objects.all()
    }


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    zones=st.lists(st.sampled_from(ZONES), min_size=4, max_size=4),
    first=st.lists(activity, max_size=12),
    second=st.lists(activity, max_size=12),
    purchases=st.lists(purchase, max_size=8),
    # Between the runs some members change time zone (None: stays).
    moves=st.lists(st.sampled_from([None, None, *ZONES]), min_size=4, max_size=4),
)
def test_incremental_rollups_equal_a_recount(monkeypatch, zones, first, second, purchases, moves):
    # Exact cursors: every row is either before a run's cursor or after it.
    monkeypatch.setattr(services, "ACTIVITY_ID_LOOKBACK", 0)
    monkeypatch.setattr(services, "ORDER_CHANGE_LOOKBACK", dt.timedelta(0))
    with transaction.atomic():
        members = [
            UserFactory(timezone=zone, date_joined=BASE - dt.timedelta(days=3)) for zone in zones
        ]
        for person in members:
            EmailAddress.objects.create(user=person, email=person.email, verified=True)
        spaces = [SpaceFactory(), SpaceFactory()]
        stores = [
            Store.objects.create(
                platform="shopify",
                domain=f"p{currency}.example.com",
                webhook_secret="s",
                currency=currency,
            )
            for currency in ("EUR", "USD")
        ]
        zone_of = {person.pk: person.timezone for person in members}

        def log(batch):
            for who, verb, minutes, space, question in batch:
                record_activity(
                    actor=members[who],
                    verb=verb,
                    space=spaces[space] if space is not None else None,
                    at=BASE + dt.timedelta(minutes=minutes),
                    payload={"kind": "question" if question else "discussion"},
                )

        def email_of(buyer):
            return members[buyer].email if buyer < 4 else f"guest{buyer}@example.com"

        log(first)
        for index, (buyer, minutes, status, amount, _later, store) in enumerate(purchases):
            order(
                stores[store],
                f"p{index}",
                email=email_of(buyer),
                total=f"{amount}.00",
                placed=BASE + dt.timedelta(minutes=minutes),
                status=status,
            )
        services.update_rollups()

        for person, zone in zip(members, moves, strict=True):
            if zone is not None:
                User.objects.filter(pk=person.pk).update(timezone=zone)
                zone_of[person.pk] = zone
        log(second)
        for index, (buyer, minutes, status, amount, later, store) in enumerate(purchases):
            if later is None:
                continue
            refunds = {
                "refund_part": [("2025-04-01", "1.00")],
                "refund_all": [("2025-04-01", f"{amount}.00")],
            }
            order(
                stores[store],
                f"p{index}",
                email=email_of(buyer),
                total=f"{amount}.00",
                placed=BASE + dt.timedelta(minutes=minutes),
                status=status,
                cancelled=BASE + dt.timedelta(days=1) if later == "cancel" else None,
                refunds=refunds.get(later, []),
            )
        services.update_rollups()

        assert stored_member_days() == reference_member_days(zone_of)
        assert stored_member_months() == reference_member_months(zone_of)
        assert stored_day_summaries() == reference_day_summaries(zone_of)
        assert stored_customer_days() == reference_customer_days(zone_of)
        assert stored_commerce_summaries() == reference_commerce_summaries(zone_of)
        assert_member_value_read_equals_a_recount()
        for person in members:
            fact = MemberFact.objects.get(member=person)
            days = {
                day
                for (member_id, day, _s) in reference_member_days(zone_of)
                if member_id == person.pk
            }
            assert fact.last_active_on == (max(days) if days else None)
        # A full rebuild lands on the same rows.
        services.rebuild_rollups()
        assert stored_member_days() == reference_member_days(zone_of)
        assert stored_member_months() == reference_member_months(zone_of)
        assert stored_day_summaries() == reference_day_summaries(zone_of)
        assert stored_customer_days() == reference_customer_days(zone_of)
        assert stored_commerce_summaries() == reference_commerce_summaries(zone_of)
        assert_member_value_read_equals_a_recount()
        transaction.set_rollback(True)


def assert_member_value_read_equals_a_recount():
    """The members-vs-non-members comparison read from the summaries and the customer-days'
    existing-customer facts equals the four aggregates over every customer-day before."""
    today = timezone.localdate()
    for days in (1, 7, 30, 365):
        for end in (today, (BASE + dt.timedelta(days=1)).date(), BASE.date()):
            period = queries.Period(end - dt.timedelta(days=days - 1), end)
            read = queries.member_value_comparison(period).rows
            assert read == queries._member_value_from_customer_days(period).rows
