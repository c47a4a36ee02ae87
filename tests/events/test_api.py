"""The events API: public reads, RSVP, check-in and questions with a token; errors name the
field; nobody else's rights."""

from datetime import timedelta

import pytest

from flywheel.events import services
from flywheel.events.models import RegistrationStatus
from tests.api.conftest import ApiClient, token_for
from tests.events.conftest import make_event
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def api_for(member) -> ApiClient:
    return ApiClient(token=token_for(member))


def test_anyone_lists_upcoming_and_past_events(staff):
    soon = make_event(by=staff, title="Soon")
    make_event(by=staff, title="Over", starts_in=-timedelta(days=2))
    anonymous = ApiClient()

    upcoming = anonymous.get("/events").json()["items"]
    past = anonymous.get("/events", {"when": "past"}).json()["items"]

    assert [item["title"] for item in upcoming] == ["Soon"]
    assert [item["title"] for item in past] == ["Over"]
    assert upcoming[0]["ics_url"] == f"/events/{soon.pk}/event.ics"
    assert upcoming[0]["starts_at"].endswith("Z") or "+00:00" in upcoming[0]["starts_at"]


def test_rsvp_cancel_and_the_waitlist_through_the_api(staff):
    event = make_event(by=staff, capacity=1)
    first, second = UserFactory(), UserFactory()

    seat = api_for(first).request("PUT", f"/events/{event.pk}/registration")
    queue = api_for(second).request("PUT", f"/events/{event.pk}/registration")
    cancelled = api_for(first).delete(f"/events/{event.pk}/registration")

    assert seat.json()["status"] == "going"
    assert queue.json() == {
        "event_id": event.pk,
        "status": "waitlisted",
        "waitlist_position": 1,
        "checked_in": False,
    }
    assert cancelled.json()["status"] == "cancelled"
    assert event.registrations.get(member=second).status == RegistrationStatus.GOING


def test_cancelling_without_an_rsvp_is_a_409(ama, member):
    response = api_for(member).delete(f"/events/{ama.pk}/registration")
    assert response.status_code == 409
    assert response.json()["error"]["fields"] == {
        "event": ["You are not registered for this event."]
    }


def test_check_in_with_a_wrong_code_is_a_422_naming_the_code(staff, member):
    event = make_event(by=staff, starts_in=-timedelta(minutes=1))
    services.register_for_event(event=event, member=member)
    client = api_for(member)

    wrong = client.post(f"/events/{event.pk}/check-in", {"code": "ZZZZZZ"})
    right = client.post(f"/events/{event.pk}/check-in", {"code": event.check_in_code})

    assert wrong.status_code == 422
    assert "code" in wrong.json()["error"]["fields"]
    assert right.json()["checked_in"] is True


def test_questions_are_asked_voted_and_answered_through_the_api(staff, host):
    event = make_event(by=staff, host=host, starts_in=-timedelta(minutes=5))
    asker, voter = UserFactory(), UserFactory()

    asked = api_for(asker).post(f"/events/{event.pk}/questions", {"body": "Sizes?"})
    question_id = asked.json()["id"]
    voted = api_for(voter).post(f"/events/questions/{question_id}/vote")
    refused = api_for(voter).post(f"/events/questions/{question_id}/answer", {"answer": "Me!"})
    answered = api_for(host).post(f"/events/questions/{question_id}/answer", {"answer": "S-XL"})
    listing = api_for(voter).get(f"/events/{event.pk}/questions").json()

    assert asked.status_code == 201
    assert voted.json()["vote_count"] == 1
    assert refused.status_code == 403
    assert answered.json()["state"] == "answered"
    assert listing["open"] == []
    assert listing["answered"][0]["answer_html"] == "<p>S-XL</p>\n"
    assert listing["answered"][0]["voted"] is True


def test_an_empty_or_too_long_question_is_a_422_naming_the_body(ama, member):
    client = api_for(member)
    empty = client.post(f"/events/{ama.pk}/questions", {"body": ""})
    too_long = client.post(f"/events/{ama.pk}/questions", {"body": "x" * 501})
    assert empty.status_code == too_long.status_code == 422
    assert "body" in empty.json()["error"]["fields"]


def test_an_event_that_does_not_exist_is_a_404(member):
    assert ApiClient().get("/events/999999").status_code == 404
    assert ApiClient().get("/events/0").status_code == 404
    response = api_for(member).request("PUT", "/events/999999/registration")
    assert response.status_code == 404
