"""The generator at small scale: the data has the shape the community services produce."""

from datetime import UTC, datetime, timedelta

import pytest
from bench.generate import generate_community
from django.db.models import Count, Max, Q, Sum

from flywheel.accounts.models import User
from flywheel.community import services
from flywheel.community.models import (
    Follow,
    Post,
    Reaction,
    Space,
    SpaceAccessGrant,
    SpaceMembership,
    Topic,
    Visibility,
)
from flywheel.core.markup import render_markdown
from flywheel.core.models import Activity
from tests.module_data import rolled_back_after

# One generated community for the module (tests/module_data.py), on one xdist worker.
pytestmark = pytest.mark.xdist_group("bench_generate")

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    with rolled_back_after(django_db_blocker):
        yield generate_community(members=200, posts=2_000, seed=7, now=NOW)


@pytest.fixture
def community(generated, db):
    return generated


def test_generator_writes_the_requested_members_and_posts(community):
    assert User.objects.count() == 200
    assert Post.objects.count() == 2_000
    assert 100 <= Topic.objects.count() <= 130
    assert community["community_post"] == 2_000


def test_posts_are_numbered_from_one_in_time_order_within_each_topic(community):
    for topic in Topic.objects.all():
        posts = list(topic.posts.order_by("number").values_list("number", "created_at"))
        assert [number for number, _created in posts] == list(range(1, len(posts) + 1))
        assert [created for _number, created in posts] == sorted(c for _n, c in posts)


def test_topic_counters_match_their_posts_as_the_services_keep_them(community):
    topics = Topic.objects.annotate(
        live_replies=Count("posts", filter=Q(posts__number__gt=1, posts__deleted_at=None)),
        newest=Max("posts__created_at"),
        reactions=Sum("posts__reaction_count"),
    )
    for topic in topics:
        assert topic.reply_count == topic.live_replies
        assert topic.last_posted_at == topic.newest
        newest_post = topic.posts.order_by("-number").first()
        assert topic.last_poster_id == newest_post.author_id
        assert topic.reaction_count == topic.reactions


def test_post_reaction_counts_match_their_reactions(community):
    posts = Post.objects.annotate(given=Count("reactions"))
    assert all(post.reaction_count == post.given for post in posts)
    assert Reaction.objects.count() > 0


def test_post_html_is_the_rendered_markdown_of_its_body(community):
    for body, body_html in Post.objects.values_list("body", "body_html").distinct():
        assert body_html == render_markdown(body)


def test_posts_spread_over_two_years_and_never_in_the_future(community):
    oldest = Post.objects.order_by("created_at").first().created_at
    newest = Post.objects.order_by("-created_at").first().created_at
    assert NOW - timedelta(days=731) <= oldest < NOW - timedelta(days=300)
    assert NOW - timedelta(days=60) < newest <= NOW


def test_every_poster_is_a_member_of_the_space_and_counts_match(community):
    for space in Space.objects.all():
        posters = set(Post.objects.filter(topic__space=space).values_list("author_id", flat=True))
        members = set(space.memberships.values_list("member_id", flat=True))
        assert posters <= members
        assert space.member_count == len(members)
        assert space.topic_count == space.topics.filter(deleted_at=None).count()


def test_only_gate_holders_and_the_brand_team_post_in_the_gated_space(community):
    gated = Space.objects.get(visibility=Visibility.GATED)
    holders = set(SpaceAccessGrant.objects.filter(space=gated).values_list("member_id", flat=True))
    brand_team = set(
        User.objects.filter(role__in=["owner", "admin", "moderator"]).values_list("pk", flat=True)
    )
    posters = set(Post.objects.filter(topic__space=gated).values_list("author_id", flat=True))
    assert posters and posters <= holders | brand_team
    assert Space.objects.filter(visibility=Visibility.MEMBERS).exists()


def test_accepted_answers_are_live_replies_of_questions(community):
    accepted = Topic.objects.exclude(accepted_answer=None).select_related("accepted_answer")
    assert accepted.exists()
    for topic in accepted:
        assert topic.kind == "question"
        assert topic.accepted_answer.topic_id == topic.pk
        assert topic.accepted_answer.number > 1
        assert topic.accepted_answer.deleted_at is None


def test_activity_log_has_one_row_per_topic_reply_and_reaction(community):
    assert Activity.objects.filter(verb="topic_created").count() == Topic.objects.count()
    assert (
        Activity.objects.filter(verb="reply_created").count()
        == Post.objects.filter(number__gt=1).count()
    )
    assert Activity.objects.filter(verb="reaction_added").count() == Reaction.objects.count()
    assert Follow.objects.filter(topic__isnull=False).count() == Topic.objects.count()
    assert SpaceMembership.objects.count() == Activity.objects.filter(verb="space_joined").count()


def test_members_can_keep_posting_through_the_services_after_generation(community):
    topic = Topic.objects.filter(
        space__visibility=Visibility.PUBLIC, deleted_at=None, is_closed=False
    ).first()
    member = User.objects.filter(role="member").last()
    last_number = topic.posts.aggregate(Max("number"))["number__max"]

    reply = services.create_reply(author=member, topic=topic, body="Same here, @nobody.")
    new_topic = services.create_topic(
        author=member, space=topic.space, title="A new topic", body="Hello"
    )

    assert reply.number == last_number + 1
    assert reply.pk > 2_000
    assert new_topic.pk > Topic.objects.exclude(pk=new_topic.pk).aggregate(Max("pk"))["pk__max"]
    topic.refresh_from_db()
    assert topic.last_poster_id == member.pk


def test_generator_refuses_sizes_too_small_to_be_realistic(db):
    with pytest.raises(ValueError, match="members"):
        generate_community(members=10, posts=2_000, seed=1)
