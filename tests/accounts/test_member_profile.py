import datetime

import pytest
from django.urls import reverse

from flywheel.community import services
from flywheel.community.models import Follow, TopicKind, Visibility
from tests.factories import SpaceFactory, UserFactory, make_reply, make_topic


@pytest.fixture
def members_space(db):
    return SpaceFactory(name="Insiders", visibility=Visibility.MEMBERS)


def _profile_url(member):
    return reverse("accounts:profile", kwargs={"handle": member.handle})


@pytest.mark.django_db
def test_profile_shows_name_handle_bio_and_join_date(client, member):
    member.bio = "Trail runner."
    member.save(update_fields=["bio"])

    response = client.get(_profile_url(member))

    html = response.content.decode()
    assert response.status_code == 200
    assert member.display_name in html
    assert f"@{member.handle}" in html
    assert "Trail runner." in html
    assert str(member.date_joined.year) in html


@pytest.mark.django_db
def test_profile_lookup_ignores_the_handles_case(client, member):
    response = client.get(reverse("accounts:profile", kwargs={"handle": member.handle.upper()}))

    assert response.status_code == 200
    assert response.context["member"] == member


@pytest.mark.django_db
def test_unknown_handle_is_not_found(client):
    assert client.get(reverse("accounts:profile", kwargs={"handle": "nobody"})).status_code == 404


@pytest.mark.django_db
def test_brand_team_members_get_the_brand_badge_and_members_do_not(client, member, moderator):
    assert "bi-patch-check-fill" in client.get(_profile_url(moderator)).content.decode()
    assert "bi-patch-check-fill" not in client.get(_profile_url(member)).content.decode()


@pytest.mark.django_db
def test_profile_hides_topics_from_members_only_spaces_from_anonymous_visitors(
    client, member, space, members_space
):
    make_topic(space=space, author=member, title="Public tent question")
    make_topic(space=members_space, author=member, title="Insider sale leak")

    response = client.get(_profile_url(member))

    html = response.content.decode()
    assert "Public tent question" in html
    assert "Insider sale leak" not in html
    assert response.context["profile"].topic_count == 1


@pytest.mark.django_db
def test_signed_in_member_sees_topics_from_members_only_spaces(
    client, member, other_member, space, members_space
):
    make_topic(space=members_space, author=member, title="Insider sale leak")
    client.force_login(other_member)

    response = client.get(_profile_url(member))

    assert "Insider sale leak" in response.content.decode()


@pytest.mark.django_db
def test_profile_hides_replies_in_members_only_spaces_from_anonymous_visitors(
    client, member, members_space
):
    topic = make_topic(space=members_space)
    make_reply(topic=topic, author=member, body="Secret members-only reply")

    response = client.get(_profile_url(member))

    assert "Secret members-only reply" not in response.content.decode()
    assert response.context["profile"].reply_count == 0


@pytest.mark.django_db
def test_profile_counts_topics_replies_and_accepted_answers(client, member, space):
    make_topic(space=space, author=member)
    question = make_topic(space=space, kind=TopicKind.QUESTION, title="Which stove?")
    reply = make_reply(topic=question, author=member, body="The pocket rocket.")
    services.accept_answer(reply=reply, by=question.author)

    profile = client.get(_profile_url(member)).context["profile"]

    assert (profile.topic_count, profile.reply_count, profile.accepted_answer_count) == (1, 1, 1)
    assert [post.pk for post in profile.recent_replies] == [reply.pk]


@pytest.mark.django_db
def test_profile_times_show_in_the_viewers_time_zone(client, member, other_member, space):
    services.create_topic(
        author=member,
        space=space,
        title="Late night question",
        body="Anyone awake?",
        at=datetime.datetime(2026, 1, 1, 20, 0, tzinfo=datetime.UTC),
        enforce_rate_limit=False,
    )
    other_member.timezone = "Asia/Tokyo"
    other_member.save(update_fields=["timezone"])
    client.force_login(other_member)

    html = client.get(_profile_url(member)).content.decode()

    assert 'datetime="2026-01-02T05:00:00+09:00"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True])
def test_profile_query_count_is_the_same_for_5_and_50_topics(
    client, member, other_member, space, signed_in, django_assert_num_queries
):
    if signed_in:
        client.force_login(other_member)
    for number in range(5):
        topic = make_topic(space=space, author=member, title=f"Topic number {number}")
        make_reply(topic=topic, author=member)
    client.get(_profile_url(member))  # warms the cached Site record the page frame names
    # Member, three counts, recent topics, recent replies, follower count; signed in adds
    # session, viewer, "do I follow?" and the gated-spaces check. The badges and trust level
    # section (badges/_profile_badges.html) adds two: the member's badges, their trust level.
    expected = 13 if signed_in else 9
    with django_assert_num_queries(expected):
        client.get(_profile_url(member))

    for number in range(5, 50):
        topic = make_topic(space=space, author=member, title=f"Topic number {number}")
        make_reply(topic=topic, author=member)
    with django_assert_num_queries(expected):
        response = client.get(_profile_url(member))
    assert response.context["profile"].topic_count == 50


@pytest.mark.django_db
def test_member_follows_and_unfollows_another_member(client, member, other_member):
    client.force_login(member)

    response = client.post(reverse("accounts:follow", kwargs={"handle": other_member.handle}))
    assert response.status_code == 302
    assert Follow.objects.filter(follower=member, member=other_member).exists()
    assert client.get(_profile_url(other_member)).context["profile"].viewer_follows

    client.post(reverse("accounts:unfollow", kwargs={"handle": other_member.handle}))
    assert not Follow.objects.filter(follower=member, member=other_member).exists()


@pytest.mark.django_db
def test_follow_button_swaps_in_place_for_htmx(client, member, other_member):
    client.force_login(member)

    response = client.post(
        reverse("accounts:follow", kwargs={"handle": other_member.handle}), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert reverse("accounts:unfollow", kwargs={"handle": other_member.handle}) in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_member_cannot_follow_themselves(client, member):
    client.force_login(member)

    response = client.post(
        reverse("accounts:follow", kwargs={"handle": member.handle}), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 422
    assert not Follow.objects.filter(follower=member).exists()


@pytest.mark.django_db
def test_anonymous_visitor_must_sign_in_to_follow(client, member):
    response = client.post(reverse("accounts:follow", kwargs={"handle": member.handle}))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Follow.objects.exists()


@pytest.mark.django_db
def test_follow_is_post_only(client, member, other_member):
    client.force_login(member)

    response = client.get(reverse("accounts:follow", kwargs={"handle": other_member.handle}))

    assert response.status_code == 405


@pytest.mark.django_db
def test_inactive_members_have_no_public_profile(client):
    gone = UserFactory(is_active=False)

    assert client.get(_profile_url(gone)).status_code == 404
