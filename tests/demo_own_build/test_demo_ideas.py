"""The demo's ideas portal and feedback boards: an idea at every status, with the history,
supporters, rewards and notifications the pages show; boards with votes, a merge and a
roadmap; and nothing new on a second run."""

import pytest
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse

from flywheel.ideas.models import (
    CreatorReward,
    FeatureRequest,
    Idea,
    IdeaStatus,
    RequestStatus,
)
from flywheel.notifications.models import Notification, NotificationKind
from tests.module_data import rolled_back_after

# One xdist worker builds the module's shared demo once (tests/module_data.py).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo_ideas")]

SMALL = {"members": 20, "topics": 10, "replies": 30, "seed": 7, "quiet": True}


@pytest.fixture(scope="module")
def shared_demo(django_db_setup, django_db_blocker):
    # Loaded once for the module and rolled back after it (tests/module_data.py).
    # 20 members cannot bring 100 supporters: a first milestone of 5 shows "gaining support".
    milestones = override_settings(FLYWHEEL_IDEAS_MILESTONES="5:60,1000:365,5000:182,10000:182")
    with milestones, rolled_back_after(django_db_blocker):
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("demo", **SMALL)
        yield


@pytest.fixture
def demo(shared_demo):
    return None


def test_the_demo_has_an_idea_at_every_status_boards_and_a_roadmap(demo, client):
    assert set(Idea.objects.values_list("status", flat=True)) == set(IdeaStatus.values)
    declined = Idea.objects.get(status=IdeaStatus.DECLINED)
    assert declined.decline_reason
    assert CreatorReward.objects.count() == 3
    # Supporters of the released idea heard it first.
    released = Idea.objects.get(status=IdeaStatus.RELEASED)
    shipped = Notification.objects.filter(kind=NotificationKind.IDEA_SHIPPED)
    assert shipped.filter(link=released.get_absolute_url()).count() == released.support_count + 1
    # Boards with votes, a merged duplicate and the roadmap.
    merged = FeatureRequest.objects.get(status=RequestStatus.MERGED)
    assert merged.merged_into.title == "Offline maps" and merged.vote_count == 0
    html = client.get(reverse("ideas:roadmap")).content.decode()
    assert "Offline maps" in html and "Dark mode" in html
    assert "Ultralight camp chair" in html


def test_running_the_demo_again_adds_no_idea_support_or_request(demo):
    from flywheel.ideas.models import FeatureVote, Support

    before = (Idea.objects.count(), Support.objects.count(), FeatureVote.objects.count())
    call_command("demo", **SMALL)
    assert (Idea.objects.count(), Support.objects.count(), FeatureVote.objects.count()) == before
