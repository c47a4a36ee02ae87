"""Joining, checking in once per local day, streaks and completion, with a frozen clock: every
check-in is made at a chosen instant (`at=`), read in the member's own time zone."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from flywheel.badges.models import BadgeGrant
from flywheel.challenges import services
from flywheel.challenges.models import CheckIn, Participation
from flywheel.community.models import Visibility
from flywheel.core.exceptions import Conflict, InvalidInput
from flywheel.core.models import Activity, Verb
from tests.challenges.conftest import make_challenge
from tests.factories import SpaceFactory, UserFactory
from tests.reviews.conftest import png

pytestmark = pytest.mark.django_db


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


FIRST_MORNING = datetime(2027, 3, 1, 0, 0, tzinfo=UTC)


def joined(challenge, member, *, at=FIRST_MORNING):
    services.join_challenge(challenge=challenge, member=member, at=at)
    return Participation.objects.get(challenge=challenge, member=member)


def check_in(challenge, member, at, text="Out for a walk."):
    return services.check_in(challenge=challenge, member=member, text=text, at=at)


def test_los_angeles_check_ins_at_2330_and_0030_local_are_two_days_but_one_in_tokyo(staff):
    challenge = make_challenge(staff)
    angeleno = UserFactory(timezone="America/Los_Angeles")
    tokyoite = UserFactory(timezone="Asia/Tokyo")
    # 23:30 and 00:30 in Los Angeles (PST, UTC-8) on 9/10 March 2027 ...
    late, early = utc(2027, 3, 10, 7, 30), utc(2027, 3, 10, 8, 30)
    for member in (angeleno, tokyoite):
        joined(challenge, member)
    check_in(challenge, angeleno, late)
    check_in(challenge, angeleno, early)
    participation = Participation.objects.get(member=angeleno)
    assert list(CheckIn.objects.filter(member=angeleno).values_list("day", flat=True)) == [
        date(2027, 3, 10),
        date(2027, 3, 9),
    ]
    assert participation.check_in_count == 2
    assert participation.streak == participation.longest_streak == 2
    # ... are 16:30 and 17:30 on 10 March in Tokyo: the same day, so the second is refused.
    check_in(challenge, tokyoite, late)
    with pytest.raises(Conflict) as refused:
        check_in(challenge, tokyoite, early)
    assert "already checked in today" in refused.value.message
    assert refused.value.field == "day"
    assert Participation.objects.get(member=tokyoite).check_in_count == 1


def test_a_second_check_in_the_same_local_day_is_refused_with_a_clear_message(staff, member):
    challenge = make_challenge(staff)
    joined(challenge, member)
    check_in(challenge, member, utc(2027, 3, 5, 6, 0))
    with pytest.raises(Conflict) as refused:
        check_in(challenge, member, utc(2027, 3, 5, 22, 0))
    assert refused.value.message.startswith("You have already checked in today")
    assert CheckIn.objects.count() == 1
    assert Activity.objects.filter(verb=Verb.CHALLENGE_CHECKED_IN).count() == 1


def test_a_missed_day_resets_the_current_streak_but_keeps_the_longest(staff):
    challenge = make_challenge(staff)
    member = UserFactory(timezone="Europe/Rome")
    joined(challenge, member)
    for day in (1, 2, 3, 5, 6):
        check_in(challenge, member, utc(2027, 3, day, 9, 0))
    participation = Participation.objects.get(member=member)
    assert participation.streak == 2
    assert participation.longest_streak == 3
    assert participation.current_streak_on(date(2027, 3, 7)) == 2  # today not yet done
    assert participation.current_streak_on(date(2027, 3, 8)) == 0  # 7 March was missed


def test_a_streak_runs_across_the_dst_change_in_the_members_zone(staff):
    # Europe moved to summer time in the night to 28 March 2027: that local day is 23 hours.
    challenge = make_challenge(staff)
    member = UserFactory(timezone="Europe/Rome")
    joined(challenge, member)
    check_in(challenge, member, utc(2027, 3, 27, 22, 30))  # 23:30 on the 27th (CET)
    check_in(challenge, member, utc(2027, 3, 28, 22, 30))  # 00:30 on the 29th (CEST)
    participation = Participation.objects.get(member=member)
    assert participation.last_check_in_day == date(2027, 3, 29)
    assert participation.streak == 1  # the 28th was missed, though 24 hours passed


def test_reaching_the_target_completes_once_with_one_activity_and_one_badge(
    staff, member, django_capture_on_commit_callbacks
):
    challenge = make_challenge(
        staff, starts_on=date(2027, 3, 1), ends_on=date(2027, 3, 7), target=5
    )
    with django_capture_on_commit_callbacks(execute=True):
        joined(challenge, member)
        for day in range(1, 8):
            check_in(challenge, member, utc(2027, 3, day, 12, 0))
    participation = Participation.objects.get(member=member)
    assert participation.completed_at == utc(2027, 3, 5, 12, 0)
    completed = Activity.objects.get(verb=Verb.CHALLENGE_COMPLETED)
    assert completed.actor == member and completed.payload["challenge_id"] == challenge.pk
    grants = BadgeGrant.objects.filter(member=member, badge=challenge.badge)
    assert grants.count() == 1
    assert grants.get().source_activity_id == completed.pk
    challenge.refresh_from_db()
    assert challenge.completed_count == 1 and challenge.participant_count == 1
    assert Activity.objects.filter(verb=Verb.CHALLENGE_JOINED).count() == 1
    assert Activity.objects.filter(verb=Verb.CHALLENGE_CHECKED_IN).count() == 7


def test_another_challenges_completion_does_not_earn_this_badge(
    staff, member, django_capture_on_commit_callbacks
):
    week = make_challenge(staff, starts_on=date(2027, 3, 1), ends_on=date(2027, 3, 7), target=1)
    month = make_challenge(staff, title="Month", target=20)
    with django_capture_on_commit_callbacks(execute=True):
        joined(week, member)
        check_in(week, member, utc(2027, 3, 2, 12, 0))
    assert BadgeGrant.objects.filter(member=member, badge=week.badge).exists()
    assert not BadgeGrant.objects.filter(member=member, badge=month.badge).exists()


def test_check_ins_outside_the_period_are_refused(staff, member):
    challenge = make_challenge(
        staff, starts_on=date(2027, 3, 10), ends_on=date(2027, 3, 12), target=2
    )
    joined(challenge, member)
    with pytest.raises(Conflict, match="starts on"):
        check_in(challenge, member, utc(2027, 3, 9, 12, 0))
    with pytest.raises(Conflict, match="over"):
        check_in(challenge, member, utc(2027, 3, 13, 12, 0))
    assert not CheckIn.objects.exists()


def test_checking_in_needs_joining_and_text_or_a_photo(staff, member):
    challenge = make_challenge(staff)
    with pytest.raises(Conflict, match="Join"):
        check_in(challenge, member, utc(2027, 3, 2, 12, 0))
    joined(challenge, member)
    with pytest.raises(InvalidInput) as empty:
        check_in(challenge, member, utc(2027, 3, 2, 12, 0), text="  ")
    assert empty.value.field == "text"


def test_a_photo_check_in_is_stored_re_encoded_and_text_is_sanitised(staff, member):
    challenge = make_challenge(staff)
    joined(challenge, member)
    entry = services.check_in(
        challenge=challenge,
        member=member,
        text="**Summit**<script>alert(1)</script>",
        photo=png(),
        at=utc(2027, 3, 2, 12, 0),
    )
    assert entry.photo.name.endswith(".webp")
    assert "<strong>Summit</strong>" in entry.text_html
    assert "<script>" not in entry.text_html


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_stored(staff, member):
    challenge = make_challenge(staff)
    joined(challenge, member)
    script = SimpleUploadedFile("run.jpg", b"<svg onload=alert(1)>", content_type="image/jpeg")
    with pytest.raises(InvalidInput) as refused:
        services.check_in(
            challenge=challenge, member=member, photo=script, at=utc(2027, 3, 2, 12, 0)
        )
    assert refused.value.field == "photo"
    text_file = SimpleUploadedFile("notes.png", b"just some text", content_type="image/png")
    with pytest.raises(InvalidInput):
        services.check_in(
            challenge=challenge, member=member, photo=text_file, at=utc(2027, 3, 2, 12, 0)
        )
    assert not CheckIn.objects.exists()
    assert Participation.objects.get(member=member).check_in_count == 0


def test_joining_twice_is_one_participation_and_one_activity(staff, member):
    challenge = make_challenge(staff)
    joined(challenge, member)
    joined(challenge, member, at=utc(2027, 3, 2, 0, 0))
    challenge.refresh_from_db()
    assert challenge.participant_count == 1
    assert Activity.objects.filter(verb=Verb.CHALLENGE_JOINED).count() == 1


def test_a_member_cannot_join_a_finished_challenge(staff, member):
    challenge = make_challenge(
        staff, starts_on=date(2027, 3, 1), ends_on=date(2027, 3, 2), target=1
    )
    with pytest.raises(Conflict, match="over"):
        services.join_challenge(challenge=challenge, member=member, at=utc(2027, 3, 3, 12, 0))


def test_a_challenge_in_a_members_only_space_is_hidden_from_visitors(staff, member):
    from django.contrib.auth.models import AnonymousUser

    space = SpaceFactory(visibility=Visibility.GATED)
    challenge = make_challenge(staff, space=space)
    with pytest.raises(Http404):
        services.join_challenge(challenge=challenge, member=member)
    with pytest.raises(PermissionDenied):
        services.join_challenge(challenge=challenge, member=AnonymousUser())


def test_only_the_brand_team_creates_challenges(member):
    with pytest.raises(PermissionDenied):
        make_challenge(member)


def test_the_target_cannot_exceed_one_check_in_a_day(staff):
    with pytest.raises(InvalidInput) as refused:
        make_challenge(staff, starts_on=date(2027, 3, 1), ends_on=date(2027, 3, 7), target=8)
    assert refused.value.field == "target_check_ins"
    with pytest.raises(InvalidInput) as backwards:
        make_challenge(staff, starts_on=date(2027, 3, 7), ends_on=date(2027, 3, 1), target=1)
    assert backwards.value.field == "ends_on"


def test_editing_keeps_the_badge_and_renames_it(staff):
    challenge = make_challenge(staff, badge_name="Outdoor soul")
    badge_id = challenge.badge_id
    assert challenge.badge.name == "Outdoor soul"
    services.edit_challenge(
        challenge=challenge,
        by=staff,
        title="31 days outside",
        starts_on=challenge.starts_on,
        ends_on=challenge.ends_on + timedelta(days=1),
        target_check_ins=31,
        badge_name="Fresh air",
    )
    challenge.refresh_from_db()
    assert challenge.badge_id == badge_id and challenge.badge.name == "Fresh air"
    assert challenge.target_check_ins == 31
