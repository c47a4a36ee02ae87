"""The challenge pages as a member sees them, with a frozen clock (django.utils.timezone.now
monkeypatched): joining, checking in once a local day, the progress bar and the board."""

from datetime import UTC, date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from flywheel.challenges import services
from flywheel.challenges.models import Challenge, CheckIn, Participation
from flywheel.community.models import Visibility
from tests.challenges.conftest import make_challenge
from tests.factories import SpaceFactory, UserFactory
from tests.reviews.conftest import png

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 10, 18, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def challenge(staff):
    return make_challenge(staff)


def detail(challenge) -> str:
    return reverse("challenges:detail", args=[challenge.pk])


def take_part(challenge, count: int, *, start: int = 0) -> None:
    for index in range(start, start + count):
        member = UserFactory(timezone="Europe/Rome" if index % 2 else "America/New_York")
        services.join_challenge(challenge=challenge, member=member, at=NOW)
        for day in range(1, 1 + index % 5):
            services.check_in(
                challenge=challenge,
                member=member,
                text=f"Day {day}",
                at=datetime(2027, 3, day, 12, 0, tzinfo=UTC),
            )


def queries_for(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_challenge_page_costs_the_same_queries_for_5_and_50_participants(
    client, challenge, signed_in
):
    if signed_in:
        viewer = UserFactory()
        services.join_challenge(challenge=challenge, member=viewer, at=NOW)
        client.force_login(viewer)
    take_part(challenge, 5)
    with_five = queries_for(client, detail(challenge))
    take_part(challenge, 45, start=5)
    assert queries_for(client, detail(challenge)) == with_five


def test_the_list_costs_the_same_queries_for_5_and_50_challenges(client, staff, member):
    client.force_login(member)
    for index in range(5):
        make_challenge(staff, title=f"Challenge {index}")
    with_five = queries_for(client, reverse("challenges:list"))
    for index in range(45):
        make_challenge(staff, title=f"More {index}")
    assert queries_for(client, reverse("challenges:list")) == with_five


def test_the_board_ranks_by_check_ins_then_streak(client, challenge):
    steady, patchy, new = (UserFactory(handle=name) for name in ("steady", "patchy", "newbie"))
    for member in (steady, patchy, new):
        services.join_challenge(challenge=challenge, member=member, at=NOW)
    for day in (1, 2, 3):
        services.check_in(
            challenge=challenge, member=steady, text="x", at=datetime(2027, 3, day, 9, tzinfo=UTC)
        )
    for day in (1, 3, 5):
        services.check_in(
            challenge=challenge, member=patchy, text="x", at=datetime(2027, 3, day, 9, tzinfo=UTC)
        )
    services.check_in(challenge=challenge, member=new, text="x", at=NOW)
    page = client.get(detail(challenge)).content.decode()
    assert page.index('data-member="steady"') < page.index('data-member="patchy"')
    assert page.index('data-member="patchy"') < page.index('data-member="newbie"')


def test_a_member_joins_checks_in_and_sees_their_progress_bar(client, challenge, member):
    client.force_login(member)
    assert b"Join the challenge" in client.get(detail(challenge)).content
    response = client.post(reverse("challenges:join", args=[challenge.pk]))
    assert response.status_code == 302
    response = client.post(
        reverse("challenges:check_in", args=[challenge.pk]), {"text": "A long walk by the river."}
    )
    assert response.status_code == 302
    page = client.get(detail(challenge)).content.decode()
    assert 'max="30" value="1"' in page
    assert "1 of 30 check-ins (3%)" in page
    assert "A long walk by the river." in page
    assert "You have checked in today." in page


def test_a_second_check_in_the_same_day_is_refused_on_the_page_with_a_message(
    client, challenge, member
):
    client.force_login(member)
    client.post(reverse("challenges:join", args=[challenge.pk]))
    url = reverse("challenges:check_in", args=[challenge.pk])
    client.post(url, {"text": "Morning run."})
    response = client.post(url, {"text": "Evening run."})
    assert response.status_code == 409
    assert "You have already checked in today" in response.content.decode()
    assert CheckIn.objects.filter(member=member).count() == 1


def test_a_photo_that_is_not_an_image_is_refused_naming_the_field(client, challenge, member):
    client.force_login(member)
    client.post(reverse("challenges:join", args=[challenge.pk]))
    fake = SimpleUploadedFile("peak.jpg", b"<html>not a photo</html>", content_type="image/jpeg")
    response = client.post(reverse("challenges:check_in", args=[challenge.pk]), {"photo": fake})
    assert response.status_code == 422
    assert 'data-error-for="photo"' in response.content.decode()
    assert not CheckIn.objects.exists()


def test_a_photo_check_in_through_the_form_shows_on_the_page(client, challenge, member):
    client.force_login(member)
    client.post(reverse("challenges:join", args=[challenge.pk]))
    response = client.post(reverse("challenges:check_in", args=[challenge.pk]), {"photo": png()})
    assert response.status_code == 302
    entry = CheckIn.objects.get(member=member)
    assert entry.photo.url in client.get(detail(challenge)).content.decode()


def test_a_visitor_must_sign_in_to_join_or_check_in(client, challenge):
    assert client.get(detail(challenge)).status_code == 200
    for name in ("join", "check_in"):
        response = client.post(reverse(f"challenges:{name}", args=[challenge.pk]))
        assert response.status_code == 403
    assert not Participation.objects.exists()


def test_a_challenge_in_a_gated_space_is_hidden_from_members_without_access(client, staff, member):
    hidden = make_challenge(
        staff, title="VIP streak", space=SpaceFactory(visibility=Visibility.GATED)
    )
    client.force_login(member)
    assert client.get(detail(hidden)).status_code == 404
    assert client.post(reverse("challenges:join", args=[hidden.pk])).status_code == 404
    assert "VIP streak" not in client.get(reverse("challenges:list")).content.decode()


def test_members_cannot_reach_the_staff_pages(client, challenge, member):
    client.force_login(member)
    for url in (
        reverse("challenges:manage"),
        reverse("challenges:new"),
        reverse("challenges:edit", args=[challenge.pk]),
    ):
        assert client.get(url).status_code == 403
    response = client.post(
        reverse("challenges:new"),
        {
            "title": "Mine",
            "starts_on": "2027-03-01",
            "ends_on": "2027-03-02",
            "target_check_ins": 1,
        },
    )
    assert response.status_code == 403
    assert Challenge.objects.count() == 1


def test_the_brand_team_creates_a_challenge_through_the_form(client, staff):
    client.force_login(staff)
    assert client.get(reverse("challenges:manage")).status_code == 200
    response = client.post(
        reverse("challenges:new"),
        {
            "title": "5 outfits in a week",
            "description": "Show us *five* looks.",
            "starts_on": "2027-03-08",
            "ends_on": "2027-03-14",
            "target_check_ins": 5,
            "badge_name": "Style week",
        },
    )
    assert response.status_code == 302
    challenge = Challenge.objects.get()
    assert challenge.starts_on == date(2027, 3, 8) and challenge.target_check_ins == 5
    assert challenge.badge.name == "Style week"
    assert "<em>five</em>" in challenge.description_html


def test_the_form_names_a_target_longer_than_the_period(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("challenges:new"),
        {
            "title": "Too much",
            "starts_on": "2027-03-08",
            "ends_on": "2027-03-10",
            "target_check_ins": 5,
        },
    )
    assert response.status_code == 422
    assert 'data-error-for="target_check_ins"' in response.content.decode()
    assert not Challenge.objects.exists()


def test_the_console_links_to_the_challenges(client, staff):
    client.force_login(staff)
    page = client.get(reverse("programming:month")).content.decode()
    assert reverse("challenges:manage") in page
