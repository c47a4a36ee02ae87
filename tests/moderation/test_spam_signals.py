from datetime import timedelta

import pytest
from django.utils import timezone

from flywheel.community.models import Post
from flywheel.moderation import spam
from flywheel.moderation.models import WordList
from tests.factories import UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db


def post_by(author, body, *, ago=timedelta(0)):
    """A reply whose text is set directly, so trust-level link limits do not get in the way."""
    reply = make_reply(topic=make_topic(), author=author, body="placeholder")
    Post.objects.filter(pk=reply.pk).update(body=body, created_at=timezone.now() - ago)
    reply.refresh_from_db()
    return reply


def report_for(post):
    bodies, times = spam.recent_posts_of(post)
    return spam.spam_report(post=post, recent_bodies=bodies, recent_times=times)


def old_member(**fields):
    return UserFactory(date_joined=timezone.now() - timedelta(days=400), **fields)


def test_many_links_from_a_low_trust_member_are_a_signal():
    post = post_by(
        old_member(), "Deals: https://a.example https://b.example https://c.example www.d.example"
    )
    report = report_for(post)
    assert any("links" in reason for reason in report.reasons)


def test_links_from_the_brand_team_are_not(staff):
    post = post_by(staff, "https://a.example https://b.example https://c.example")
    assert report_for(post).score == 0


def test_a_near_duplicate_of_a_recent_post_is_a_signal():
    author = old_member()
    post_by(
        author,
        "Check out my amazing store for the best hiking boots at low prices today",
        ago=timedelta(hours=2),
    )
    post = post_by(
        author, "Check out my amazing store for the best hiking boots at low prices now!"
    )
    assert "repeats one of the member's recent posts" in report_for(post).reasons


def test_different_texts_and_short_thanks_are_not_duplicates():
    assert not spam.is_near_duplicate(
        "The Hubba Hubba pitched fine in strong wind on the ridge",
        ["My boots leaked after two hours in wet grass near the lake"],
    )
    assert not spam.is_near_duplicate("Thanks!", ["Thanks!"])


def test_near_duplicates_in_chinese_are_found_by_characters():
    assert spam.is_near_duplicate(
        "加我微信购买便宜的登山鞋质量保证价格最低", ["加我微信购买便宜的登山鞋质量保证价格最低！"]
    )


def test_posting_fast_is_a_signal(settings):
    settings.FLYWHEEL_SPAM_VELOCITY_POSTS = 3
    author = old_member()
    for minute in range(3):
        post_by(
            author,
            f"Quick note number {minute} about a different trail each time",
            ago=timedelta(seconds=30 + minute),
        )
    post = post_by(author, "And yet another entirely unrelated quick observation")
    assert any("posts within" in reason for reason in report_for(post).reasons)


def test_a_new_account_alone_is_not_a_signal_but_adds_weight():
    newcomer = UserFactory()
    quiet = post_by(newcomer, "Hello everyone, happy to be here")
    assert report_for(quiet).score == 0
    noisy = post_by(newcomer, "cheap viagra here")
    report = report_for(noisy)
    assert "new account" in report.reasons
    assert report.score > spam.BLOCKED_WEIGHT


def test_shipped_blocked_words_and_patterns_per_language():
    assert spam.blocked_matches("Get cheap viagra now", "en")
    assert spam.blocked_matches("Contact whatsapp +39 333 1234567", "it")
    assert spam.blocked_matches("加微信: abc123 买便宜货", "zh-hans")
    assert spam.blocked_matches("Zarabiaj 500 zł dziennie!", "pl")
    assert not spam.blocked_matches("The casino campsite by the lake", "pl")


def test_staff_word_lists_apply_to_their_language_or_to_all():
    WordList.objects.create(name="Polish scams", language="pl", kind="words", entries="tanie buty*")
    WordList.objects.create(
        name="Everywhere", language="", kind="patterns", entries=r"\bfree\s+gift\b"
    )
    WordList.objects.create(name="Off", language="", kind="words", entries="tent", is_active=False)
    assert spam.blocked_matches("Tanie butyyy tutaj", "pl")
    assert not spam.blocked_matches("Tanie butyyy tutaj", "en")
    assert spam.blocked_matches("Claim your FREE gift", "lv")
    assert not spam.blocked_matches("My tent", "en")


def test_a_broken_staff_pattern_does_not_stop_posting():
    WordList.objects.create(name="Broken", language="", kind="patterns", entries="([unclosed")
    assert spam.blocked_matches("anything", "en") == []
