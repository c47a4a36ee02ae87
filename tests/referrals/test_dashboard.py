"""The ambassador dashboard over time: weekly clicks, sign-ups, first orders, revenue and
points, as charts (Chart.js data), a table and a CSV, computed by hand here."""

import datetime
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from flywheel.referrals import queries, services
from flywheel.referrals.models import Ambassador, AmbassadorTier, Referral, ReferralClick
from flywheel.rewards.models import EntryKind, LedgerEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# A Wednesday: weeks start on the Monday before (UTC).
NOW = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.UTC)
THIS_MONDAY = datetime.date(2026, 11, 23)
DASHBOARD_QUERIES = 12


@pytest.fixture
def ambassador(referrer):
    tier = AmbassadorTier.objects.create(
        name="Gold", slug="gold", rank=1, commission_percent=Decimal("10")
    )
    return Ambassador.objects.create(member=referrer, tier=tier)


def _at(days_ago: int) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days_ago)


def _history(referrer, *, friends: int = 3):
    code = services.code_for_member(referrer)
    for days_ago in (0, 1, 8, 8, 33):  # this week 2, last week 2, five weeks ago 1
        ReferralClick.objects.create(code=code, created_at=_at(days_ago), target="community")
    for index in range(friends):
        Referral.objects.create(
            referrer=referrer,
            code=code,
            referred_key=f"friend{index}@example.org",
            referred_member=UserFactory(),
            source="signup",
            created_at=_at(8),
            status="approved" if index == 0 else "signed_up",
            converted_at=_at(1) if index == 0 else None,
            order_total=Decimal("80.00") if index == 0 else Decimal("0"),
            order_currency="EUR",
        )
    # A held conversion counts nowhere until staff approve it.
    Referral.objects.create(
        referrer=referrer,
        code=code,
        referred_key="held@mailinator.com",
        source="discount_code",
        status="held",
        converted_at=_at(0),
        order_total=Decimal("500.00"),
        order_currency="EUR",
    )
    LedgerEntry.objects.create(
        member=referrer,
        kind=EntryKind.AWARD,
        points=100,
        source_key="activity:1:rule:1",
        origin_key="referral:1",
        occurred_at=_at(1),
        created_at=_at(1),
    )


def test_weekly_figures_count_each_thing_in_the_week_it_happened(referrer):
    _history(referrer)
    weeks = queries.weekly_figures(referrer, weeks=6, now=NOW)
    assert [week.starts for week in weeks] == [
        THIS_MONDAY - datetime.timedelta(weeks=n) for n in (5, 4, 3, 2, 1, 0)
    ]
    assert [week.clicks for week in weeks] == [1, 0, 0, 0, 2, 2]
    assert [week.sign_ups for week in weeks] == [0, 0, 0, 0, 3, 0]
    assert [week.first_orders for week in weeks] == [0, 0, 0, 0, 0, 1]
    assert weeks[-1].revenue == Decimal("80.00")
    assert weeks[-1].conversion_rate == Decimal("50.0")
    assert [week.points for week in weeks] == [0, 0, 0, 0, 0, 100]


def test_dashboard_draws_charts_and_a_weekly_table(client, referrer, ambassador):
    _history(referrer)
    client.force_login(referrer)
    response = client.get("/referrals/ambassadors/dashboard/")
    page = response.content.decode()
    assert 'canvas data-chart="activity"' in page
    assert "vendor/chartjs/chart.umd" in page
    start = page.index('id="fw-referral-chart-data"')
    data = json.loads(page[page.index(">", start) + 1 : page.index("</script>", start)])
    assert len(data["activity"]["labels"]) == queries.DASHBOARD_WEEKS
    assert [serie["label"] for serie in data["activity"]["series"]] == [
        "Clicks",
        "Sign-ups",
        "First orders",
    ]
    assert (
        sum(data["activity"]["series"][0]["values"])
        == ReferralClick.objects.filter(
            created_at__gte=timezone.now() - datetime.timedelta(weeks=12)
        ).count()
    )
    assert page.count("<tr><td>") == queries.DASHBOARD_WEEKS


def test_weekly_csv_has_one_row_per_week(client, referrer, ambassador):
    _history(referrer)
    client.force_login(referrer)
    response = client.get("/referrals/ambassadors/dashboard.csv?by=week")
    assert response["Content-Disposition"].endswith('referrals-by-week.csv"')
    lines = response.content.decode().splitlines()
    assert lines[0] == "week_starting,clicks,sign_ups,first_orders,revenue,conversion_rate,points"
    assert len(lines) == 1 + queries.DASHBOARD_WEEKS


def test_the_weekly_csv_is_refused_to_members_who_are_not_ambassadors(client, referrer):
    client.force_login(referrer)
    assert client.get("/referrals/ambassadors/dashboard.csv?by=week").status_code == 404
    client.logout()
    response = client.get("/referrals/ambassadors/dashboard.csv?by=week")
    assert response.status_code == 302


@pytest.mark.parametrize("friends", [5, 50])
def test_dashboard_query_count_is_flat(
    friends, client, referrer, ambassador, django_assert_num_queries
):
    _history(referrer, friends=friends)
    client.force_login(referrer)
    client.get("/referrals/ambassadors/dashboard/")
    # session, member, ambassador+tier, clicks, totals, currency, points, four weekly
    # series, codes
    with django_assert_num_queries(DASHBOARD_QUERIES):
        assert client.get("/referrals/ambassadors/dashboard/").status_code == 200
