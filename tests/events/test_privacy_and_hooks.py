"""A member's events in their data export and erasure; links higher apps add to an event page
through hooks.event_page_links."""

from datetime import timedelta

import pytest
from django.test import Client

from flywheel.core import hooks
from flywheel.events import services
from flywheel.events.models import ChapterMembership, Question, QuestionVote, Registration
from flywheel.privacy.services import collect_member_data, erase_member
from tests.events.conftest import make_event
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_export_holds_rsvps_questions_and_chapters(ama, member, staff):
    services.register_for_event(event=ama, member=member)
    services.ask_question(event=ama, author=member, body="Where is the Zeldaquorn trail?")
    chapter = services.create_chapter(by=staff, name="Berlin Hikers", city="Berlin")
    services.join_chapter(chapter=chapter, member=member)

    data, _files = collect_member_data(member)

    exported = data["events"]
    assert exported["registrations"][0]["event"] == ama.title
    assert exported["questions"][0]["question"] == "Where is the Zeldaquorn trail?"
    assert exported["chapters"] == [{"chapter": "Berlin Hikers", "role": "member"}]


def test_erasure_frees_the_seat_for_the_first_member_waiting(staff):
    event = make_event(by=staff, capacity=1)
    leaving, waiting = UserFactory(), UserFactory()
    services.register_for_event(event=event, member=leaving)
    services.register_for_event(event=event, member=waiting)

    erase_member(leaving, content="delete", reason="member request")

    assert event.registrations.get(member=waiting).status == "going"
    assert not Registration.objects.filter(member_id=leaving.pk).exists()


def test_erasure_removes_questions_and_votes_and_keeps_answered_ones_without_the_asker(staff, host):
    event = make_event(by=staff, host=host, starts_in=-timedelta(minutes=10))
    leaving, voter = UserFactory(), UserFactory()
    open_question = services.ask_question(event=event, author=leaving, body="Mine, unanswered")
    answered = services.ask_question(event=event, author=leaving, body="Mine, answered")
    services.answer_question(question=answered, by=host, answer="Here is the answer.")
    other = services.ask_question(event=event, author=voter, body="Someone else's")
    services.upvote_question(question=other, member=leaving)

    erase_member(leaving, content="anonymise", reason="member request")

    assert not Question.objects.filter(pk=open_question.pk).exists()
    kept = Question.objects.get(pk=answered.pk)
    assert (kept.author_id, kept.body, kept.answer) == (None, "", "Here is the answer.")
    assert Question.objects.get(pk=other.pk).vote_count == 0
    assert not QuestionVote.objects.filter(member_id=leaving.pk).exists()
    assert not ChapterMembership.objects.filter(member_id=leaving.pk).exists()


def test_a_higher_app_adds_a_link_to_an_event_page(ama):
    def chat_room(*, event, viewer):
        return hooks.EventPageLink(label="Join the chat room", url=f"/chat/event-{event.pk}/")

    with hooks.event_page_links.registered(chat_room, name="tests.chat_room"):
        page = Client().get(ama.get_absolute_url()).content.decode()
    without = Client().get(ama.get_absolute_url()).content.decode()

    assert f'href="/chat/event-{ama.pk}/"' in page and "Join the chat room" in page
    assert "Join the chat room" not in without
