"""The calendar pages at /manage/calendar/: who may open them, days in the viewer's time zone,
the month's label mix and its warning, the item form, and flat query counts."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from flywheel.accounts.models import Role
from flywheel.programming import services
from flywheel.programming.models import CalendarItem, CalendarItemState, CalendarLabel
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MONTH = reverse("programming:month")


@pytest.fixture
def owner(db):
    return UserFactory(role=Role.OWNER, timezone="UTC")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _plan(author, space, *, at, label=CalendarLabel.EDUCATIONAL, title="Layering for winter"):
    return services.plan_calendar_item(
        by=author,
        space=space,
        title=title,
        body="Three layers.",
        label=label,
        scheduled_at=at,
        enforce_rate_limit=False,
    )


def test_anonymous_visitors_are_sent_to_sign_in():
    response = Client().get(MONTH)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("name", ["programming:month", "programming:item_new"])
def test_members_cannot_open_the_calendar(name, member):
    response = signed_in(member).get(reverse(name))
    assert response.status_code == 403
    assert b"Layering" not in response.content


def test_members_cannot_post_a_calendar_item(member, space):
    response = signed_in(member).post(reverse("programming:item_new"), {"title": "Sneaky"})
    assert response.status_code == 403
    assert not CalendarItem.objects.exists()


def test_moderators_open_the_calendar(moderator):
    assert signed_in(moderator).get(MONTH).status_code == 200


def test_an_item_sits_on_its_day_in_the_viewers_time_zone(owner, space):
    # 23:30 UTC on 31 March is already 1 April in Berlin, still 31 March in New York.
    _plan(owner, space, at=dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC))
    berlin = UserFactory(role=Role.ADMIN, timezone="Europe/Berlin")
    new_york = UserFactory(role=Role.ADMIN, timezone="America/New_York")

    march_ny = signed_in(new_york).get(MONTH, {"month": "2026-03"})
    march_berlin = signed_in(berlin).get(MONTH, {"month": "2026-03"})
    april_berlin = signed_in(berlin).get(MONTH, {"month": "2026-04"})

    def days(response):
        return [day.date for week in response.context["month"].weeks for day in week if day.items]

    assert days(march_ny) == [dt.date(2026, 3, 31)]
    assert "19:30" in march_ny.content.decode()
    assert days(march_berlin) == []
    assert days(april_berlin) == [dt.date(2026, 4, 1)]
    assert "01:30" in april_berlin.content.decode()


def test_previous_and_next_month_links(owner):
    html = signed_in(owner).get(MONTH, {"month": "2026-01"}).content.decode()
    assert "?month=2025-12" in html
    assert "?month=2026-02" in html


def test_a_bad_month_is_refused_naming_it(owner):
    response = signed_in(owner).get(MONTH, {"month": "March"})
    assert response.status_code == 422
    assert "YYYY-MM" in response.content.decode()


def test_the_month_warns_when_promotion_is_over_a_fifth(owner, space):
    at = dt.datetime(2026, 5, 10, 12, tzinfo=dt.UTC)
    for label in [CalendarLabel.EDUCATIONAL] * 3 + [CalendarLabel.PROMOTIONAL]:
        _plan(owner, space, at=at, label=label)
    mix = signed_in(owner).get(MONTH, {"month": "2026-05"}).context["month"].mix
    shares = {share.label: share.percent for share in mix.shares}
    assert (shares["educational"], shares["promotional"]) == (75, 25)
    response = signed_in(owner).get(MONTH, {"month": "2026-05"})
    assert 'data-warning="promotional"' in response.content.decode()


def test_a_fifth_promotional_is_fine(owner, space):
    at = dt.datetime(2026, 5, 10, 12, tzinfo=dt.UTC)
    for label in [CalendarLabel.INTERACTIVE] * 4 + [CalendarLabel.PROMOTIONAL]:
        _plan(owner, space, at=at, label=label)
    response = signed_in(owner).get(MONTH, {"month": "2026-05"})
    assert response.context["month"].mix.promotional_percent == 20
    assert 'data-warning="promotional"' not in response.content.decode()


def test_planning_a_post_stores_the_time_entered_in_the_staff_time_zone(space):
    tokyo_admin = UserFactory(role=Role.ADMIN, timezone="Asia/Tokyo")
    response = signed_in(tokyo_admin).post(
        reverse("programming:item_new"),
        {
            "title": "Member of the month: Ana",
            "body": "Ana hiked the **whole** GR20.",
            "space": space.pk,
            "kind": "discussion",
            "label": "member_spotlight",
            "scheduled_at": "2026-06-01T09:00",
            "state": "scheduled",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?month=2026-06")
    item = CalendarItem.objects.get()
    assert item.scheduled_at == dt.datetime(2026, 6, 1, 0, 0, tzinfo=dt.UTC)
    assert item.state == CalendarItemState.SCHEDULED
    edit = signed_in(tokyo_admin).get(reverse("programming:item_edit", args=[item.pk]))
    assert 'value="2026-06-01T09:00"' in edit.content.decode()


def test_a_form_without_a_title_names_the_field(owner, space):
    response = signed_in(owner).post(
        reverse("programming:item_new"),
        {
            "title": "",
            "body": "x",
            "space": space.pk,
            "kind": "discussion",
            "label": "ugc",
            "scheduled_at": "2026-06-01T09:00",
            "state": "draft",
        },
    )
    assert response.status_code == 422
    assert 'data-error-for="title"' in response.content.decode()
    assert not CalendarItem.objects.exists()


def test_a_moderator_announcing_where_they_cannot_names_the_kind(space):
    # Members' own role cannot announce; a service refusal comes back on the form's field.
    staff = UserFactory(role=Role.ADMIN)
    item = _plan(staff, space, at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    response = signed_in(staff).post(
        reverse("programming:item_edit", args=[item.pk]),
        {
            "title": item.title,
            "body": item.body,
            "space": space.pk,
            "kind": "question",
            "label": "ugc",
            "scheduled_at": "2026-06-01T09:00",
            "state": "scheduled",
        },
    )
    assert response.status_code == 422
    assert 'data-error-for="kind"' in response.content.decode()


def test_staff_delete_an_item(owner, space):
    item = _plan(owner, space, at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    response = signed_in(owner).post(reverse("programming:item_delete", args=[item.pk]))
    assert response.status_code == 302
    assert not CalendarItem.objects.exists()


def test_members_cannot_delete_an_item(owner, member, space):
    item = _plan(owner, space, at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    response = signed_in(member).post(reverse("programming:item_delete", args=[item.pk]))
    assert response.status_code == 403
    assert CalendarItem.objects.exists()


@pytest.mark.parametrize("size", [5, 50])
def test_the_month_page_runs_a_fixed_number_of_queries(
    size, owner, space, django_assert_num_queries
):
    start = dt.datetime(2026, 7, 1, 9, tzinfo=dt.UTC)
    for n in range(size):
        item = _plan(owner, space, at=start + dt.timedelta(hours=13 * n), title=f"Post {n}")
        if n % 3 == 0:
            services.publish_calendar_item(item_id=item.pk)
    client = signed_in(owner)
    client.get(MONTH, {"month": "2026-07"})  # warm caches (site, content types)
    # The session, the viewer, the month's items with their spaces, authors and topics.
    with django_assert_num_queries(3):
        response = client.get(MONTH, {"month": "2026-07"})
    assert response.status_code == 200
    assert len(response.context["month"].items) == size


def test_planning_is_rate_limited(owner, space, settings):
    settings.FLYWHEEL_WRITE_RATE_LIMIT = "2/m"
    client = signed_in(owner)
    form = {
        "title": "Trail tip",
        "body": "Carry water.",
        "space": space.pk,
        "kind": "discussion",
        "label": "educational",
        "scheduled_at": "2026-06-01T09:00",
        "state": "draft",
    }
    statuses = [client.post(reverse("programming:item_new"), form).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert CalendarItem.objects.count() == 2


def test_a_time_entered_on_the_day_summer_time_starts_is_stored_right(space):
    # Europe/London moves to BST (UTC+1) at 01:00 UTC on 29 March 2026.
    london_admin = UserFactory(role=Role.ADMIN, timezone="Europe/London")
    form = {
        "title": "Spring equinox walk",
        "body": "Meet at the car park.",
        "space": space.pk,
        "kind": "discussion",
        "label": "interactive",
        "state": "scheduled",
    }
    client = signed_in(london_admin)
    client.post(reverse("programming:item_new"), {**form, "scheduled_at": "2026-03-28T09:00"})
    client.post(reverse("programming:item_new"), {**form, "scheduled_at": "2026-03-29T09:00"})
    assert list(CalendarItem.objects.values_list("scheduled_at", flat=True)) == [
        dt.datetime(2026, 3, 28, 9, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 29, 8, 0, tzinfo=dt.UTC),
    ]
