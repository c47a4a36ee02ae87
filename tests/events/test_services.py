"""RSVPs, the waitlist, check-in, AMA questions and chapters, through the services."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from flywheel.core.exceptions import Conflict, InvalidInput
from flywheel.core.models import Activity, Verb
from flywheel.events import services
from flywheel.events.models import (
    ChapterRole,
    Event,
    EventFormat,
    EventKind,
    EventState,
    QuestionState,
    RegistrationStatus,
)
from flywheel.trust.services import set_locked_level
from tests.events.conftest import make_event, members
from tests.factories import AdminFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_member_gets_a_seat_and_the_registration_is_logged_once(ama, member):
    registration = services.register_for_event(event=ama, member=member)
    again = services.register_for_event(event=ama, member=member)

    assert registration.status == RegistrationStatus.GOING
    assert again.pk == registration.pk
    ama.refresh_from_db()
    assert ama.going_count == 1
    logged = Activity.objects.filter(verb=Verb.EVENT_REGISTERED, actor=member)
    assert logged.count() == 1
    assert logged.get().target_id == ama.pk


def test_past_capacity_members_join_the_waitlist_in_order(staff):
    event = make_event(by=staff, capacity=2)
    first, second, third, fourth = members(4)
    statuses = [
        services.register_for_event(event=event, member=m).status
        for m in (first, second, third, fourth)
    ]

    assert statuses == ["going", "going", "waitlisted", "waitlisted"]
    event.refresh_from_db()
    assert (event.going_count, event.waitlist_count) == (2, 2)
    # Nobody on the waitlist has earned the registration activity yet.
    assert not Activity.objects.filter(verb=Verb.EVENT_REGISTERED, actor=third).exists()


def test_a_cancellation_promotes_the_first_member_waiting_and_emails_them(
    staff, django_capture_on_commit_callbacks
):
    event = make_event(by=staff, capacity=1, title="Packing workshop")
    going, first_waiting, second_waiting = members(3)
    for member in (going, first_waiting, second_waiting):
        services.register_for_event(event=event, member=member)

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(event=event, member=going)

    statuses = dict(event.registrations.values_list("member_id", "status"))
    assert statuses == {
        going.pk: RegistrationStatus.CANCELLED,
        first_waiting.pk: RegistrationStatus.GOING,
        second_waiting.pk: RegistrationStatus.WAITLISTED,
    }
    assert Activity.objects.filter(verb=Verb.EVENT_REGISTERED, actor=first_waiting).exists()
    assert [message.to for message in mail.outbox] == [[first_waiting.email]]
    assert "Packing workshop" in mail.outbox[0].subject
    event.refresh_from_db()
    assert (event.going_count, event.waitlist_count) == (1, 1)


def test_leaving_the_waitlist_promotes_nobody(staff):
    event = make_event(by=staff, capacity=1)
    going, waiting, later = members(3)
    for member in (going, waiting, later):
        services.register_for_event(event=event, member=member)

    services.cancel_registration(event=event, member=waiting)

    assert event.registrations.get(member=going).status == RegistrationStatus.GOING
    assert event.registrations.get(member=later).status == RegistrationStatus.WAITLISTED


def test_registering_again_after_cancelling_joins_the_back_of_the_waitlist(staff):
    event = make_event(by=staff, capacity=1)
    first, second, third = members(3)
    services.register_for_event(event=event, member=first)
    services.register_for_event(event=event, member=second)
    services.cancel_registration(event=event, member=first)  # second takes the seat
    services.register_for_event(event=event, member=third)

    back = services.register_for_event(event=event, member=first)

    assert back.status == RegistrationStatus.WAITLISTED
    assert event.registrations.get(member=third).status == RegistrationStatus.WAITLISTED
    services.cancel_registration(event=event, member=second)
    assert event.registrations.get(member=third).status == RegistrationStatus.GOING
    assert event.registrations.get(member=first).status == RegistrationStatus.WAITLISTED
    # Coming back earns the registration activity once, not twice.
    assert Activity.objects.filter(verb=Verb.EVENT_REGISTERED, actor=first).count() == 1


def test_more_seats_promote_the_waitlist_at_once(staff):
    event = make_event(by=staff, capacity=1)
    going, waiting = members(2)
    services.register_for_event(event=event, member=going)
    services.register_for_event(event=event, member=waiting)

    services.change_capacity(event=event, by=staff, capacity=5)

    assert event.registrations.get(member=waiting).status == RegistrationStatus.GOING


def test_nobody_registers_for_a_cancelled_or_finished_event(staff, member):
    cancelled = make_event(by=staff)
    services.cancel_event(event=cancelled, by=staff)
    finished = make_event(by=staff, starts_in=-timedelta(hours=3))

    with pytest.raises(Conflict):
        services.register_for_event(event=cancelled, member=member)
    with pytest.raises(Conflict):
        services.register_for_event(event=finished, member=member)


def test_cancelling_an_event_emails_everyone_going_or_waiting_once(
    staff, django_capture_on_commit_callbacks
):
    event = make_event(by=staff, capacity=1)
    going, waiting, left = members(3)
    for member in (going, waiting, left):
        services.register_for_event(event=event, member=member)
    services.cancel_registration(event=event, member=left)

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_event(event=event, by=staff)
        services.cancel_event(event=event, by=staff)

    assert sorted(m.to[0] for m in mail.outbox) == sorted([going.email, waiting.email])
    assert Event.objects.get(pk=event.pk).state == EventState.CANCELLED


# ---------------------------------------------------------------- scheduling


def test_only_the_brand_team_schedules_community_wide_events(member):
    with pytest.raises(PermissionDenied):
        make_event(by=member)


def test_a_naive_start_is_read_in_the_events_zone_and_stored_in_utc(staff):
    from datetime import datetime

    event = make_event(
        by=staff,
        starts_at=datetime(2031, 7, 1, 18, 30),  # noqa: DTZ001 - a wall-clock time, as a form gives
        time_zone="Europe/Rome",
    )  # CEST, UTC+2

    assert event.starts_at.isoformat() == "2031-07-01T16:30:00+00:00"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"kind": "party"}, "kind"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"duration": -timedelta(hours=1)}, "ends_at"),
        ({"capacity": 0}, "capacity"),
        ({"format": EventFormat.IN_PERSON, "venue": " "}, "venue"),
        ({"kind": EventKind.LIVESTREAM}, "online_url"),
        ({"online_url": "javascript:alert(1)"}, "online_url"),
    ],
)
def test_bad_event_input_is_refused_naming_the_field(staff, changes, field):
    changes = dict(changes)
    if "venue" in changes:
        changes["venue"] = " "
    with pytest.raises(InvalidInput) as refused:
        if changes.get("venue") == " ":
            services.schedule_event(
                by=staff,
                title="Meetup",
                kind=EventKind.MEETUP,
                format=EventFormat.IN_PERSON,
                starts_at=timezone.now() + timedelta(days=1),
                ends_at=timezone.now() + timedelta(days=1, hours=2),
                venue=" ",
            )
        else:
            make_event(by=staff, **changes)
    assert refused.value.field == field


# ---------------------------------------------------------------- check-in


def test_check_in_with_the_code_logs_attendance_once(staff, member):
    event = make_event(by=staff, starts_in=-timedelta(minutes=10))
    services.register_for_event(event=event, member=member)

    services.check_in(event=event, member=member, code=event.check_in_code.lower())
    services.check_in(event=event, member=member, code=event.check_in_code)

    attended = Activity.objects.filter(verb=Verb.EVENT_ATTENDED, actor=member)
    assert attended.count() == 1
    event.refresh_from_db()
    assert event.attended_count == 1


def test_a_wrong_code_or_no_seat_or_the_wrong_time_does_not_check_in(staff, member):
    now_event = make_event(by=staff, starts_in=-timedelta(minutes=10))
    later = make_event(by=staff, starts_in=timedelta(days=2))
    services.register_for_event(event=later, member=member)

    with pytest.raises(Conflict):  # not registered
        services.check_in(event=now_event, member=member, code=now_event.check_in_code)
    services.register_for_event(event=now_event, member=member)
    with pytest.raises(InvalidInput) as wrong:
        services.check_in(event=now_event, member=member, code="NOPE42")
    with pytest.raises(Conflict):  # two days early
        services.check_in(event=later, member=member, code=later.check_in_code)

    assert wrong.value.field == "code"
    assert not Activity.objects.filter(verb=Verb.EVENT_ATTENDED).exists()


def test_the_host_checks_a_walk_in_in_at_the_door_even_when_full(staff, host):
    event = make_event(by=staff, host=host, capacity=1, starts_in=-timedelta(minutes=5))
    seated, walk_in = members(2)
    services.register_for_event(event=event, member=seated)

    services.check_in_member(event=event, member=walk_in, by=host)

    assert event.registrations.get(member=walk_in).checked_in_at is not None
    assert Activity.objects.filter(verb=Verb.EVENT_ATTENDED, actor=walk_in).exists()
    with pytest.raises(PermissionDenied):
        services.check_in_member(event=event, member=walk_in, by=seated)


def test_attendance_earns_the_default_points(staff, member, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    from flywheel.rewards.queries import account_for

    call_command("rewards", "install-defaults", stdout=open("/dev/null", "w"))  # noqa: SIM115
    event = make_event(by=staff, starts_in=-timedelta(minutes=5))
    services.register_for_event(event=event, member=member)
    with django_capture_on_commit_callbacks(execute=True):
        services.check_in(event=event, member=member, code=event.check_in_code)

    account = account_for(member)
    assert account.balance + account.pending >= 10


# ---------------------------------------------------------------- questions


def test_questions_are_ordered_by_votes_and_answered_by_the_host(ama, host):
    asker, voter_one, voter_two = members(3)
    early = services.ask_question(event=ama, author=asker, body="Is the tent waterproof?")
    popular = services.ask_question(event=ama, author=asker, body="When is the *next* launch?")
    services.upvote_question(question=popular, member=voter_one)
    services.upvote_question(question=popular, member=voter_two)

    from flywheel.events.queries import questions_for

    open_questions, answered = questions_for(voter_one, ama)
    assert [q.pk for q in open_questions] == [popular.pk, early.pk]
    assert "<em>next</em>" in open_questions[0].body_html

    with pytest.raises(Conflict):  # not started yet
        services.answer_question(question=popular, by=host, answer="Soon!")
    services.answer_question(
        question=popular, by=host, answer="In **May**.", at=ama.starts_at + timedelta(minutes=1)
    )
    popular.refresh_from_db()
    assert popular.state == QuestionState.ANSWERED
    assert "<strong>May</strong>" in popular.answer_html


def test_one_vote_per_member_and_none_for_your_own_question(ama):
    asker, voter = members(2)
    question = services.ask_question(event=ama, author=asker, body="Colours?")
    services.upvote_question(question=question, member=voter)

    with pytest.raises(Conflict):
        services.upvote_question(question=question, member=voter)
    with pytest.raises(PermissionDenied):
        services.upvote_question(question=question, member=asker)
    question.refresh_from_db()
    assert question.vote_count == 1


def test_only_the_host_or_organisers_answer(ama, member):
    question = services.ask_question(event=ama, author=member, body="Why?")
    with pytest.raises(PermissionDenied):
        services.answer_question(
            question=question, by=UserFactory(), answer="Because.", at=ama.ends_at
        )


def test_questions_are_refused_for_a_meetup_and_after_the_event(staff, member):
    meetup = make_event(by=staff, kind=EventKind.MEETUP, format=EventFormat.IN_PERSON)
    over = make_event(by=staff, starts_in=-timedelta(hours=5))

    with pytest.raises(Conflict):
        services.ask_question(event=meetup, author=member, body="Hello?")
    with pytest.raises(Conflict):
        services.ask_question(event=over, author=member, body="Hello?")


def test_questions_are_rate_limited_by_trust_level(ama, settings):
    settings.FLYWHEEL_RATE_LIMITS = {**settings.FLYWHEEL_RATE_LIMITS, "event_question": {0: "2/h"}}
    newcomer = UserFactory()
    services.ask_question(event=ama, author=newcomer, body="One")
    services.ask_question(event=ama, author=newcomer, body="Two")

    from flywheel.core.exceptions import RateLimited

    with pytest.raises(RateLimited):
        services.ask_question(event=ama, author=newcomer, body="Three")


def test_each_question_change_bumps_the_version_the_live_page_polls(ama, host):
    asker, voter = members(2)
    versions = [Event.objects.get(pk=ama.pk).version]
    question = services.ask_question(event=ama, author=asker, body="Q")
    versions.append(Event.objects.get(pk=ama.pk).version)
    services.upvote_question(question=question, member=voter)
    versions.append(Event.objects.get(pk=ama.pk).version)
    services.answer_question(question=question, by=host, answer="A", at=ama.starts_at)
    versions.append(Event.objects.get(pk=ama.pk).version)

    assert versions == sorted(set(versions))


# ---------------------------------------------------------------- chapters


def test_organisers_are_drawn_from_trusted_members(staff, settings):
    settings.FLYWHEEL_EVENTS_ORGANISER_TRUST_LEVEL = 3
    chapter = services.create_chapter(by=staff, name="Berlin Hikers", city="Berlin")
    newcomer, regular = members(2)
    set_locked_level(member=regular, level=3, by=AdminFactory())

    with pytest.raises(InvalidInput) as refused:
        services.appoint_organiser(chapter=chapter, member=newcomer, by=staff)
    membership = services.appoint_organiser(chapter=chapter, member=regular, by=staff)

    assert refused.value.field == "member"
    assert membership.role == ChapterRole.ORGANISER


def test_an_organiser_schedules_meetups_for_their_chapter_only(staff):
    berlin = services.create_chapter(by=staff, name="Berlin Hikers", city="Berlin")
    milan = services.create_chapter(by=staff, name="Milano Trail", city="Milan")
    organiser = UserFactory()
    set_locked_level(member=organiser, level=4, by=AdminFactory())
    services.appoint_organiser(chapter=berlin, member=organiser, by=staff)

    meetup = make_event(
        by=organiser, chapter=berlin, kind=EventKind.MEETUP, format=EventFormat.IN_PERSON
    )

    assert meetup.chapter == berlin and meetup.host == organiser
    with pytest.raises(PermissionDenied):
        make_event(by=organiser, chapter=milan, kind=EventKind.MEETUP)
    with pytest.raises(PermissionDenied):
        make_event(by=organiser)  # community-wide


def test_members_join_and_leave_a_chapter(staff, member):
    chapter = services.create_chapter(by=staff, name="Berlin Hikers", city="Berlin")
    services.join_chapter(chapter=chapter, member=member)
    services.join_chapter(chapter=chapter, member=member)
    chapter.refresh_from_db()
    assert chapter.member_count == 1

    services.leave_chapter(chapter=chapter, member=member)
    chapter.refresh_from_db()
    assert chapter.member_count == 0


def test_only_the_brand_team_creates_chapters(member):
    with pytest.raises(PermissionDenied):
        services.create_chapter(by=member, name="Rogue", city="Nowhere")
