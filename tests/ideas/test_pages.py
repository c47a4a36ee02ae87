"""The pages and the JSON API: what each shows, who may do what (and the denied cases), bad
input as a 4xx naming the field, and query counts that stay flat as data grows."""

import json

import pytest
from django.urls import reverse

from flywheel.ideas import services
from flywheel.ideas.models import Idea, IdeaStatus, Support
from tests.factories import UserFactory
from tests.ideas.conftest import T0, png, support_all, supporters

pytestmark = pytest.mark.django_db


@pytest.fixture
def idea(creator):
    """Submitted now (the pages run on the real clock)."""
    return services.submit_idea(
        author=creator,
        title="A tent that packs into its own pole bag",
        description="One bag, nothing to lose on the trail.",
    )


def many_ideas(count, *, with_supporters=2):
    fans = supporters(with_supporters)
    for index in range(count):
        idea = services.submit_idea(
            author=UserFactory(),
            title=f"Idea number {index}",
            description="A good one.",
            images=[png()] if index % 3 == 0 else [],
        )
        support_all(idea, fans, at=idea.created_at)


def test_the_ideas_list_is_public_and_shows_counts(client, idea):
    support_all(idea, supporters(3), at=T0)
    response = client.get(reverse("ideas:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert idea.title in html
    assert "3" in html and "supporters" in html


@pytest.mark.parametrize("count", [5, 50])
def test_the_ideas_list_costs_the_same_queries_for_5_and_50_ideas(
    client, member, count, django_assert_num_queries, settings
):
    settings.FLYWHEEL_IDEAS_MILESTONES = "1000:60"
    many_ideas(count)
    client.force_login(member)
    client.get(reverse("ideas:list"))  # warm the session and caches
    # session, user, count, ideas, images, supported-by-me, categories, bell/trust lookups
    with django_assert_num_queries(EXPECTED_LIST_QUERIES):
        assert client.get(reverse("ideas:list")).status_code == 200


@pytest.mark.parametrize("count", [5, 50])
def test_an_idea_page_costs_the_same_queries_for_5_and_50_supporters_and_comments(
    client, idea, member, count, django_assert_num_queries, settings
):
    settings.FLYWHEEL_IDEAS_MILESTONES = "1000:60"
    support_all(idea, supporters(count), at=T0)
    for index in range(count):
        services.comment_on_idea(idea=idea, author=UserFactory(), body=f"Comment {index}")
    client.force_login(member)
    url = reverse("ideas:detail", args=[idea.pk])
    client.get(url)
    with django_assert_num_queries(EXPECTED_DETAIL_QUERIES):
        assert client.get(url).status_code == 200


def test_submitting_an_idea_needs_a_sign_in(client):
    response = client.get(reverse("ideas:new"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_a_member_submits_an_idea_with_an_image(client, member):
    client.force_login(member)
    response = client.post(
        reverse("ideas:new"),
        {"title": "Solar lantern", "description": "Charges on the pack.", "images": [png()]},
    )
    idea = Idea.objects.get()
    assert response.status_code == 302 and response["Location"] == idea.get_absolute_url()
    assert idea.author == member and idea.images.count() == 1


def test_a_refused_submission_is_a_422_naming_the_field(client, member):
    client.force_login(member)
    response = client.post(reverse("ideas:new"), {"title": "", "description": "x"})
    assert response.status_code == 422
    assert 'id="idea-title"' in response.content.decode()
    assert "is-invalid" in response.content.decode()


def test_similar_ideas_are_suggested_while_typing(client, idea):
    response = client.get(reverse("ideas:similar"), {"title": "pole bag"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert idea.title in response.content.decode()
    empty = client.get(reverse("ideas:similar"), {"title": "kayak"}, HTTP_HX_REQUEST="true")
    assert "similar-ideas" not in empty.content.decode()


def test_supporting_from_the_page_swaps_the_panel(client, idea, member):
    client.force_login(member)
    response = client.post(reverse("ideas:support", args=[idea.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Withdraw my support" in response.content.decode()
    assert Support.objects.filter(idea=idea, member=member).exists()
    again = client.post(reverse("ideas:support", args=[idea.pk]), HTTP_HX_REQUEST="true")
    assert again.status_code == 409


def test_anonymous_visitors_cannot_support(client, idea):
    response = client.post(reverse("ideas:support", args=[idea.pk]))
    assert response.status_code == 302
    assert not Support.objects.exists()


def test_a_member_cannot_change_a_status_from_the_page(client, idea, member):
    client.force_login(member)
    response = client.post(reverse("ideas:status", args=[idea.pk]), {"status": "in_review"})
    assert response.status_code == 403
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.NEW


def test_staff_see_the_staff_panel_and_members_do_not(client, idea, member, staff):
    url = reverse("ideas:detail", args=[idea.pk])
    client.force_login(member)
    assert 'data-testid="staff-panel"' not in client.get(url).content.decode()
    client.force_login(staff)
    assert 'data-testid="staff-panel"' in client.get(url).content.decode()


def test_a_hidden_idea_is_a_404_for_other_members(client, idea, staff, member):
    services.set_idea_hidden(idea=idea, by=staff, hidden=True)
    client.force_login(member)
    assert client.get(reverse("ideas:detail", args=[idea.pk])).status_code == 404
    assert client.post(reverse("ideas:support", args=[idea.pk])).status_code == 404
    client.force_login(idea.author)
    assert client.get(reverse("ideas:detail", args=[idea.pk])).status_code == 200


def test_the_page_shows_supporters_buyers_and_the_weighted_count(client, idea, settings):
    from tests.ideas.conftest import make_buyer

    settings.FLYWHEEL_IDEAS_MILESTONES = "1000:60"
    settings.FLYWHEEL_IDEAS_BUYER_WEIGHT = "3"
    support_all(idea, [make_buyer(), UserFactory()], at=T0)
    html = client.get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert 'data-testid="support-count">2<' in html
    assert "1 verified buyer" in html
    assert "Weighted support: 4 (a verified buyer counts 3×)" in html


def test_an_expired_idea_says_so_on_its_page(client, idea):
    services.expire_ideas(now=idea.window_ends_at.replace(year=idea.window_ends_at.year + 1))
    html = client.get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert 'data-testid="expired-notice"' in html


def test_a_declined_idea_shows_the_brands_reason(client, idea, staff):
    services.change_idea_status(idea=idea, by=staff, status="declined", reason="Not our range.")
    html = client.get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert "Not our range." in html


def test_comment_markdown_is_sanitised(client, idea, member):
    client.force_login(member)
    client.post(
        reverse("ideas:comment", args=[idea.pk]), {"body": "<script>alert(1)</script> **yes**"}
    )
    html = client.get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert "<script>alert(1)" not in html and "<strong>yes</strong>" in html


# ---------------------------------------------------------------- boards and roadmap


@pytest.fixture
def board(staff):
    return services.create_board(name="Website", by=staff, description="The web shop")


def test_a_member_requests_a_feature_and_others_vote(client, board, member, other_member):
    client.force_login(member)
    response = client.post(reverse("ideas:new_request", args=[board.slug]), {"title": "Wishlist"})
    assert response.status_code == 302
    feature = board.requests.get()
    client.force_login(other_member)
    response = client.post(reverse("ideas:vote", args=[feature.pk]), HTTP_HX_REQUEST="true")
    assert 'data-testid="vote-count">2<' in response.content.decode()


def test_a_member_cannot_merge_requests(client, board, member):
    first = services.request_feature(board=board, author=member, title="A")
    second = services.request_feature(board=board, author=member, title="B")
    client.force_login(member)
    response = client.post(reverse("ideas:merge", args=[first.pk]), {"into": second.pk})
    assert response.status_code == 403


def test_staff_merge_from_the_page(client, board, member, staff):
    first = services.request_feature(board=board, author=member, title="A")
    second = services.request_feature(board=board, author=UserFactory(), title="B")
    client.force_login(staff)
    response = client.post(reverse("ideas:merge", args=[first.pk]), {"into": second.pk})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.vote_count == 2


@pytest.mark.parametrize("count", [5, 50])
def test_a_board_costs_the_same_queries_for_5_and_50_requests(
    client, board, member, count, django_assert_num_queries
):
    for index in range(count):
        services.request_feature(board=board, author=UserFactory(), title=f"Request {index}")
    client.force_login(member)
    url = reverse("ideas:board", args=[board.slug])
    client.get(url)
    with django_assert_num_queries(EXPECTED_BOARD_QUERIES):
        assert client.get(url).status_code == 200


def test_the_roadmap_is_public(client, board, staff, member):
    feature = services.request_feature(board=board, author=member, title="Gift cards")
    services.change_request_status(request=feature, by=staff, status="planned")
    html = client.get(reverse("ideas:roadmap")).content.decode()
    assert "Gift cards" in html


# ---------------------------------------------------------------- API


def test_the_api_lists_ideas_publicly_without_emails(client, idea):
    support_all(idea, supporters(2), at=T0)
    body = client.get("/api/v1/ideas").json()
    assert body["items"][0]["supporters"] == 2
    assert idea.author.email not in json.dumps(body)


def test_the_api_supports_and_withdraws(client, idea, member):
    client.force_login(member)
    response = client.post(f"/api/v1/ideas/{idea.pk}/support")
    assert response.status_code == 200 and response.json()["supported_by_me"] is True
    response = client.delete(f"/api/v1/ideas/{idea.pk}/support")
    assert response.json()["supporters"] == 0


def test_the_api_refuses_bad_input_naming_the_field(client, member, staff, idea):
    client.force_login(staff)
    response = client.post(
        f"/api/v1/ideas/{idea.pk}/status", {"status": "declined"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "reason" in response.json()["error"]["fields"]


def test_the_api_refuses_status_changes_by_members(client, member, idea):
    client.force_login(member)
    response = client.post(
        f"/api/v1/ideas/{idea.pk}/status", {"status": "in_review"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_the_api_needs_a_sign_in_to_support(client, idea):
    assert client.post(f"/api/v1/ideas/{idea.pk}/support").status_code == 401


@pytest.mark.parametrize("count", [5, 50])
def test_the_api_list_costs_the_same_queries_for_5_and_50_ideas(
    client, count, django_assert_num_queries, settings
):
    settings.FLYWHEEL_IDEAS_MILESTONES = "1000:60"
    many_ideas(count, with_supporters=1)
    with django_assert_num_queries(EXPECTED_API_LIST_QUERIES):
        assert client.get("/api/v1/ideas?limit=100").status_code == 200


EXPECTED_LIST_QUERIES = 7
EXPECTED_DETAIL_QUERIES = 8
EXPECTED_BOARD_QUERIES = 6
EXPECTED_API_LIST_QUERIES = 1


def test_a_flagged_idea_and_comment_appear_in_the_moderation_queue(client, idea, moderator):
    comment = services.comment_on_idea(idea=idea, author=UserFactory(), body="Cheap pills here")
    services.flag_idea(idea=idea, flagger=UserFactory(), reason="spam")
    services.flag_comment(comment=comment, flagger=UserFactory(), reason="spam")
    client.force_login(moderator)
    response = client.get("/moderation/queue/")
    assert response.status_code == 200
    assert response.content.decode().count("flag: spam") >= 2


def test_the_api_refuses_an_unknown_category_naming_the_field(client, member):
    client.force_login(member)
    response = client.post(
        "/api/v1/ideas",
        {"title": "Mug", "description": "Enamel.", "category": "no-such"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "category" in response.json()["error"]["fields"]
    assert not Idea.objects.exists()
