"""The demo's events: past ones with attendance, upcoming ones with RSVPs, an AMA taking
questions, a full chapter hike with a waitlist, and a chapter run by a trusted member."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from flywheel.core.models import Activity, Verb
from flywheel.events.models import (
    Chapter,
    ChapterRole,
    Event,
    Question,
    QuestionState,
    Registration,
    RegistrationStatus,
)
from flywheel.trust.queries import trust_level_for
from tests.demo import DEMO

# The package's demo (conftest.py): each test's own run then adds nothing.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("shared_demo"),
    pytest.mark.xdist_group("demo"),
]


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Event, Registration, Question, Chapter, Activity)
    }


def test_the_demo_has_past_and_upcoming_events_with_attendance_and_a_chapter():
    call_command("demo", **DEMO)
    now = timezone.now()

    past = Event.objects.filter(ends_at__lt=now)
    upcoming = Event.objects.filter(starts_at__gt=now)
    assert past.count() == 3 and upcoming.count() == 3
    assert all(event.attended_count > 0 for event in past)
    attended = Activity.objects.filter(verb=Verb.EVENT_ATTENDED)
    assert attended.count() == sum(event.attended_count for event in past)
    assert all(event.going_count > 0 for event in upcoming)

    hike = Event.objects.get(title__contains="Monte Barro")
    assert (hike.going_count, hike.capacity) == (8, 8) and hike.waitlist_count == 3
    assert hike.registrations.filter(promoted_at__isnull=False).count() == 1

    ama = Event.objects.get(title__startswith="Ask our designers")
    assert ama.questions.filter(state=QuestionState.ANSWERED).count() == 4
    coming_ama = Event.objects.get(title__startswith="AMA with")
    assert coming_ama.questions.filter(state=QuestionState.OPEN).count() == 4

    chapter = Chapter.objects.get()
    organiser = chapter.memberships.get(role=ChapterRole.ORGANISER).member
    assert trust_level_for(organiser) >= 3
    assert chapter.events.count() == 2 and chapter.member_count > 1
    going = Registration.objects.filter(status=RegistrationStatus.GOING).count()
    assert going > 30
    # The demo's history ends at its anchor, upcoming events included.
    from flywheel.demo.seed import demo_anchor

    logged = Activity.objects.filter(verb__startswith="event_").values_list("created_at", flat=True)
    assert max(logged) <= demo_anchor()


def test_running_the_demo_again_adds_no_event_rsvp_or_question():
    call_command("demo", **DEMO)
    before = _counts()
    call_command("demo", **DEMO)
    assert _counts() == before


def test_the_demo_events_pages_show_them(client):
    call_command("demo", **DEMO)
    listing = Client().get("/events/").content.decode()
    chapter = Client().get(Chapter.objects.get().get_absolute_url()).content.decode()

    assert "Live: the Ridge 2 tent launch" in listing
    assert "Navigli evening walk" in listing
    assert "Monte Barro day hike" in chapter
