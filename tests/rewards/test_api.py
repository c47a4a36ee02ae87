"""The rewards API: my balance and ledger, leaderboards, perks, redeeming."""

import pytest

from flywheel.community.models import Visibility
from flywheel.rewards import services
from flywheel.rewards.rules import apply_rules_for_activity
from tests.api.conftest import ApiClient, assert_error, token_for
from tests.factories import AdminFactory, SpaceFactory, UserFactory
from tests.rewards.conftest import activity, make_perk, make_rule, make_tier

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(member):
    return ApiClient(token=token_for(member))


def give(member, points):
    services.adjust_points(member=member, points=points, reason="Welcome gift", by=AdminFactory())


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/rewards/me"),
        ("get", "/rewards/me/ledger"),
        ("get", "/rewards/me/redemptions"),
        ("post", "/rewards/perks/1/redeem"),
    ],
)
def test_anonymous_callers_get_401(db, method, path):
    assert_error(getattr(ApiClient(), method)(path), 401, "not_authenticated")


def test_my_balance_shows_tier_and_what_the_next_one_needs(api, member):
    make_rule(verb="event_attended", points=40)
    make_tier(rank=1, slug="insider", name="Insider", min_points=30)
    make_tier(rank=2, slug="gold", name="Gold", min_points=100)
    apply_rules_for_activity(activity(actor=member, verb="event_attended"))
    body = api.get("/rewards/me").json()
    assert body["balance"] == 40
    assert body["pending"] == 0
    assert body["tier"]["slug"] == "insider"
    assert body["next_tier"]["slug"] == "gold"
    assert body["points_to_next_tier"] == 60


def test_my_ledger_pages_with_a_cursor(api, member):
    for _ in range(7):
        give(member, 2)
    first = api.get("/rewards/me/ledger", {"limit": 5}).json()
    assert len(first["items"]) == 5
    assert first["items"][0]["kind"] == "adjust"
    second = api.get("/rewards/me/ledger", {"limit": 5, "cursor": first["next_cursor"]}).json()
    assert len(second["items"]) == 2
    assert second["next_cursor"] is None
    assert_error(api.get("/rewards/me/ledger", {"cursor": "garbage"}), 422, field="cursor")


def test_another_members_ledger_is_404_but_staff_see_it(api, other_member):
    give(other_member, 3)
    assert_error(api.get(f"/rewards/members/{other_member.handle}/ledger"), 404, "not_found")
    staff = ApiClient(token=token_for(AdminFactory()))
    body = staff.get(f"/rewards/members/{other_member.handle}/ledger").json()
    assert [item["points"] for item in body["items"]] == [3]


def test_redeeming_returns_the_code_or_content(api, member):
    give(member, 100)
    perk = make_perk(cost_points=60)
    response = api.post(f"/rewards/perks/{perk.pk}/redeem")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "fulfilled"
    assert "wind tunnel" in body["content"]
    assert api.get("/rewards/me").json()["balance"] == 40
    assert [r["id"] for r in api.get("/rewards/me/redemptions").json()] == [body["id"]]


def test_redeeming_with_too_few_points_is_409_naming_points(api, member):
    give(member, 10)
    perk = make_perk(cost_points=60)
    error = assert_error(
        api.post(f"/rewards/perks/{perk.pk}/redeem"), 409, "insufficient_points", field="points"
    )
    assert "60 points" in error["message"]
    assert api.get("/rewards/me").json()["balance"] == 10


@pytest.mark.parametrize("perk_id", [0, 999999, 2**70])
def test_redeeming_an_unknown_perk_is_404_or_422(api, perk_id):
    response = api.post(f"/rewards/perks/{perk_id}/redeem")
    assert response.status_code in (404, 422)


def test_perks_and_leaderboard_are_public(db):
    make_perk(name="Notes")
    assert [p["name"] for p in ApiClient().get("/rewards/perks").json()] == ["Notes"]
    body = ApiClient().get("/rewards/leaderboard", {"period": "all"}).json()
    assert body == {"period": "all", "space": None, "items": [], "my_rank": None, "my_points": None}


def test_the_leaderboard_ranks_and_hides_private_spaces(api, member):
    make_rule(verb="event_attended", points=5)
    others = [UserFactory() for _ in range(2)]
    for leader in others:
        for _ in range(3):
            apply_rules_for_activity(activity(actor=leader, verb="event_attended"))
    apply_rules_for_activity(activity(actor=member, verb="event_attended"))
    body = api.get("/rewards/leaderboard", {"period": "week"}).json()
    assert [item["points"] for item in body["items"]] == [15, 15, 5]
    assert (body["my_rank"], body["my_points"]) == (3, 5)
    assert_error(api.get("/rewards/leaderboard", {"period": "year"}), 422, field="period")
    secret = SpaceFactory(visibility=Visibility.GATED)
    assert_error(api.get("/rewards/leaderboard", {"space": secret.slug}), 404)


def test_leaderboard_api_query_count_is_flat(api, member, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_rule(verb="event_attended", points=5)
    for _ in range(5):
        apply_rules_for_activity(activity(actor=UserFactory(), verb="event_attended"))
    api.get("/rewards/leaderboard")
    with CaptureQueriesContext(connection) as five:
        api.get("/rewards/leaderboard")
    for _ in range(50):
        apply_rules_for_activity(activity(actor=UserFactory(), verb="event_attended"))
    with django_assert_num_queries(len(five)):
        body = api.get("/rewards/leaderboard").json()
    assert len(body["items"]) == 50
