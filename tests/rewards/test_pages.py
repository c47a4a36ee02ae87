"""Wallet, leaderboard, perks and member-of-the-month pages: what members see and may do."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from flywheel.community.models import Visibility
from flywheel.rewards import services
from flywheel.rewards.models import LeaderboardScore, MemberOfTheMonth, Nomination, Period
from flywheel.rewards.rules import apply_rules_for_activity
from tests.factories import AdminFactory, SpaceFactory, UserFactory, make_reply, make_topic
from tests.rewards.conftest import activity, make_perk, make_rule, make_tier

pytestmark = pytest.mark.django_db


def give(member, points):
    services.adjust_points(member=member, points=points, reason="Welcome gift", by=AdminFactory())


def count_queries(client, url) -> int:
    client.get(url)  # once-a-day and once-a-process reads (site, last visit) out of the way
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


# ------------------------------------------------------------------ denied cases


@pytest.mark.parametrize(
    "url",
    ["/rewards/wallet/", "/rewards/members/someone/ledger/"],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_anonymous_redeem_is_refused_and_spends_nothing(client):
    perk = make_perk()
    response = client.post(reverse("rewards:redeem", kwargs={"perk_id": perk.pk}))
    assert response.status_code == 403
    assert not perk.redemptions.exists()


def test_another_members_ledger_is_not_found(client, member, other_member):
    give(other_member, 10)
    client.force_login(member)
    url = reverse("rewards:member_ledger", kwargs={"handle": other_member.handle})
    response = client.get(url)
    assert response.status_code == 404
    assert "Welcome gift" not in response.content.decode()


def test_staff_can_open_any_members_ledger(client, member):
    give(member, 10)
    client.force_login(AdminFactory())
    response = client.get(reverse("rewards:member_ledger", kwargs={"handle": member.handle}))
    assert response.status_code == 200
    assert "Welcome gift" in response.content.decode()


def test_redeeming_with_too_few_points_is_a_409_naming_the_points(client, member):
    give(member, 5)
    perk = make_perk(cost_points=50)
    client.force_login(member)
    response = client.post(reverse("rewards:redeem", kwargs={"perk_id": perk.pk}))
    assert response.status_code == 409
    assert "50 points" in response.content.decode()
    assert not perk.redemptions.exists()


def test_redeeming_with_too_few_points_over_htmx_shows_the_message_in_the_card(client, member):
    perk = make_perk(cost_points=50)
    client.force_login(member)
    response = client.post(
        reverse("rewards:redeem", kwargs={"perk_id": perk.pk}), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "You need 50 points" in response.content.decode()
    assert not perk.redemptions.exists()


def test_an_unknown_perk_is_not_found(client, member):
    client.force_login(member)
    assert client.post(reverse("rewards:redeem", kwargs={"perk_id": 999})).status_code == 404


def test_a_private_spaces_leaderboard_is_locked_to_outsiders(client, member):
    secret = SpaceFactory(visibility=Visibility.GATED)
    response = client.get(reverse("rewards:leaderboard"), {"space": secret.slug})
    assert response.status_code == 403
    client.force_login(member)
    response = client.get(reverse("rewards:leaderboard"), {"space": "no-such-space"})
    assert response.status_code == 404


# ------------------------------------------------------------------ wallet


def test_the_wallet_shows_balance_pending_tier_progress_history_and_codes(client, member):
    make_rule(verb="event_attended", points=40)
    make_tier(rank=1, name="Insider", min_points=30)
    make_tier(rank=2, name="Gold", min_points=100)
    apply_rules_for_activity(activity(actor=member, verb="event_attended"))
    services.redeem_perk(member=member, perk=make_perk(name="Field notes", cost_points=25))
    client.force_login(member)
    html = client.get(reverse("rewards:wallet")).content.decode()
    assert 'data-balance="15"' in html
    assert "Insider" in html
    assert "60 more points to Gold" in html
    assert "Field notes" in html
    assert "The wind tunnel runs at 90 km/h." in html  # the exclusive content, rendered
    assert "event_attended rule" in html  # the history names the rule


def test_the_wallet_history_is_paginated(client, member):
    for _ in range(30):
        give(member, 1)
    client.force_login(member)
    first = client.get(reverse("rewards:wallet")).content.decode()
    assert first.count("Welcome gift") == 25
    second = client.get(reverse("rewards:wallet"), {"page": 2}).content.decode()
    assert second.count("Welcome gift") == 5
    assert client.get(reverse("rewards:wallet"), {"page": "x"}).status_code == 200


def test_wallet_query_count_is_flat(client, member, django_assert_num_queries):
    client.force_login(member)
    make_tier(rank=1, min_points=10_000)
    for _ in range(5):
        give(member, 3)
        services.redeem_perk(member=member, perk=make_perk(cost_points=1))
    with_five = count_queries(client, reverse("rewards:wallet"))
    for _ in range(45):
        give(member, 3)
        services.redeem_perk(member=member, perk=make_perk(cost_points=1))
    with django_assert_num_queries(with_five):
        client.get(reverse("rewards:wallet"))


def test_the_navbar_links_signed_in_members_to_their_wallet(client, member):
    assert 'id="nav-wallet"' not in client.get("/").content.decode()
    client.force_login(member)
    assert f'href="{reverse("rewards:wallet")}"' in client.get("/").content.decode()


# ------------------------------------------------------------------ perks


def test_redeeming_over_htmx_swaps_in_the_result(client, member):
    give(member, 100)
    perk = make_perk(cost_points=60)
    client.force_login(member)
    response = client.post(
        reverse("rewards:redeem", kwargs={"perk_id": perk.pk}), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "Redeemed!" in response.content.decode()
    assert perk.redemptions.filter(member=member).count() == 1


def test_redeeming_without_htmx_goes_to_the_wallet(client, member):
    give(member, 100)
    perk = make_perk(cost_points=60)
    client.force_login(member)
    response = client.post(reverse("rewards:redeem", kwargs={"perk_id": perk.pk}))
    assert response.status_code == 302
    assert response["Location"] == reverse("rewards:wallet")


def test_perks_page_query_count_is_flat(client, member, django_assert_num_queries):
    client.force_login(member)
    tier = make_tier(rank=1, min_points=10)
    for _ in range(5):
        make_perk(min_tier=tier, space=SpaceFactory())
    with_five = count_queries(client, reverse("rewards:perks"))
    for _ in range(45):
        make_perk(min_tier=tier, space=SpaceFactory())
    with django_assert_num_queries(with_five):
        response = client.get(reverse("rewards:perks"))
    assert response.content.decode().count('id="perk-action-') == 50


# ------------------------------------------------------------------ leaderboards


def test_points_land_on_the_weekly_monthly_and_all_time_boards_overall_and_per_space(
    member, django_capture_on_commit_callbacks
):
    make_rule(verb="reply_created", points=10)
    space = SpaceFactory()
    topic = make_topic(space=space)
    with django_capture_on_commit_callbacks(execute=True):
        make_reply(topic=topic, author=member)
    scores = LeaderboardScore.objects.filter(member=member)
    assert sorted((s.period, s.space_id or 0, s.points) for s in scores) == sorted(
        [(p, sp, 10) for p in Period.values for sp in (0, space.pk)]
    )


def test_the_leaderboard_shows_the_top_and_the_viewers_own_rank(client, member):
    make_rule(verb="event_attended", points=10)
    leaders = [UserFactory() for _ in range(3)]
    for index, leader in enumerate(leaders):
        for _ in range(index + 2):
            apply_rules_for_activity(activity(actor=leader, verb="event_attended"))
    apply_rules_for_activity(activity(actor=member, verb="event_attended"))
    client.force_login(member)
    from flywheel.rewards import queries

    board = queries.leaderboard("week", viewer=member, size=2)
    assert [score.member for score in board.top] == [leaders[2], leaders[1]]
    assert board.viewer_rank == 4
    html = client.get(reverse("rewards:leaderboard"), {"period": "month"}).content.decode()
    assert "You are #4 with 10 points." in html
    assert html.index(leaders[2].name) < html.index(leaders[0].name)


def test_last_weeks_points_are_not_on_this_weeks_board(client, member):
    make_rule(verb="event_attended", points=10)
    apply_rules_for_activity(
        activity(
            actor=member, verb="event_attended", at=timezone.now() - datetime.timedelta(days=8)
        )
    )
    client.force_login(member)
    html = client.get(reverse("rewards:leaderboard"), {"period": "week"}).content.decode()
    assert "You have no points in this period yet." in html
    html = client.get(reverse("rewards:leaderboard"), {"period": "all"}).content.decode()
    assert "You are #1 with 10 points." in html


def test_a_space_board_counts_only_that_space(client, member, other_member):
    make_rule(verb="event_attended", points=10)
    here, elsewhere = SpaceFactory(), SpaceFactory()
    apply_rules_for_activity(activity(actor=member, verb="event_attended", space=here))
    apply_rules_for_activity(activity(actor=other_member, verb="event_attended", space=elsewhere))
    html = client.get(
        reverse("rewards:leaderboard"), {"period": "all", "space": here.slug}
    ).content.decode()
    assert member.name in html
    assert other_member.name not in html


def test_leaderboard_query_count_is_flat(client, member, django_assert_num_queries):
    make_rule(verb="event_attended", points=10)
    client.force_login(member)
    for _ in range(5):
        apply_rules_for_activity(activity(actor=UserFactory(), verb="event_attended"))
    apply_rules_for_activity(activity(actor=member, verb="event_attended", at=None))
    url = reverse("rewards:leaderboard") + "?period=all"
    with_five = count_queries(client, url)
    for _ in range(60):
        leader = UserFactory()
        for _ in range(2):
            apply_rules_for_activity(activity(actor=leader, verb="event_attended"))
    with django_assert_num_queries(with_five):
        response = client.get(url)
    html = response.content.decode()
    assert html.count('class="list-group-item d-flex') == 50
    assert "You are #61 with 10 points." in html


# ------------------------------------------------------------------ member of the month


def test_a_member_nominates_someone_with_a_reason(client, member, other_member):
    client.force_login(member)
    response = client.post(
        reverse("rewards:member_of_the_month"),
        {"nominee": f"@{other_member.handle}", "reason": "Answers every tent question kindly."},
    )
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert (nomination.nominator, nomination.nominee) == (member, other_member)


@pytest.mark.parametrize(
    ("nominee", "reason", "field"),
    [
        ("nobody-here", "A long enough reason.", "nominee"),
        ("self", "A long enough reason.", "nominee"),
        ("other", "short", "reason"),
    ],
)
def test_bad_nominations_are_a_422_naming_the_field(
    client, member, other_member, nominee, reason, field
):
    handle = {"self": member.handle, "other": other_member.handle}.get(nominee, nominee)
    client.force_login(member)
    response = client.post(
        reverse("rewards:member_of_the_month"), {"nominee": handle, "reason": reason}
    )
    assert response.status_code == 422
    assert f'id="{field}"' in response.content.decode()
    assert "is-invalid" in response.content.decode()
    assert not Nomination.objects.exists()


def test_one_nomination_per_member_per_month(client, member, other_member):
    client.force_login(member)
    data = {"nominee": other_member.handle, "reason": "Helpful on every trip report."}
    client.post(reverse("rewards:member_of_the_month"), data)
    response = client.post(reverse("rewards:member_of_the_month"), data)
    assert response.status_code == 422
    assert "already nominated" in response.content.decode()
    assert Nomination.objects.count() == 1


def test_anonymous_nominations_go_to_sign_in(client, other_member):
    response = client.post(
        reverse("rewards:member_of_the_month"),
        {"nominee": other_member.handle, "reason": "Always helpful and kind."},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_staff_pick_is_featured_on_the_home_page(client, member):
    services.pick_member_of_the_month(
        member=member, citation="Fixed half the forum's stoves.", by=AdminFactory()
    )
    html = client.get("/").content.decode()
    assert 'id="member-of-the-month"' in html
    assert "Fixed half the forum" in html
    assert MemberOfTheMonth.objects.count() == 1


def test_only_the_brand_team_picks(member, other_member):
    from flywheel.core.exceptions import InvalidInput

    with pytest.raises(InvalidInput):
        services.pick_member_of_the_month(member=member, citation="x", by=other_member)
