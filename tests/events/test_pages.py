"""Event pages: each viewer's time zone, RSVP and check-in, the live question board, the
host's console, iCal files, chapters; who may do what; query counts flat as data grows."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from flywheel.events import services
from flywheel.events.models import EventFormat, EventKind, Question, RegistrationStatus
from flywheel.trust.services import set_locked_level
from tests.events.conftest import make_event, members
from tests.factories import AdminFactory, UserFactory

pytestmark = pytest.mark.django_db

# 15 June 2027, 17:00 UTC, seen from five members' zones (two of them already on the 16th).
FIVE_ZONES = {
    "Europe/Berlin": "Tue 15 Jun 2027, 19:00–20:30 CEST",
    "America/Los_Angeles": "Tue 15 Jun 2027, 10:00–11:30 PDT",
    "Asia/Kolkata": "Tue 15 Jun 2027, 22:30–00:00 IST",
    "Asia/Tokyo": "Wed 16 Jun 2027, 02:00–03:30 JST",
    "Australia/Sydney": "Wed 16 Jun 2027, 03:00–04:30 AEST",
}


def _signed_in(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


@pytest.fixture
def june_event(staff, host):
    return make_event(
        by=staff,
        host=host,
        starts_at=datetime(2027, 6, 15, 17, 0, tzinfo=UTC),
        duration=timedelta(minutes=90),
        time_zone="Europe/Berlin",
        title="Summer trail AMA",
    )


def test_an_event_is_seen_in_each_of_five_members_time_zones(june_event):
    for zone, expected in FIVE_ZONES.items():
        member = UserFactory(timezone=zone)
        client = _signed_in(member)

        page = client.get(june_event.get_absolute_url()).content.decode()
        listing = client.get(reverse("events:list")).content.decode()

        # Kolkata's evening ends at midnight: the range crosses into the 16th there.
        expected_page = expected.replace("–00:00", "–Wed 16 Jun 00:00")
        assert expected_page in page, zone
        assert expected_page in listing, zone
        assert 'datetime="2027-06-15T17:00:00+00:00"' in page


def test_members_elsewhere_also_see_the_time_in_the_events_own_zone(june_event):
    tokyo = _signed_in(UserFactory(timezone="Asia/Tokyo"))
    berlin = _signed_in(UserFactory(timezone="Europe/Berlin"))

    from_tokyo = tokyo.get(june_event.get_absolute_url()).content.decode()
    from_berlin = berlin.get(june_event.get_absolute_url()).content.decode()

    assert "Europe/Berlin" in from_tokyo and "19:00–20:30 CEST" in from_tokyo
    assert 'data-testid="event-zone"' not in from_berlin


def test_visitors_who_are_not_signed_in_see_the_events_own_zone(client, june_event):
    page = client.get(june_event.get_absolute_url()).content.decode()
    assert FIVE_ZONES["Europe/Berlin"] in page
    assert "Sign in to RSVP" in page


def test_a_member_rsvps_and_cancels_from_the_page(ama, member):
    client = _signed_in(member)

    going = client.post(reverse("events:rsvp", args=[ama.pk]), headers={"HX-Request": "true"})
    assert going.status_code == 200
    assert "You are going." in going.content.decode()

    cancelled = client.post(reverse("events:rsvp", args=[ama.pk]), {"action": "cancel"})
    assert cancelled.status_code == 302
    assert ama.registrations.get(member=member).status == RegistrationStatus.CANCELLED


def test_a_full_event_offers_the_waitlist_and_shows_the_members_place(staff):
    event = make_event(by=staff, capacity=1)
    seated, first, second = members(3)
    for member in (seated, first, second):
        services.register_for_event(event=event, member=member)

    page = _signed_in(second).get(event.get_absolute_url()).content.decode()
    newcomer_page = _signed_in(UserFactory()).get(event.get_absolute_url()).content.decode()

    assert "You are number 2 on the waitlist" in page
    assert "Join the waitlist" in newcomer_page


def test_the_online_link_is_shown_to_members_with_a_seat_only(staff):
    event = make_event(
        by=staff, kind=EventKind.WORKSHOP, online_url="https://meet.example.com/secret-room"
    )
    seated = UserFactory()
    services.register_for_event(event=event, member=seated)

    assert "secret-room" in _signed_in(seated).get(event.get_absolute_url()).content.decode()
    assert "secret-room" not in Client().get(event.get_absolute_url()).content.decode()
    assert (
        "secret-room"
        not in _signed_in(UserFactory()).get(event.get_absolute_url()).content.decode()
    )


def test_check_in_from_the_page_with_the_code(staff, member):
    event = make_event(by=staff, starts_in=-timedelta(minutes=5))
    services.register_for_event(event=event, member=member)
    client = _signed_in(member)
    url = reverse("events:check_in", args=[event.pk])

    wrong = client.post(url, {"code": "WRONG1"}, headers={"HX-Request": "true"})
    right = client.post(url, {"code": event.check_in_code}, headers={"HX-Request": "true"})

    assert wrong.status_code == 422
    assert "check-in code is not right" in wrong.content.decode()
    assert right.status_code == 200
    assert "You checked in" in right.content.decode()


def test_the_question_board_answers_204_while_nothing_changed_and_the_board_after(ama, host):
    member = UserFactory()
    client = _signed_in(member)
    url = reverse("events:questions", args=[ama.pk])
    ama.refresh_from_db()

    unchanged = client.get(f"{url}?v={ama.version}", headers={"HX-Request": "true"})
    services.ask_question(event=ama, author=UserFactory(), body="Which **stove** do you use?")
    changed = client.get(f"{url}?v={ama.version}", headers={"HX-Request": "true"})

    assert unchanged.status_code == 204
    assert changed.status_code == 200
    assert "<strong>stove</strong>" in changed.content.decode()


def test_the_board_stops_polling_once_the_event_is_over(staff):
    over = make_event(by=staff, starts_in=-timedelta(hours=3))
    response = Client().get(
        reverse("events:questions", args=[over.pk]) + "?v=0", headers={"HX-Request": "true"}
    )
    assert response.status_code == 286
    assert "hx-trigger" not in response.content.decode()


def test_asking_from_the_page_returns_a_fresh_form_and_the_board(ama, member):
    response = _signed_in(member).post(
        reverse("events:questions", args=[ama.pk]),
        {"body": "Do you ship to Norway?"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="ask-question"' in html and 'hx-swap-oob="true"' in html
    assert "Do you ship to Norway?" in html


def test_question_html_is_sanitised(ama, member):
    services.ask_question(
        event=ama, author=member, body="<script>alert(1)</script> [x](javascript:alert(2))"
    )
    page = Client().get(ama.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in page
    assert 'href="javascript:' not in page
    assert "&lt;script&gt;alert(1)" in page  # shown as text


def test_bad_question_input_is_a_4xx_naming_the_problem_never_a_500(ama, member):
    response = _signed_in(member).post(
        reverse("events:questions", args=[ama.pk]), {"body": "x" * 501}
    )
    assert response.status_code == 422
    assert "under 500 characters" in response.content.decode()


def test_the_host_answers_the_next_question_from_the_console(staff, host):
    event = make_event(by=staff, host=host, starts_in=-timedelta(minutes=10))
    question = services.ask_question(event=event, author=UserFactory(), body="Best boots?")
    client = _signed_in(host)

    console = client.get(reverse("events:manage", args=[event.pk]))
    answered = client.post(reverse("events:answer", args=[question.pk]), {"answer": "The Ridge."})

    assert console.status_code == 200
    assert event.check_in_code in console.content.decode()
    assert answered.status_code == 302
    assert answered["Location"] == reverse("events:manage", args=[event.pk])
    assert Question.objects.get(pk=question.pk).answer == "The Ridge."
    assert "The Ridge." in Client().get(event.get_absolute_url()).content.decode()


def test_members_cannot_run_an_event_answer_or_schedule(ama, member):
    question = services.ask_question(event=ama, author=UserFactory(), body="Q?")
    client = _signed_in(member)

    manage = client.get(reverse("events:manage", args=[ama.pk]))
    answer = client.post(reverse("events:answer", args=[question.pk]), {"answer": "Nope"})
    dismiss = client.post(reverse("events:dismiss", args=[question.pk]))
    schedule = client.get(reverse("events:schedule"))

    assert [manage.status_code, answer.status_code, dismiss.status_code] == [403, 403, 403]
    assert schedule.status_code == 403
    assert ama.check_in_code not in manage.content.decode()
    assert Question.objects.get(pk=question.pk).answer == ""


def test_rsvp_needs_the_csrf_token(ama, member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post(reverse("events:rsvp", args=[ama.pk]))
    assert response.status_code == 403
    assert not ama.registrations.exists()


def test_the_brand_team_schedules_an_event_from_the_form_in_its_zone(staff):
    client = _signed_in(staff)
    response = client.post(
        reverse("events:schedule"),
        {
            "title": "Autumn meetup",
            "kind": EventKind.MEETUP,
            "format": EventFormat.IN_PERSON,
            "starts_at": "2031-10-04T18:30",
            "ends_at": "2031-10-04T21:00",
            "time_zone": "America/Chicago",
            "venue": "Northtrail Chicago",
            "capacity": "30",
        },
    )
    event = staff.hosted_events.get()
    assert response.status_code == 302
    assert event.starts_at == datetime(2031, 10, 4, 23, 30, tzinfo=UTC)
    assert event.capacity == 30


def test_the_schedule_form_names_the_field_it_refuses(staff):
    response = _signed_in(staff).post(
        reverse("events:schedule"),
        {"title": "X", "kind": "ama", "format": "online", "starts_at": "soon", "time_zone": "UTC"},
    )
    assert response.status_code == 422
    assert "Give the start date and time." in response.content.decode()


# ---------------------------------------------------------------- iCal


def test_each_event_has_an_ical_file_in_utc(client, june_event):
    response = client.get(reverse("events:ics", args=[june_event.pk]))

    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    (item,) = calendar.walk("VEVENT")
    assert str(item["summary"]) == "Summer trail AMA"
    assert item.decoded("dtstart") == datetime(2027, 6, 15, 17, 0, tzinfo=UTC)
    assert item.decoded("dtend") == datetime(2027, 6, 15, 18, 30, tzinfo=UTC)
    assert june_event.get_absolute_url() in str(item["url"])


def test_the_feed_lists_every_event_and_marks_cancelled_ones(client, staff):
    kept = make_event(by=staff, title="Kept")
    dropped = make_event(by=staff, title="Dropped")
    services.cancel_event(event=dropped, by=staff)

    calendar = Calendar.from_ical(client.get(reverse("events:feed")).content)
    items = {str(item["summary"]): item for item in calendar.walk("VEVENT")}

    assert set(items) == {"Kept", "Dropped"}
    assert str(items["Dropped"]["status"]) == "CANCELLED"
    assert str(items["Kept"]["uid"]).startswith(f"event-{kept.pk}@")


# ---------------------------------------------------------------- chapters


def test_a_chapter_page_lists_its_meetups_and_organisers(staff):
    chapter = services.create_chapter(
        by=staff, name="Milano Trail", city="Milan", time_zone="Europe/Rome"
    )
    organiser = UserFactory(display_name="Giulia Organiser")
    set_locked_level(member=organiser, level=3, by=AdminFactory())
    services.appoint_organiser(chapter=chapter, member=organiser, by=staff)
    make_event(by=organiser, chapter=chapter, title="Navigli evening walk", kind=EventKind.MEETUP)

    page = Client().get(chapter.get_absolute_url()).content.decode()

    assert "Navigli evening walk" in page and "Giulia Organiser" in page


def test_members_join_a_chapter_and_only_staff_appoint_organisers(staff, member):
    chapter = services.create_chapter(by=staff, name="Berlin Hikers", city="Berlin")
    client = _signed_in(member)

    client.post(reverse("events:chapter_membership", args=[chapter.slug]))
    denied = client.post(
        reverse("events:chapter_organisers", args=[chapter.slug]), {"handle": member.handle}
    )

    assert chapter.memberships.get(member=member).role == "member"
    assert denied.status_code == 403


# ---------------------------------------------------------------- query counts


def _many_events(staff, count):
    for number in range(count):
        make_event(by=staff, title=f"Event {number}", starts_in=timedelta(days=1 + number))


@pytest.mark.parametrize("count", [5, 50])
def test_the_event_list_costs_the_same_queries_for_5_and_50_events(
    staff, member, count, django_assert_num_queries
):
    _many_events(staff, count)
    client = _signed_in(member)
    client.get(reverse("events:list"))  # warm the session and caches
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("events:list"))
    assert response.content.decode().count("data-event-id") == count


# session, user, upcoming (with hosts, chapters), past, the viewer's RSVPs, chapters, the
# chapters the viewer organises.
LIST_QUERIES = 7


@pytest.mark.parametrize("count", [5, 50])
def test_an_event_page_costs_the_same_queries_for_5_and_50_questions(
    ama, member, count, django_assert_num_queries
):
    askers = members(count)
    for number, asker in enumerate(askers):
        question = services.ask_question(event=ama, author=asker, body=f"Question {number}")
        if number % 2:
            services.upvote_question(question=question, member=member)
    client = _signed_in(member)
    client.get(ama.get_absolute_url())
    with django_assert_num_queries(EVENT_PAGE_QUERIES):
        response = client.get(ama.get_absolute_url())
    assert response.content.decode().count("data-question-id") == count


# session, user, the event (host, chapter), the viewer's registration, the questions with
# their authors, the viewer's votes, and the chat app's link to the event's room
# (hooks.event_page_links: one query).
EVENT_PAGE_QUERIES = 7


@pytest.mark.parametrize("count", [5, 50])
def test_the_api_list_costs_the_same_queries_for_5_and_50_events(
    client, staff, count, django_assert_num_queries
):
    _many_events(staff, count)
    with django_assert_num_queries(1):  # events with hosts and chapters
        response = client.get("/api/v1/events?limit=100")
    assert len(response.json()["items"]) == count


def test_the_ical_file_keeps_a_workshops_private_link_out(client, staff):
    event = make_event(
        by=staff, kind=EventKind.WORKSHOP, online_url="https://meet.example.com/secret-room"
    )
    body = client.get(reverse("events:ics", args=[event.pk])).content.decode()
    assert "secret-room" not in body
    assert "LOCATION:Online" in body


def test_my_events_lists_what_is_coming_and_what_i_attended(staff, member):
    coming = make_event(by=staff, title="Coming soon")
    been = make_event(by=staff, title="Been there", starts_in=-timedelta(hours=3))
    services.register_for_event(event=coming, member=member)
    services.register_for_event(event=been, member=member, at=been.starts_at - timedelta(days=1))
    services.check_in(
        event=been, member=member, code=been.check_in_code, at=been.starts_at + timedelta(minutes=5)
    )

    page = _signed_in(member).get(reverse("events:mine")).content.decode()

    assert "Coming soon" in page and "Been there" in page and "Attended" in page


def test_the_brand_team_creates_a_chapter_from_the_form(staff):
    response = _signed_in(staff).post(
        reverse("events:chapter_new"),
        {"name": "Kraków Hikers", "city": "Kraków", "time_zone": "Europe/Warsaw"},
    )
    missing_city = _signed_in(staff).post(
        reverse("events:chapter_new"), {"name": "Nowhere", "city": "", "time_zone": "UTC"}
    )

    assert response.status_code == 302
    assert missing_city.status_code == 422
    assert "Say which city" in missing_city.content.decode()
