import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from flywheel.referrals import services
from flywheel.referrals.models import (
    Ambassador,
    AmbassadorApplication,
    AmbassadorTier,
    Referral,
    ReferralClick,
)
from tests.factories import AdminFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tier():
    return AmbassadorTier.objects.create(
        name="Gold", slug="gold", rank=1, commission_percent=Decimal("10"), bonus_points=50
    )


def test_share_link_records_the_click_and_sets_the_cookie(client, referrer):
    code = services.code_for_member(referrer).code
    response = client.get(f"/r/{code.lower()}?next=/spaces/", HTTP_USER_AGENT="UA/1")
    assert response.status_code == 302
    assert response["Location"] == "/spaces/"
    click = ReferralClick.objects.get()
    assert (click.user_agent, click.landing_path, click.target) == ("UA/1", "/spaces/", "community")
    assert click.ip_hash and "127.0.0.1" not in click.ip_hash
    assert response.cookies["fw_ref"]["httponly"]


def test_share_link_never_redirects_off_site(client, referrer):
    code = services.code_for_member(referrer).code
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.get(f"/r/{code}", {"next": evil})
        assert response.status_code == 302
        assert response["Location"] == "/accounts/signup/"


def test_share_link_to_the_store_adds_the_ref_parameter(client, shop, referrer):
    code = services.code_for_member(referrer).code
    response = client.get(f"/r/{code}?to=store")
    assert response["Location"] == f"https://trail-gear.myshopify.com/?ref={code}"


def test_unknown_code_is_404(client):
    assert client.get("/r/NOPE-1234").status_code == 404


def test_first_touch_keeps_the_earlier_cookie(client, referrer):
    first = services.code_for_member(referrer).code
    second = services.code_for_member(UserFactory()).code
    cookie = client.get(f"/r/{first}").cookies["fw_ref"].value
    assert "fw_ref" not in client.get(f"/r/{second}").cookies
    assert client.cookies["fw_ref"].value == cookie


def test_invite_page_shows_the_link_and_needs_sign_in(client, referrer):
    assert client.get("/referrals/").status_code == 302
    client.force_login(referrer)
    response = client.get("/referrals/")
    code = services.code_for_member(referrer).code
    assert response.status_code == 200
    assert f"/r/{code}".encode() in response.content
    assert b"<script>" not in response.content


def test_each_member_gets_one_unique_code(referrer):
    assert services.code_for_member(referrer) == services.code_for_member(referrer)
    assert services.code_for_member(UserFactory()).code != services.code_for_member(referrer).code


def test_invite_page_lists_referrals_in_flat_queries(client, referrer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    code = services.code_for_member(referrer)
    client.force_login(referrer)

    def add(count, start):
        for index in range(start, start + count):
            Referral.objects.create(
                referrer=referrer,
                code=code,
                referred_key=f"f{index}@example.org",
                referred_member=UserFactory(),
                source="signup",
            )

    add(5, 0)
    client.get("/referrals/")  # warms per-process caches (content types, session)
    with CaptureQueriesContext(connection) as five:
        assert client.get("/referrals/").status_code == 200
    add(45, 5)
    with CaptureQueriesContext(connection) as fifty:
        assert client.get("/referrals/").status_code == 200
    assert len(fifty) == len(five)


def test_ambassador_application_validates_and_names_the_field(client, referrer):
    client.force_login(referrer)
    response = client.post(
        "/referrals/ambassadors/apply/",
        {"why": "I love it", "social_profiles": "not a link", "audience_size": "100"},
    )
    assert response.status_code == 400
    assert b"profile link" in response.content
    response = client.post(
        "/referrals/ambassadors/apply/",
        {"why": "I love it", "social_profiles": "https://x.com/anna", "audience_size": "100"},
    )
    assert response.status_code == 302
    assert AmbassadorApplication.objects.get().audience_size == 100


def test_members_cannot_open_staff_pages(client, referrer):
    client.force_login(referrer)
    for path in (
        "/referrals/staff/review/",
        "/referrals/staff/ambassadors/",
        "/referrals/staff/payouts.csv",
    ):
        assert client.get(path).status_code == 403
    application = AmbassadorApplication.objects.create(
        member=referrer, why="x", social_profiles="https://x", audience_size=1
    )
    response = client.post(f"/referrals/staff/applications/{application.pk}/decline/")
    assert response.status_code == 403


def test_dashboard_is_only_for_ambassadors(client, referrer, tier):
    client.force_login(referrer)
    assert client.get("/referrals/ambassadors/dashboard/").status_code == 404
    assert client.get("/referrals/ambassadors/dashboard.csv").status_code == 404
    Ambassador.objects.create(member=referrer, tier=tier)
    assert client.get("/referrals/ambassadors/dashboard/").status_code == 200


def test_staff_approve_an_application_and_export_payouts(client, referrer, tier):
    application = services.apply_for_ambassador(
        member=referrer, why="Love it", social_profiles="https://x.com/anna", audience_size=5000
    )
    admin = AdminFactory()
    client.force_login(admin)
    response = client.post(
        f"/referrals/staff/applications/{application.pk}/approve/", {"tier": tier.pk}
    )
    assert response.status_code == 302
    ambassador = Ambassador.objects.get(member=referrer)
    code = services.code_for_member(referrer)
    Referral.objects.create(
        referrer=referrer,
        code=code,
        referred_key="f@example.org",
        source="email",
        status="approved",
        order_total=Decimal("200.00"),
        order_currency="EUR",
        converted_at=timezone.now() - datetime.timedelta(days=40),
    )
    csv = client.get("/referrals/staff/payouts.csv").content.decode()
    assert ambassador.tier.name in csv
    assert "20.00" in csv.splitlines()[1]  # 10 % of 200.00


def test_vanity_code_is_created_in_the_shop_and_retired_when_the_ambassador_leaves(
    client, shop, referrer, tier
):
    _store, fake = shop
    ambassador = Ambassador.objects.create(member=referrer, tier=tier)
    client.force_login(AdminFactory())
    client.post(f"/referrals/staff/ambassadors/{ambassador.pk}/code/", {"code": "anna10"})
    assert [c["code"] for c in fake.discount_codes.values()] == ["ANNA10"]
    # The same code twice is refused, not a 500.
    response = client.post(
        f"/referrals/staff/ambassadors/{ambassador.pk}/code/", {"code": "ANNA10"}
    )
    assert response.status_code == 302
    assert len(fake.discount_codes) == 1
    client.post(f"/referrals/staff/ambassadors/{ambassador.pk}/retire/")
    assert fake.discount_codes == {}
    assert client.get("/r/ANNA10").status_code == 404


def test_api_gives_the_member_their_code_and_refuses_anonymous(client, referrer):
    assert client.get("/api/v1/referrals/me").status_code == 401
    client.force_login(referrer)
    body = client.get("/api/v1/referrals/me").json()
    assert body["code"] == services.code_for_member(referrer).code
    assert body["link"].endswith(f"/r/{body['code']}")
    assert body["figures"]["clicks"] == 0
    assert client.get("/api/v1/referrals/me/referrals").json() == []
