import pytest
from django.test import Client
from django.urls import reverse

from flywheel.accounts.models import User
from flywheel.community.models import Topic, Visibility
from flywheel.core.exceptions import Conflict, InvalidInput
from flywheel.moderation import services
from flywheel.moderation.models import (
    ActionKind,
    Flag,
    ModeratedPost,
    ModerationAction,
    ReviewItem,
)
from flywheel.trust.models import MemberTrust
from tests.factories import SpaceFactory, UserFactory, make_reply, make_topic
from tests.moderation.conftest import flaggers, signed_in, weight_of_new_member

pytestmark = pytest.mark.django_db


def test_a_member_can_flag_a_post_only_once(member, other_member):
    topic = make_topic(author=member)
    reply = make_reply(topic=topic, author=member)
    services.raise_flag(flagger=other_member, target=reply, reason="spam")
    with pytest.raises(Conflict, match="already flagged"):
        services.raise_flag(flagger=other_member, target=reply, reason="inappropriate")
    assert Flag.objects.filter(flagger=other_member).count() == 1


def test_flagging_through_the_api_twice_answers_409(member, other_member):
    from tests.api.conftest import ApiClient, token_for

    reply = make_reply(topic=make_topic(author=member), author=member)
    api = ApiClient(token=token_for(other_member))
    payload = {"target_type": "post", "target_id": reply.pk, "reason": "spam"}
    assert api.post("/moderation/flags", payload).status_code == 201
    second = api.post("/moderation/flags", payload)
    assert second.status_code == 409
    assert "already flagged" in second.json()["error"]["message"]


def test_a_member_cannot_flag_their_own_post(member):
    reply = make_reply(topic=make_topic(), author=member)
    with pytest.raises(InvalidInput) as error:
        services.raise_flag(flagger=member, target=reply, reason="spam")
    assert error.value.field == "target"


def test_something_else_needs_a_text_and_unknown_reasons_are_refused(member, other_member):
    reply = make_reply(topic=make_topic(author=member), author=member)
    with pytest.raises(InvalidInput) as missing_text:
        services.raise_flag(flagger=other_member, target=reply, reason="other")
    assert missing_text.value.field == "text"
    with pytest.raises(InvalidInput) as unknown:
        services.raise_flag(flagger=other_member, target=reply, reason="automatic")
    assert unknown.value.field == "reason"
    assert not Flag.objects.exists()


def test_a_non_member_cannot_flag_in_a_members_only_space(member):
    space = SpaceFactory(visibility=Visibility.GATED)
    topic = make_topic(author=UserFactory(role="admin"), space=space)
    response = signed_in(member).post(
        reverse("moderation:flag_post", kwargs={"post_id": topic.posts.get().pk}),
        {"reason": "spam"},
    )
    assert response.status_code == 404
    assert not Flag.objects.exists()


def test_flags_on_members_go_to_the_queue_without_hiding_anything(member, other_member):
    services.raise_flag(
        flagger=other_member, target=member, reason="harassment", text="Sends rude DMs"
    )
    item = ReviewItem.objects.get()
    assert item.subject == member
    assert item.space is None
    assert item.post is None


def test_weighted_flags_past_the_threshold_hide_the_post_and_bump_the_topic_version(
    settings, member, django_capture_on_commit_callbacks
):
    settings.FLYWHEEL_FLAG_HIDE_THRESHOLD = 2.5 * weight_of_new_member()
    topic = make_topic(author=member)
    reply = make_reply(topic=topic, author=member, body="Buy my cheap knock-off tents here")
    url = topic.get_absolute_url()
    assert "cheap knock-off" in Client().get(url).content.decode()  # cached for anonymous
    first, second, third = flaggers(3)
    services.raise_flag(flagger=first, target=reply, reason="spam")
    services.raise_flag(flagger=second, target=reply, reason="spam")
    version_before = Topic.objects.get(pk=topic.pk).version
    assert "cheap knock-off" in Client().get(url).content.decode()  # two flags: still shown

    services.raise_flag(flagger=third, target=reply, reason="spam")

    assert ModeratedPost.objects.get(post=reply).state == "hidden"
    assert Topic.objects.get(pk=topic.pk).version > version_before
    assert "cheap knock-off" not in Client().get(url).content.decode()
    item = ReviewItem.objects.get(post=reply)
    assert item.flag_count == 3
    assert item.flag_weight == pytest.approx(3 * weight_of_new_member())
    assert item.state == "open"
    row = ModerationAction.objects.get(action=ActionKind.FLAG_HIDE)
    assert row.actor is None
    assert row.before == {"state": "visible"} and row.after == {"state": "hidden"}


def test_a_flag_weighs_what_the_trust_app_says(settings, member):
    from flywheel.trust.permissions import flag_weight

    flagger = UserFactory()
    reply = make_reply(topic=make_topic(author=member), author=member)
    flag = services.raise_flag(flagger=flagger, target=reply, reason="spam")
    assert flag.weight == pytest.approx(float(flag_weight(flagger)))


def test_hidden_posts_leave_listings_and_search_when_they_open_a_topic(settings, member):
    settings.FLYWHEEL_FLAG_HIDE_THRESHOLD = 0.1
    topic = make_topic(author=member, title="Spammy gear giveaway today")
    services.raise_flag(flagger=UserFactory(), target=topic, reason="spam")
    home = Client().get(reverse("community:home")).content.decode()
    assert "Spammy gear giveaway" not in home
    assert Client().get(topic.get_absolute_url()).status_code == 404


def test_the_flag_button_shows_to_other_members_but_not_the_author_or_visitors(
    member, other_member
):
    topic = make_topic(author=member)
    post_id = topic.posts.get().pk
    flag_url = reverse("moderation:flag_post", kwargs={"post_id": post_id})
    # The page carries a "Flag" button; its form is fetched when clicked (fewer bytes per post).
    form_url = reverse("community:post_flag_form", kwargs={"post_id": post_id})
    other = signed_in(other_member)
    assert form_url in other.get(topic.get_absolute_url()).content.decode()
    assert flag_url in other.get(form_url, headers={"HX-Request": "true"}).content.decode()
    assert form_url not in signed_in(member).get(topic.get_absolute_url()).content.decode()
    assert form_url not in Client().get(topic.get_absolute_url()).content.decode()


def test_flagging_from_the_page_with_htmx_answers_with_a_thank_you(member, other_member):
    topic = make_topic(author=member)
    response = signed_in(other_member).post(
        reverse("moderation:flag_post", kwargs={"post_id": topic.posts.get().pk}),
        {"reason": "off_topic"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 201
    assert "moderators will take a look" in response.content.decode()
    assert Flag.objects.get().target == topic  # the opening post flags its topic


# Flags use the per-trust-level allowance (FLYWHEEL_RATE_LIMITS["flag"]) ---------------------


def _replies_by(author, count: int) -> list:
    topic = make_topic(author=author)
    return [make_reply(topic=topic, author=author, body=f"Reply {n}") for n in range(count)]


def test_a_new_member_may_flag_five_posts_an_hour_then_the_page_answers_429(member, other_member):
    replies = _replies_by(member, 6)
    client = signed_in(other_member)

    def flag(reply):
        url = reverse("moderation:flag_post", kwargs={"post_id": reply.pk})
        return client.post(url, {"reason": "spam"})

    assert [flag(reply).status_code for reply in replies[:5]] == [302] * 5
    refused = flag(replies[5])

    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert "You are doing that too often" in refused.content.decode()
    assert Flag.objects.filter(flagger=other_member).count() == 5


def test_past_the_flag_allowance_the_api_answers_429_rate_limited(member, other_member):
    from tests.api.conftest import ApiClient, token_for

    replies = _replies_by(member, 6)
    api = ApiClient(token=token_for(other_member))

    def flag(reply):
        return api.post(
            "/moderation/flags", {"target_type": "post", "target_id": reply.pk, "reason": "spam"}
        )

    assert [flag(reply).status_code for reply in replies[:5]] == [201] * 5
    refused = flag(replies[5])

    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert int(refused["Retry-After"]) > 0
    assert Flag.objects.filter(flagger=other_member).count() == 5


def test_a_member_at_a_higher_trust_level_may_flag_more(member, other_member):
    MemberTrust.objects.create(member=other_member, level=2)  # 30 flags an hour
    replies = _replies_by(member, 8)

    for reply in replies:
        services.raise_flag(
            flagger=User.objects.get(pk=other_member.pk), target=reply, reason="spam"
        )

    assert Flag.objects.filter(flagger=other_member).count() == 8


def test_the_brand_team_is_not_limited_when_flagging(member, staff):
    for reply in _replies_by(member, 25):
        services.raise_flag(flagger=staff, target=reply, reason="spam")

    assert Flag.objects.filter(flagger=staff).count() == 25


# The Flag button on member profiles --------------------------------------------------------


def test_the_profile_flag_button_shows_to_other_members_but_not_the_owner_or_visitors(
    member, other_member
):
    profile = reverse("accounts:profile", kwargs={"handle": member.handle})
    flag_url = reverse("moderation:flag_member", kwargs={"handle": member.handle})

    assert flag_url in signed_in(other_member).get(profile).content.decode()
    assert flag_url not in signed_in(member).get(profile).content.decode()
    assert flag_url not in Client().get(profile).content.decode()


def test_flagging_a_member_from_their_profile_sends_them_to_the_queue(member, other_member):
    profile = reverse("accounts:profile", kwargs={"handle": member.handle})
    client = signed_in(other_member)
    page = client.get(profile).content.decode()
    action = reverse("moderation:flag_member", kwargs={"handle": member.handle})
    assert f'hx-post="{action}"' in page

    response = client.post(
        action, {"reason": "harassment", "text": "Rude DMs"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 201
    assert "moderators will take a look" in response.content.decode()
    flag = Flag.objects.get()
    assert flag.target == member and flag.flagger == other_member
    assert ReviewItem.objects.get().subject == member
