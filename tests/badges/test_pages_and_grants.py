"""Badge pages, staff grants (and members denied), badges on profiles and next to names."""

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from flywheel.badges import services
from flywheel.badges.models import Badge, BadgeGrade, BadgeGrant
from flywheel.core.exceptions import Conflict, InvalidInput
from flywheel.notifications.models import Notification, NotificationKind
from tests.api.conftest import ApiClient, assert_error, token_for
from tests.factories import SpaceFactory, UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def champion(defaults):
    return defaults["community-champion"]


def give(member, badge, occasion=""):
    return BadgeGrant.objects.create(
        member=member, badge=badge, occasion=occasion, granted_at=timezone.now()
    )


def count_queries(client, url) -> int:
    client.get(url)  # warm process-wide caches (the Site row)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


# ---------------------------------------------------------------- staff grants


def test_the_brand_team_gives_a_manual_badge_and_the_member_is_notified(
    moderator, member, champion
):
    grant = services.grant_badge_by_staff(
        badge=champion, member=member, by=moderator, reason="Ran the meetup"
    )
    assert (grant.member, grant.granted_by, grant.reason) == (member, moderator, "Ran the meetup")
    assert Notification.objects.filter(
        recipient=member, kind=NotificationKind.BADGE_GRANTED
    ).exists()


def test_members_cannot_give_badges(member, other_member, champion):
    with pytest.raises(PermissionDenied):
        services.grant_badge_by_staff(badge=champion, member=other_member, by=member)
    assert not BadgeGrant.objects.exists()


def test_staff_cannot_give_a_badge_that_is_earned_automatically(moderator, member, defaults):
    with pytest.raises(InvalidInput) as refused:
        services.grant_badge_by_staff(badge=defaults["first-post"], member=member, by=moderator)
    assert refused.value.field == "badge"
    assert not BadgeGrant.objects.exists()


def test_a_second_grant_of_a_single_badge_is_a_conflict(moderator, member, champion):
    services.grant_badge_by_staff(badge=champion, member=member, by=moderator)
    with pytest.raises(Conflict):
        services.grant_badge_by_staff(badge=champion, member=member, by=moderator)
    assert BadgeGrant.objects.count() == 1


def test_a_multi_grant_manual_badge_can_be_given_again(moderator, member):
    badge = Badge.objects.create(
        slug="helper", name="Helper", description="x", is_manual=True, is_multi_grant=True
    )
    services.grant_badge_by_staff(badge=badge, member=member, by=moderator)
    services.grant_badge_by_staff(badge=badge, member=member, by=moderator)
    assert BadgeGrant.objects.filter(member=member, badge=badge).count() == 2


def test_the_badge_page_lets_staff_give_it(client, moderator, member, champion):
    client.force_login(moderator)
    url = reverse("badges:detail", kwargs={"slug": champion.slug})
    assert 'name="handle"' in client.get(url).content.decode()
    response = client.post(
        reverse("badges:award", kwargs={"slug": champion.slug}),
        {"handle": f"@{member.handle}", "reason": "Welcomed newcomers"},
    )
    assert response.status_code == 302
    assert BadgeGrant.objects.get(badge=champion).member == member


def test_the_badge_page_refuses_members_and_signed_out_visitors(
    client, member, other_member, champion
):
    url = reverse("badges:award", kwargs={"slug": champion.slug})
    assert client.post(url, {"handle": other_member.handle}).status_code == 403
    client.force_login(member)
    assert 'name="handle"' not in client.get(champion.get_absolute_url()).content.decode()
    assert client.post(url, {"handle": other_member.handle}).status_code == 403
    assert not BadgeGrant.objects.exists()


def test_giving_a_badge_to_an_unknown_handle_says_so(client, moderator, champion):
    client.force_login(moderator)
    response = client.post(
        reverse("badges:award", kwargs={"slug": champion.slug}), {"handle": "nobody-here"}
    )
    assert response.status_code == 400
    assert "nobody-here" in response.content.decode()
    assert not BadgeGrant.objects.exists()


def test_the_api_lets_staff_give_a_badge(moderator, member, champion):
    response = ApiClient(token=token_for(moderator)).post(
        f"/badges/{champion.slug}/grants", {"handle": member.handle, "reason": "Thanks"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["member"]["handle"] == member.handle


def test_the_api_refuses_members_giving_badges(member, other_member, champion):
    response = ApiClient(token=token_for(member)).post(
        f"/badges/{champion.slug}/grants", {"handle": other_member.handle}
    )
    assert_error(response, 403)
    assert not BadgeGrant.objects.exists()


def test_the_api_refuses_an_automatic_badge_naming_the_field(moderator, member, defaults):
    response = ApiClient(token=token_for(moderator)).post(
        "/badges/first-post/grants", {"handle": member.handle}
    )
    assert_error(response, 422, field="badge")


# ---------------------------------------------------------------- directory and detail


def test_the_directory_shows_each_badge_with_its_grade_and_holders(client, member, defaults):
    give(member, defaults["accepted-answers-50"])
    html = client.get(reverse("badges:directory")).content.decode()
    assert 'data-badge="accepted-answers-50"' in html
    assert 'data-grade="gold"' in html
    assert 'data-grade="silver"' in html
    assert 'data-grade="bronze"' in html
    assert "1 member holds it" in html
    assert member.name in html


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_directory_query_count_does_not_grow_with_badges_or_holders(
    client, member, signed_in, django_assert_num_queries
):
    if signed_in:
        client.force_login(member)

    def add_badges(count):
        for _ in range(count):
            badge = Badge.objects.create(
                slug=f"b{Badge.objects.count()}", name="B", description="x", is_manual=True
            )
            for holder in [UserFactory() for _ in range(3)]:
                give(holder, badge)

    add_badges(5)
    with_five = count_queries(client, reverse("badges:directory"))
    add_badges(45)
    with django_assert_num_queries(with_five):
        response = client.get(reverse("badges:directory"))
    assert response.content.decode().count("fw-badge-card") == 30


def test_the_badge_page_lists_holders_with_a_flat_query_count(
    client, champion, django_assert_num_queries
):
    for _ in range(5):
        give(UserFactory(), champion)
    url = champion.get_absolute_url()
    with_five = count_queries(client, url)
    for _ in range(55):
        give(UserFactory(), champion)
    with django_assert_num_queries(with_five):
        response = client.get(url)
    html = response.content.decode()
    assert "60 members hold it" in html
    assert response.context["page_obj"].paginator.num_pages == 2


def test_an_unknown_or_retired_badge_is_not_found(client, champion):
    assert client.get(reverse("badges:detail", kwargs={"slug": "nope"})).status_code == 404
    Badge.objects.filter(pk=champion.pk).update(is_active=False)
    assert client.get(champion.get_absolute_url()).status_code == 404


# ---------------------------------------------------------------- profiles and names


def test_a_profile_shows_the_members_badges_best_first_with_counts(client, member, defaults):
    give(member, defaults["first-post"])
    give(member, defaults["great-post"], occasion="post:1")
    give(member, defaults["great-post"], occasion="post:2")
    give(member, defaults["accepted-answers-50"])
    html = client.get(
        reverse("accounts:profile", kwargs={"handle": member.handle})
    ).content.decode()
    section = html[html.index("fw-profile-badges") :]
    assert section.index("Guru") < section.index("Great post") < section.index("First post")
    assert "×2" in section


def test_a_profile_without_badges_says_so(client, member, defaults):
    html = client.get(
        reverse("accounts:profile", kwargs={"handle": member.handle})
    ).content.decode()
    assert "No badges yet." in html


def test_badges_appear_next_to_authors_names_best_three(client, member, other_member, defaults):
    for slug in ["first-post", "event-goer", "accepted-answers-10", "accepted-answers-50"]:
        give(member, defaults[slug])
    topic = make_topic(author=member)
    make_reply(topic=topic, author=other_member)
    html = client.get(topic.get_absolute_url()).content.decode()
    opening = html[html.index('id="post-1"') : html.index('id="post-2"')]
    assert opening.count("fw-name-badge") == 3
    assert "Badge: Guru (Gold)" in opening
    assert "Badge: First post" not in opening or "Badge: Event goer" not in opening
    reply = html[html.index('id="post-2"') :]
    assert "fw-name-badge" not in reply[: reply.index("</header>")]


@pytest.mark.parametrize("signed_in", [False, True])
def test_badges_next_to_names_add_no_query_per_post(
    client, member, defaults, signed_in, django_assert_num_queries
):
    space = SpaceFactory()
    topic = make_topic(space=space, author=member)

    def add_replies(count):
        for _ in range(count):
            author = UserFactory()
            give(author, defaults["first-post"])
            give(author, defaults["great-post"], occasion="post:1")
            make_reply(topic=topic, author=author)

    add_replies(5)
    if signed_in:
        client.force_login(member)
    url = topic.get_absolute_url()
    client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    with_five = len(captured)
    add_replies(45)
    cache.clear()
    with django_assert_num_queries(with_five):
        response = client.get(url)
    # 50 posts a page: the opening post (its author holds none) and 49 replies, two badges each.
    assert response.content.decode().count("fw-name-badge") == 98


# ---------------------------------------------------------------- API reads


def test_the_api_lists_badges_with_grades(member, defaults):
    give(member, defaults["accepted-answers-50"])
    body = ApiClient().get("/badges", {"limit": 100}).json()
    by_slug = {item["slug"]: item for item in body["items"]}
    assert by_slug["accepted-answers-50"]["grade"] == "gold"
    assert by_slug["accepted-answers-50"]["holder_count"] == 1
    assert by_slug["first-post"]["grade"] == "bronze"
    assert len(by_slug) == len(defaults)


@pytest.mark.parametrize("size", [5, 50])
def test_the_api_badge_list_queries_stay_flat(size, django_assert_num_queries):
    for number in range(size):
        Badge.objects.create(slug=f"b{number}", name="B", description="x", is_manual=True)
    with django_assert_num_queries(1):
        response = ApiClient().get("/badges", {"limit": 100})
    assert len(response.json()["items"]) == size


def test_the_api_lists_a_members_badges(member, defaults):
    give(member, defaults["great-post"], occasion="post:1")
    give(member, defaults["great-post"], occasion="post:2")
    give(member, defaults["first-post"])
    body = ApiClient().get(f"/badges/members/{member.handle}").json()
    assert body["member"]["handle"] == member.handle
    assert [(item["badge"]["slug"], item["times"]) for item in body["items"]] == [
        ("great-post", 2),
        ("first-post", 1),
    ]


def test_the_api_answers_404_for_unknown_members_and_badges(db):
    assert_error(ApiClient().get("/badges/members/nobody"), 404)
    assert_error(ApiClient().get("/badges/nope"), 404)


def test_grades_are_bronze_silver_gold(db):
    assert [label for _value, label in BadgeGrade.choices] == ["Bronze", "Silver", "Gold"]
