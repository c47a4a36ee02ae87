"""Every metric of docs/metrics.md on the hand-built March 2025 community (dataset.py).

Each expected value is worked out in the comment above it from the rows dataset.py writes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import TestCase

from flywheel.analytics import queries, services
from flywheel.analytics.models import (
    CommerceDaySummary,
    CustomerDay,
    MemberDay,
    MemberFact,
    MemberSource,
)
from flywheel.analytics.queries import Period
from tests.analytics.dataset import build_march
from tests.module_data import rolled_back_after

# One March community for the module, on one xdist worker (tests/module_data.py).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("analytics_march")]

MARCH = Period(dt.date(2025, 3, 1), dt.date(2025, 3, 31))
TODAY = dt.date(2025, 3, 31)


@pytest.fixture(scope="module")
def built_march(django_db_setup, django_db_blocker):
    # Built once for the module and rolled back after it (tests/module_data.py).
    with rolled_back_after(django_db_blocker):
        with TestCase.captureOnCommitCallbacks(execute=True):
            data = build_march()
        services.update_rollups()
        yield data


@pytest.fixture
def march(built_march):
    return built_march


def test_activity_is_bucketed_on_members_local_days(march):
    # Bob replied at 23:30 UTC on 2 March: 01:30 on the 3rd in Riga.
    assert MemberDay.objects.filter(member=march["bob"]).values_list("day", flat=True).get() == (
        dt.date(2025, 3, 3)
    )
    # Carol asked at 01:00 UTC and reacted at 02:00 UTC on the 21st: the 20th in New York.
    assert set(MemberDay.objects.filter(member=march["carol"]).values_list("day", flat=True)) == {
        dt.date(2025, 3, 20)
    }


def test_activity_figures(march):
    summary = queries.activity_summary(MARCH)
    # Alice: topic + join (2nd), accepted answer (4th), reaction (25th); Bob: reply + join
    # (3rd); Carol: topic + join + reaction (20th). The moderator is left out.
    assert (summary["topics"], summary["questions"], summary["replies"]) == (2, 2, 1)
    assert (summary["reactions"], summary["other"], summary["interactions"]) == (2, 4, 9)
    assert summary["active"] == 3
    # Member-days: Alice 3, Bob 1, Carol 1 = 5 over 31 days.
    assert summary["dau"] == 0.16
    # Last 7 days (25–31 March): Alice only. Last 30 days (2–31 March): all three.
    assert (summary["wau"], summary["mau"]) == (1, 3)
    # Stickiness: 5 member-days / 30 days / MAU 3.
    assert summary["stickiness"] == 0.056
    # Members by 31 March: Alice, Bob, Carol, Dave.
    assert (summary["members"], summary["active_share"]) == (4, 0.75)
    assert summary["interactions_per_active"] == 3.0
    # 2 reactions on 3 posts (2 topics + 1 reply); 1 reply over 2 topics.
    assert (summary["reactions_per_post"], summary["replies_per_topic"]) == (0.67, 0.5)


def test_daily_active_series_has_every_day_of_the_period(march):
    series = dict(queries.daily_active_series(MARCH))
    assert len(series) == 31
    assert series[dt.date(2025, 3, 2)] == 1
    assert series[dt.date(2025, 3, 20)] == 1
    assert sum(series.values()) == 5


def test_activity_in_one_space(march):
    summary = queries.activity_summary(MARCH, march["trips"])
    # Trips: Carol's question and join (20th), Alice's reaction (25th).
    assert (summary["active"], summary["topics"], summary["reactions"]) == (2, 1, 1)


def test_contributions_by_space(march):
    table = queries.contributions_by_space(MARCH)
    rows = {row[0]: row[1:] for row in table.rows}
    # Gear: Alice, Bob and Carol (reaction); 1 topic, 1 question, 1 reply (not the moderator's).
    assert rows["Gear"] == [3, 1, 1, 1, 1]
    assert rows["Trips"] == [2, 1, 1, 0, 1]


def test_growth(march):
    growth = queries.growth_summary(MARCH)
    # Bob and Carol joined in March; Alice and Dave before (the moderator is staff).
    assert (growth["new"], growth["members_before"], growth["growth_rate"]) == (2, 2, 1.0)
    assert growth["sources"] == {"organic": 2, "store_customer": 0, "referral": 0}
    # Alice bought on 5 January and joined on the 10th: she came from the store.
    assert MemberFact.objects.get(member=march["alice"]).source == MemberSource.STORE_CUSTOMER


def test_peer_support(march):
    support = queries.peer_support_summary(MARCH)
    # Alice's question: Bob (a member) first after 13.5 h, accepted. Carol's: the moderator
    # after 4 h, not accepted.
    assert (support["asked"], support["answered"], support["by_members"]) == (2, 2, 1)
    assert (support["member_answer_share"], support["solved_rate"]) == (0.5, 0.5)
    assert support["median_hours_to_first_reply"] == 8.8  # median(13.5, 4) = 8.75
    rows = {row[0]: row[1:] for row in queries.peer_support_by_space(MARCH).rows}
    assert rows["Gear"] == [1, 1, 1, 1.0, 1.0, 13.5]
    assert rows["Trips"] == [1, 1, 0, 0.0, 0.0, 4.0]


def test_retention_cohorts(march):
    table = queries.cohort_table(TODAY)
    rows = {row[0]: row[1:] for row in table.rows}
    # January: Alice, active in March (month 2). February: Dave, never active. March: Bob
    # and Carol, both active in their first month. Later months are not reached yet.
    assert rows["2025-01"][:4] == [1, 0.0, 0.0, 1.0]
    assert rows["2025-02"][:3] == [1, 0.0, 0.0]
    assert rows["2025-03"][:3] == [2, 1.0, None]
    assert rows["2024-12"][0] == 0  # the moderator is not a cohort member


def test_at_risk_and_churned(march):
    # Last active: Bob 3 March (28 days), Carol 20 March (11 days), Alice 25 March (6 days).
    assert set(queries.at_risk_members(TODAY).values_list("member__handle", flat=True)) == {
        "bob",
        "carol",
    }
    assert queries.churned_members(TODAY).count() == 0


def test_commerce_counts_only_paid_orders(march):
    summary = queries.commerce_summary(MARCH)
    eur = summary["currencies"]["EUR"]
    # Counting EUR orders in March: o2 (50 − 10 refunded), o7 (80), o9 (10), o10 (60 on the
    # 25th in New York). Not o3 (cancelled), o4 (fully refunded), o5 (pending).
    assert (eur["orders"], eur["revenue"], eur["customers"]) == (4, Decimal("190.00"), 3)
    assert (eur["aov"], eur["frequency"]) == (Decimal("47.50"), 1.33)
    assert (eur["member_orders"], eur["member_revenue"]) == (3, Decimal("110.00"))
    # USD is never added to EUR.
    assert summary["currencies"]["USD"]["revenue"] == Decimal("25.00")
    # Customers in March: Alice, Eve (EUR), Carol, Eve (USD); only Alice bought twice.
    assert (summary["customers"], summary["repeat_customers"], summary["repeat_rate"]) == (
        4,
        1,
        0.25,
    )
    # Carol's first order is in March; Alice, Carol and Dave of 4 members are customers.
    assert summary["members_became_customers"] == 1
    assert summary["member_customer_share"] == 0.75
    assert CustomerDay.objects.get(member=march["carol"]).day == dt.date(2025, 3, 25)


def test_members_versus_non_members(march):
    rows = queries.member_value_comparison(MARCH).rows
    # Existing EUR customers before March: Alice and Dave (members since Jan/Feb), Eve.
    # March revenue: Alice 40 + 10 = 50 over 2 members; Eve 80 over 1 non-member.
    assert ["Members", "EUR", 2, Decimal("50.00"), Decimal("25.00")] in rows
    assert ["Non-members", "EUR", 1, Decimal("80.00"), Decimal("80.00")] in rows


def _existing_customer_facts() -> dict:
    return {
        (row.customer.email, row.day, row.currency): (
            row.customer_since,
            row.member_customer_since,
            row.first_in_currency,
            row.member_counted_on,
        )
        for row in CustomerDay.objects.select_related("customer")
    }


def _new_customer_counts() -> dict:
    return {
        (row.currency, row.day): (row.new_customers, row.new_member_customers)
        for row in CommerceDaySummary.objects.exclude(currency="")
        if row.new_customers or row.new_member_customers
    }


def test_existing_customer_facts(march):
    alice, carol, dave = (march[n].email for n in ("alice", "carol", "dave"))
    d = dt.date
    assert _existing_customer_facts() == {
        # Alice bought on 5 January, joined on the 10th: a member customer from the 10th.
        (alice, d(2025, 1, 5), "EUR"): (d(2025, 1, 5), d(2025, 1, 10), True, d(2025, 1, 10)),
        (alice, d(2025, 3, 10), "EUR"): (d(2025, 1, 5), d(2025, 1, 10), False, None),
        (alice, d(2025, 3, 28), "EUR"): (d(2025, 1, 5), d(2025, 1, 10), False, None),
        # Eve has no account; the USD store knows her as another customer, new on the 22nd.
        ("eve@example.com", d(2025, 2, 10), "EUR"): (d(2025, 2, 10), None, True, None),
        ("eve@example.com", d(2025, 3, 20), "EUR"): (d(2025, 2, 10), None, False, None),
        ("eve@example.com", d(2025, 3, 22), "USD"): (d(2025, 3, 22), None, True, None),
        # Carol joined on 20 March and bought on the 25th (New York); Dave joined before buying.
        (carol, d(2025, 3, 25), "EUR"): (d(2025, 3, 25), d(2025, 3, 25), True, d(2025, 3, 25)),
        (dave, d(2025, 2, 15), "EUR"): (d(2025, 2, 15), d(2025, 2, 15), True, d(2025, 2, 15)),
    }
    # Per day and currency: (new customers, new member customers).
    assert _new_customer_counts() == {
        ("EUR", d(2025, 1, 5)): (1, 0),
        ("EUR", d(2025, 1, 10)): (0, 1),
        ("EUR", d(2025, 2, 10)): (1, 0),
        ("EUR", d(2025, 2, 15)): (1, 1),
        ("EUR", d(2025, 3, 25)): (1, 1),
        ("USD", d(2025, 3, 22)): (1, 0),
    }


def test_a_customer_who_joins_later_is_a_non_member_until_then(march):
    # Alice bought on 5 January and joined on the 10th: in the week from the 8th she is an
    # existing customer who is not a member yet, in the week from the 11th a member.
    before = queries.member_value_comparison(Period(dt.date(2025, 1, 8), dt.date(2025, 1, 14)))
    assert before.rows == [["Non-members", "EUR", 1, Decimal("0.00"), Decimal("0.00")]]
    after = queries.member_value_comparison(Period(dt.date(2025, 1, 11), dt.date(2025, 1, 17)))
    assert after.rows == [["Members", "EUR", 1, Decimal("0.00"), Decimal("0.00")]]
    for period in (MARCH, Period(dt.date(2025, 1, 8), dt.date(2025, 1, 14))):
        read = queries.member_value_comparison(period).rows
        assert read == queries._member_value_from_customer_days(period).rows


def test_the_migration_fills_the_existing_customer_facts_of_older_rows(march):
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("flywheel.analytics.migrations.0008_existing_customers")
    facts, counts = _existing_customer_facts(), _new_customer_counts()
    CustomerDay.objects.update(
        customer_since=None, member_customer_since=None, first_in_currency=False
    )
    CustomerDay.objects.update(member_counted_on=None)
    CommerceDaySummary.objects.update(new_customers=0, new_member_customers=0)
    migration.fill_existing_customers(apps, SimpleNamespace(connection=connection))
    assert _existing_customer_facts() == facts
    assert _new_customer_counts() == counts


@pytest.mark.parametrize("segment", ["", "champions"])
def test_the_dashboards_one_member_fact_aggregate_equals_the_separate_counts(march, segment):
    members = queries.evaluate_segment(segment, TODAY) if segment else None
    for period in (MARCH, Period(dt.date(2025, 3, 25), TODAY)):
        facts, facts_before = queries.member_fact_figures(period, members)
        for scope, figures in ((period, facts), (period.previous, facts_before)):
            assert queries.growth_summary(scope, members, facts=figures) == (
                queries.growth_summary(scope, members)
            )
            assert queries.commerce_summary(scope, members, facts=figures) == (
                queries.commerce_summary(scope, members)
            )
            assert queries.activity_summary(scope, members=members, facts=figures) == (
                queries.activity_summary(scope, members=members)
            )


def test_before_and_after_joining(march):
    rows = queries.before_after_joining(TODAY, days=30).rows
    # Only Alice bought before joining and joined 30+ days ago: 100 EUR five days before,
    # nothing in the 30 days after.
    assert rows == [["EUR", 1, 1, 0, Decimal("100.00"), Decimal("0.00")]]


def test_cost_and_return(march):
    services.record_monthly_cost(
        month="2025-03",
        category="tools",
        amount="100",
        currency="eur",
        by=march["alice"].__class__.objects.create_superuser("o@example.com", "pw", handle="owner"),
    )
    rows = {row[0]: row[1:] for row in queries.roi_table(MARCH).rows}
    # EUR: 100 entered, no redemptions; member revenue 110; (110 − 100) / 100 = 0.1; one
    # member became a customer, so CAC = 100.
    assert rows["EUR"] == [
        Decimal("100.00"),
        Decimal("0.00"),
        Decimal("100.00"),
        Decimal("110.00"),
        0.1,
        Decimal("100.00"),
    ]
    assert rows["USD"][4] is None  # no cost in USD: no return to compute


def test_segments(march):
    sizes = queries.segment_sizes(TODAY)
    # Dave bought in February and never took part: a lurking customer. Eve's USD order on
    # 22 March is her first there and she has no account: a new buyer.
    assert sizes == {
        "champions": 0,
        "at_risk": 2,
        "lurking_customers": 1,
        "ambassador_candidates": 0,
        "new_buyers": 1,
    }
    klaviyo = queries.segment_export("new_buyers", TODAY, audience="klaviyo")
    assert klaviyo.columns[:3] == ["Email", "First Name", "Last Name"]
    assert klaviyo.rows == [["eve@example.com", "Eve", "Early", "new_buyers", "true"]]
    hubspot = queries.segment_export("lurking_customers", TODAY, audience="hubspot")
    assert hubspot.columns == [
        "Email",
        "First Name",
        "Last Name",
        "Lifecycle Stage",
        "Community Segment",
    ]
    assert [row[0] for row in hubspot.rows] == [march["dave"].email]


def test_a_segment_narrows_the_activity_and_growth_figures(march):
    # At risk on 31 March: Bob (last active the 3rd) and Carol (the 20th), not Alice (25th).
    # Bob: reply + join; Carol: topic + join + reaction. Both joined in March.
    at_risk = queries.segment_member_ids("at_risk", TODAY)
    summary = queries.activity_summary(MARCH, members=at_risk)
    assert (summary["active"], summary["interactions"]) == (2, 5)
    assert (summary["topics"], summary["replies"], summary["reactions"]) == (1, 1, 1)
    assert (summary["members"], summary["active_share"]) == (2, 1.0)
    growth = queries.growth_summary(MARCH, at_risk)
    assert (growth["new"], growth["members_before"], growth["growth_rate"]) == (2, 0, None)


def test_the_dashboard_filters_by_segment_and_refuses_an_unknown_one(march, client):
    # Segments are members as they are today (2025 is long past): lurking customers are the
    # buyers silent for 90 days: Alice (bought before joining), Carol (bought 26 March) and
    # Dave (never active). Of the four who joined January to March, the segment keeps those
    # three, one from the store; Bob never bought.
    client.force_login(march["mod"])
    everyone = client.get("/manage/?start=2025-01-01&end=2025-03-31&table=sources")
    assert everyone.content.decode().splitlines()[1:3] == [
        "Organic,3,0.75",
        "Store customer who joined,1,0.25",
    ]
    url = "/manage/?start=2025-01-01&end=2025-03-31&segment=lurking_customers&table=sources"
    page = client.get(url)
    assert page.status_code == 200
    assert page.content.decode().splitlines()[1:3] == [
        "Organic,2,0.667",
        "Store customer who joined,1,0.333",
    ]
    refused = client.get("/manage/?segment=everyone")
    assert refused.status_code == 422 and "segment" in refused.content.decode()
    # Moderators see no purchase-defined segment.
    assert client.get("/manage/?segment=ambassador_candidates").status_code == 422
