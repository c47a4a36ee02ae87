"""`flywheel demo`: the Northtrail demo community, small enough to load in a test."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sites.models import Site
from django.core.management import call_command
from django.urls import reverse

from flywheel.accounts.models import User
from flywheel.community.models import (
    Follow,
    Post,
    PostRevision,
    Reaction,
    Space,
    SpaceMembership,
    Topic,
    TopicKind,
    Visibility,
)
from flywheel.community.permissions import can_view_space
from flywheel.core.markup import find_mentions
from flywheel.core.models import Activity
from flywheel.demo.content.people import DEMO_PASSWORD
from flywheel.demo.plan import build_plan
from flywheel.demo.seed import demo_anchor
from flywheel.notifications.models import Notification
from flywheel.programming.models import CalendarItem
from tests.demo import DEMO

# The package's demo (conftest.py): a test's own load_small_demo() finds it in place (a second
# run adds nothing and takes a fraction of a second where the first takes many). Tests that
# need an empty database before the demo are in tests/demo_own_build/test_demo_first_run.py.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("shared_demo"),
    pytest.mark.xdist_group("demo"),
]

CJK = re.compile(r"[\u4e00-\u9fff]")


def load_small_demo() -> None:
    call_command("demo", **DEMO)


def small_plan(**overrides):
    """The plan of the package's demo (`seed` overridden where given)."""
    options = {**DEMO, **overrides}
    return build_plan(
        seed=options["seed"],
        members=options["members"],
        topics=options["topics"],
        replies_total=options["replies"],
    )


def planned_topics():
    """The plan's topics: without the content calendar's published posts (demo/programming.py)."""
    return Topic.objects.exclude(pk__in=CalendarItem.objects.values("topic_id").exclude(topic=None))


def counts() -> dict[str, int]:
    models = [
        User,
        EmailAddress,
        Space,
        SpaceMembership,
        Topic,
        Post,
        Reaction,
        Follow,
        PostRevision,
        Activity,
        Notification,
    ]
    return {model.__name__: model.objects.count() for model in models}


def test_a_small_demo_creates_the_planned_community():
    load_small_demo()

    assert User.objects.count() == DEMO["members"]
    assert Space.objects.count() == 8
    assert planned_topics().count() == DEMO["topics"]
    assert Post.objects.filter(number__gt=1).count() == DEMO["replies"]
    assert Topic.objects.filter(accepted_answer__isnull=False).exists()
    assert Reaction.objects.exists()
    assert PostRevision.objects.exists()
    assert Follow.objects.filter(space__isnull=False).exists()
    assert Follow.objects.filter(topic__isnull=False).exists()
    assert Follow.objects.filter(member__isnull=False).exists()
    assert set(User.objects.values_list("language", flat=True)) == {
        "en",
        "it",
        "lv",
        "pl",
        "zh-hans",
    }
    site = Site.objects.get(pk=1)
    assert (site.domain, site.name) == ("127.0.0.1:8000", "Northtrail Community")


def test_the_demo_has_one_members_only_and_one_gated_space_with_icons_and_colours():
    load_small_demo()

    assert Space.objects.filter(visibility=Visibility.MEMBERS).count() == 1
    gated = Space.objects.get(visibility=Visibility.GATED)
    assert "Summit Series" in gated.gate_description
    for space in Space.objects.all():
        assert space.icon and re.fullmatch(r"#[0-9a-f]{6}", space.color)


def test_the_demo_history_is_in_the_past_and_spread_over_months():
    load_small_demo()

    anchor = demo_anchor()
    late = list(Activity.objects.filter(created_at__gt=anchor).values_list("verb", "created_at"))
    assert late == []
    topic_times = Topic.objects.values_list("created_at", flat=True)
    assert (max(topic_times) - min(topic_times)).days > 30


def test_running_the_demo_twice_creates_nothing_new():
    load_small_demo()
    before = counts()

    load_small_demo()

    assert counts() == before


def test_the_same_seed_gives_the_same_topic_titles_and_another_seed_does_not():
    first = [topic.title for topic in small_plan().topics]
    again = [topic.title for topic in small_plan().topics]
    other = [topic.title for topic in small_plan(seed=8).topics]
    assert first == again
    assert first != other

    load_small_demo()
    assert sorted(planned_topics().values_list("title", flat=True)) == sorted(first)


def test_the_demo_logins_can_sign_in(client):
    load_small_demo()

    assert client.login(email="manager@northtrail.example", password=DEMO_PASSWORD)
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "giulia@northtrail.example", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("community:home")
    assert EmailAddress.objects.filter(
        email="giulia@northtrail.example", verified=True, primary=True
    ).exists()


def test_a_wrong_password_does_not_sign_a_demo_member_in(client):
    load_small_demo()

    assert not client.login(email="giulia@northtrail.example", password="flywheel")


def test_the_manager_owns_the_community_and_giulia_is_a_member():
    load_small_demo()

    manager = User.objects.get(email="manager@northtrail.example")
    assert (manager.display_name, manager.role) == ("Maya Lindqvist", "owner")
    assert manager.is_staff and manager.is_superuser
    giulia = User.objects.get(email="giulia@northtrail.example")
    assert (giulia.role, giulia.language, giulia.timezone) == ("member", "it", "Europe/Rome")
    assert User.objects.filter(role="moderator").count() >= 2
    assert User.objects.filter(role="ambassador").exists()


def test_only_summit_series_owners_and_the_team_can_enter_the_gated_space():
    load_small_demo()

    summit = Space.objects.get(visibility=Visibility.GATED)
    giulia = User.objects.get(email="giulia@northtrail.example")
    manager = User.objects.get(email="manager@northtrail.example")
    assert not can_view_space(giulia, summit)
    assert can_view_space(manager, summit)
    # Everyone who posted there was let through the gate.
    for author in User.objects.filter(posts__topic__space=summit).distinct():
        assert can_view_space(author, summit)


def test_members_write_in_english_or_their_own_language():
    plan = build_plan(seed=2024)

    language_of = {member.email: member.language for member in plan.members}
    for topic in plan.topics:
        for post in topic.posts:
            assert post.language in {"en", language_of[post.author]}
            assert bool(CJK.search(post.body)) == (post.language == "zh-hans")


def test_the_database_holds_the_planned_posts_by_their_planned_authors():
    load_small_demo()

    plan = small_plan()
    planned = {
        (topic.title, number + 1): post
        for topic in plan.topics
        for number, post in enumerate(topic.posts)
    }
    stored = {
        (post.topic.title, post.number): post
        for post in Post.objects.filter(topic__in=planned_topics()).select_related(
            "topic", "author"
        )
    }
    assert stored.keys() == planned.keys()
    for key, post in stored.items():
        assert post.author.email == planned[key].author
        assert post.body.startswith(planned[key].body)  # an edit appends a note
        assert planned[key].language in {"en", post.author.language}
    assert any(post.language != "en" for post in planned.values())


def test_announcements_are_written_by_the_brand_team():
    load_small_demo()

    for topic in Topic.objects.filter(kind=TopicKind.ANNOUNCEMENT).select_related("author"):
        assert topic.author.is_brand_team
    assert Topic.objects.filter(is_pinned=True, kind=TopicKind.ANNOUNCEMENT).count() == 1


def test_the_full_size_plan_has_mentions_of_real_members_and_mostly_english_text():
    plan = build_plan(seed=2024)

    handles = {member.handle for member in plan.members}
    posts = [post for topic in plan.topics for post in topic.posts]
    mentioned = {handle for post in posts for handle in find_mentions(post.body)}
    assert len(plan.members) == 200 and len(plan.topics) == 300 and plan.reply_count == 2000
    assert mentioned and mentioned <= handles
    english = sum(post.language == "en" for post in posts)
    assert 0.6 < english / len(posts) < 0.9
    assert {post.language for post in posts} == {"en", "it", "lv", "pl", "zh-hans"}


def test_the_demo_members_have_points_and_badges_from_their_history():
    from flywheel.badges.models import BadgeGrant
    from flywheel.rewards.models import LedgerEntry

    load_small_demo()
    assert LedgerEntry.objects.filter(kind="award").count() > 0
    assert BadgeGrant.objects.exists()
    entries = LedgerEntry.objects.count()
    load_small_demo()
    assert LedgerEntry.objects.count() == entries
