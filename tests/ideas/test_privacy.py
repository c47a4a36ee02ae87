"""A member's ideas, supports, comments, requests and votes in their export, and their erasure:
supports and votes withdrawn (the counts drop), their words deleted or kept without a name."""

import pytest

from flywheel.ideas import services
from flywheel.ideas.models import FeatureRequest, Idea, IdeaComment, Support
from flywheel.ideas.privacy import erase_ideas, export_ideas
from tests.factories import UserFactory
from tests.ideas.conftest import png

pytestmark = pytest.mark.django_db


@pytest.fixture
def footprint(staff):
    member = UserFactory()
    own = services.submit_idea(author=member, title="My stove", description="d", images=[png()])
    other = services.submit_idea(author=UserFactory(), title="Their tent", description="d")
    services.support_idea(idea=other, member=member)
    services.comment_on_idea(idea=other, author=member, body="Count me in")
    board = services.create_board(name="App", by=staff)
    theirs = services.request_feature(board=board, author=UserFactory(), title="Dark mode")
    services.vote_for_request(request=theirs, member=member)
    services.request_feature(board=board, author=member, title="Offline maps")
    return member, own, other, theirs


def test_the_export_holds_ideas_with_images_supports_comments_and_votes(footprint):
    member, own, _other, _theirs = footprint
    exported = export_ideas(member)
    assert [idea["title"] for idea in exported.data["ideas"]] == ["My stove"]
    assert len(exported.files) == 1
    assert exported.data["supported"][0]["idea"] == "Their tent"
    assert exported.data["comments"][0]["body"] == "Count me in"
    assert exported.data["feature_votes"] == ["Dark mode", "Offline maps"] or set(
        exported.data["feature_votes"]
    ) == {"Dark mode", "Offline maps"}


def test_erasure_withdraws_supports_and_votes_and_deletes_the_members_words(footprint):
    member, own, other, theirs = footprint
    erase_ideas(member, content="delete")
    other.refresh_from_db()
    theirs.refresh_from_db()
    assert other.support_count == 0 and other.comment_count == 0
    assert theirs.vote_count == 1
    assert not Idea.objects.filter(pk=own.pk).exists()
    assert not Support.objects.filter(member=member).exists()
    assert not IdeaComment.objects.filter(author=member).exists()
    assert not FeatureRequest.objects.filter(author=member).exists()
    erase_ideas(member, content="delete")  # idempotent


def test_anonymising_keeps_the_ideas_without_a_name(footprint):
    member, own, _other, _theirs = footprint
    erase_ideas(member, content="anonymise")
    own.refresh_from_db()
    assert own.author is None
    assert IdeaComment.objects.filter(author__isnull=True, body="Count me in").exists()
