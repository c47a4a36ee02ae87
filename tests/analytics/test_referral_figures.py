"""Referral rate, K-factor and referred revenue on a community built by hand.

The period is the 30 days to today. Before it, four members: rita (the referrer), and
three others. In it, three sign up: fred and fay through rita's link, olga on her own.

    referral rate = referred new members / new members = 2 / 3 = 0.667
    K-factor      = referred new members / members before the period = 2 / 4 = 0.5

fred pays 40.00 EUR and olga 25.00 EUR: revenue from referred members is fred's 40.00.
rita's reach in the advocate score counts fred and fay.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from flywheel.analytics import queries, services
from flywheel.analytics.models import MemberFact, MemberSource
from flywheel.analytics.queries import Period
from flywheel.commerce.models import Store
from flywheel.referrals import services as referrals
from flywheel.referrals.models import ReferralClick
from tests.analytics.dataset import order, verified
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def community(settings):
    settings.FLYWHEEL_REFERRAL_MIN_TRUST_LEVEL = 0
    now = timezone.now()
    today = timezone.localdate()
    long_ago = now - dt.timedelta(days=90)
    rita = verified(UserFactory(handle="rita", date_joined=long_ago))
    for handle in ("ola", "pia", "quin"):
        UserFactory(handle=handle, date_joined=long_ago)
    code = referrals.code_for_member(rita)
    _click, token = referrals.record_click(
        code=code, ip_hash="", user_agent="test", landing_path="/", target="community"
    )
    ReferralClick.objects.update(created_at=now - dt.timedelta(days=10))
    fred = verified(UserFactory(handle="fred", date_joined=now - dt.timedelta(days=5)))
    fay = verified(UserFactory(handle="fay", date_joined=now - dt.timedelta(days=4)))
    olga = verified(UserFactory(handle="olga", date_joined=now - dt.timedelta(days=3)))
    assert referrals.attribute_signup(member=fred, token=token) is not None
    assert referrals.attribute_signup(member=fay, token=token) is not None
    store = Store.objects.create(
        platform="shopify", domain="s.example.com", webhook_secret="s", currency="EUR"
    )
    order(store, "f1", email=fred.email, placed=now - dt.timedelta(days=2), total="40.00")
    order(store, "o1", email=olga.email, placed=now - dt.timedelta(days=2), total="25.00")
    services.update_rollups()
    return {
        "rita": rita,
        "fred": fred,
        "olga": olga,
        "period": Period(today - dt.timedelta(days=29), today),
    }


def test_members_who_signed_up_through_a_link_come_from_referrals(community):
    assert MemberFact.objects.get(member=community["fred"]).source == MemberSource.REFERRAL
    assert MemberFact.objects.get(member=community["olga"]).source == MemberSource.ORGANIC


def test_referral_rate_and_k_factor(community):
    growth = queries.growth_summary(community["period"])
    assert growth["new"] == 3
    assert growth["members_before"] == 4
    assert growth["referral_rate"] == 0.667
    assert growth["k_factor"] == 0.5


def test_referred_revenue_counts_only_referred_members_orders(community):
    summary = queries.referral_summary(community["period"])
    assert summary["referred_member_revenue"] == {"EUR": Decimal("40.00")}
    assert summary["clicks"] == 1
    assert summary["referred_sign_ups"] == 2


def test_people_a_member_referred_count_in_their_reach(community):
    scores = queries.advocate_scores(community["period"], member_ids=[community["rita"].pk])
    assert scores[community["rita"].pk].reach == 2


def test_the_commerce_page_shows_the_referral_figures(community, client):
    owner = UserFactory(role="owner")
    client.force_login(owner)
    response = client.get("/manage/commerce/?table=referrals")
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert "K-factor,0.5" in lines
    assert "Net revenue from referred members (EUR),40.00" in lines
