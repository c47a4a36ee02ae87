"""What each level unlocks: links and images in posts, posts per day, flag weight, wiki edits."""

from decimal import Decimal

import pytest
from django.urls import reverse

from flywheel.community.models import Post, Topic
from flywheel.core.exceptions import InvalidInput, RateLimited
from flywheel.trust import permissions
from flywheel.trust.models import MemberTrust
from tests.factories import make_reply, make_topic

pytestmark = pytest.mark.django_db

THREE_LINKS = "See https://one.example, https://two.example and [three](https://three.example)."
TWO_LINKS = "See https://one.example and https://two.example, thanks @someone."
# An image from our own image path: Markdown shows no image from another host (core/markup.py).
IMAGE = "Here it is: ![tent](/images/0123456789abcdef0123456789abcdef.webp)"


def at_level(member, level: int):
    MemberTrust.objects.update_or_create(member=member, defaults={"level": level})
    member.__dict__.pop("_flywheel_trust_level", None)
    return member


def test_a_new_member_cannot_post_three_links_and_the_message_names_the_body(member, space):
    with pytest.raises(InvalidInput) as refused:
        make_topic(space=space, author=member, body=THREE_LINKS)
    assert refused.value.field == "body"
    assert "at most 2 links" in refused.value.message
    assert "the body has 3" in refused.value.message
    assert not Topic.objects.exists()


def test_a_new_member_may_post_two_links_and_mentions_do_not_count(member, space):
    topic = make_topic(space=space, author=member, body=TWO_LINKS)
    assert topic.posts.get().body == TWO_LINKS


def test_a_new_members_reply_with_three_links_is_refused(member, other_member, space):
    topic = make_topic(space=space, author=other_member)
    with pytest.raises(InvalidInput) as refused:
        make_reply(topic=topic, author=member, body=THREE_LINKS)
    assert refused.value.field == "body"
    assert topic.posts.count() == 1


def test_a_new_member_cannot_add_links_by_editing(member, space):
    from flywheel.community import services

    topic = make_topic(space=space, author=member)
    with pytest.raises(InvalidInput):
        services.edit_post(post=topic.posts.get(), editor=member, body=THREE_LINKS)
    assert topic.posts.get().body != THREE_LINKS


def test_a_new_member_cannot_post_images(member, space):
    with pytest.raises(InvalidInput) as refused:
        make_topic(space=space, author=member, body=IMAGE)
    assert refused.value.field == "body"
    assert "cannot add images" in refused.value.message


def test_a_basic_member_may_post_links_and_images(member, space):
    at_level(member, 1)
    topic = make_topic(space=space, author=member, body=f"{THREE_LINKS}\n\n{IMAGE}")
    assert "<img" in topic.posts.get().body_html


def test_the_brand_team_is_never_limited(moderator, space):
    topic = make_topic(space=space, author=moderator, body=f"{THREE_LINKS}\n\n{IMAGE}")
    assert topic.pk


def test_the_new_topic_page_shows_the_link_limit_under_the_body_field(client, member, space):
    client.force_login(member)
    response = client.post(
        reverse("community:new_topic", kwargs={"slug": space.slug}),
        {"kind": "discussion", "title": "Links galore", "body": THREE_LINKS, "tags": ""},
    )
    assert response.status_code == 422
    assert response.context["form"].errors["body"][0].startswith("Members at trust level")


def _write_posts(member, space, count):
    topic = make_topic(space=space, author=member, title="Warm-up")
    for number in range(count - 1):
        make_reply(topic=topic, author=member, body=f"Reply {number}")
    return topic


def test_a_new_member_past_the_daily_post_limit_is_told_when_to_come_back(member, space):
    from flywheel.community import services

    topic = _write_posts(member, space, 10)
    with pytest.raises(RateLimited) as limited:
        services.create_reply(author=member, topic=topic, body="One more")
    assert limited.value.status == 429
    assert "10 posts a day" in limited.value.message
    assert "again in about" in limited.value.message
    assert 0 < limited.value.retry_after <= 24 * 3600
    assert Post.objects.filter(author=member).count() == 10


def test_the_daily_limit_grows_with_the_level(member, space):
    from flywheel.community import services

    topic = _write_posts(member, space, 10)
    at_level(member, 1)
    reply = services.create_reply(author=member, topic=topic, body="Now I may")
    assert reply.number == 11


def test_a_reply_past_the_limit_answers_429_with_retry_after_on_the_page(client, member, space):
    topic = _write_posts(member, space, 10)
    client.force_login(member)
    response = client.post(
        reverse("community:reply", kwargs={"topic_id": topic.pk}), {"body": "More"}
    )
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "10 posts a day" in response.content.decode()


@pytest.mark.parametrize(
    ("level", "weight"),
    [
        (0, Decimal("0.50")),
        (1, Decimal("1.00")),
        (2, Decimal("1.00")),
        (3, Decimal("1.50")),
        (4, Decimal("2.00")),
    ],
)
def test_flag_weight_grows_with_the_level(member, level, weight):
    assert permissions.flag_weight(at_level(member, level)) == weight


def test_the_brand_team_flags_with_the_top_weight(moderator):
    assert permissions.flag_weight(moderator) == Decimal("2.00")


def test_wiki_editing_starts_at_level_1(member):
    from django.contrib.auth.models import AnonymousUser

    assert permissions.can_edit_wiki(member) is False
    assert permissions.can_edit_wiki(at_level(member, 1)) is True
    assert permissions.can_edit_wiki(AnonymousUser()) is False
