"""A member who changes time zone: the periodic update moves their local days (member-days,
months, fact, customer-days) into the new zone and corrects the day and commerce summaries
without a rebuild; the result equals a from-scratch recount."""

import datetime as dt
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from flywheel.accounts.services import update_profile
from flywheel.analytics import services
from flywheel.analytics.models import (
    CommerceDaySummary,
    CustomerDay,
    DaySummary,
    MemberDay,
    MemberFact,
    MemberMonth,
)
from flywheel.commerce.models import Store
from flywheel.core.models import Verb
from flywheel.core.services import record_activity
from flywheel.privacy.registry import erasers
from tests.analytics.dataset import order
from tests.analytics.test_segment_members import _summaries
from tests.factories import SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db


def _move(member, zone: str) -> None:
    """The member changes their time zone on their profile (the accounts service)."""
    update_profile(
        member=member,
        display_name=member.display_name,
        handle=member.handle,
        bio=member.bio,
        language=member.language,
        timezone_name=zone,
        digest_enabled=member.digest_enabled,
        mention_emails_enabled=member.mention_emails_enabled,
    )


def _days(member) -> dict:
    return {
        (row.day, row.space_id): row.reactions
        for row in MemberDay.objects.filter(member=member).order_by("day")
    }


def _recounted() -> tuple[dict, dict]:
    """The summaries a from-scratch recount of every day gives."""
    services._update_day_summaries(set(), everything=True)
    services._update_commerce_summaries(set(), everything=True)
    return _summaries()


@pytest.fixture
def day():
    """A day ten days ago (UTC): its midnight is what the members' activity is near."""
    return timezone.now().date() - dt.timedelta(days=10)


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)


def test_a_member_moving_east_has_late_activity_on_the_next_local_day(day):
    store = Store.objects.create(
        platform="shopify", domain="tz.example.com", webhook_secret="s", currency="EUR"
    )
    member = UserFactory(timezone="UTC", date_joined=_at(day, 0, 0) - dt.timedelta(days=30))
    EmailAddress.objects.create(user=member, email=member.email, verified=True)
    other = UserFactory(timezone="UTC", date_joined=member.date_joined)
    # 00:30 and 23:30 UTC on the same UTC day; the other member is active the day after.
    record_activity(actor=member, verb=Verb.REACTION_ADDED, at=_at(day, 0, 30))
    record_activity(actor=member, verb=Verb.REACTION_ADDED, at=_at(day, 23, 30))
    record_activity(actor=other, verb=Verb.REACTION_ADDED, at=_at(day, 12, 0))
    record_activity(
        actor=other, verb=Verb.REACTION_ADDED, at=_at(day, 12, 0) + dt.timedelta(days=1)
    )
    order(store, "late", email=member.email, placed=_at(day, 23, 30), total="20.00")
    services.update_rollups()
    next_day = day + dt.timedelta(days=1)
    assert _days(member) == {(day, None): 2}
    assert DaySummary.objects.get(space=None, day=day).active == 2
    assert DaySummary.objects.get(space=None, day=next_day).active == 1
    assert CommerceDaySummary.objects.get(currency="EUR", day=day).orders == 1

    # Tokyo is UTC+9 (no summer time): 00:30 UTC is 09:30 the same day, 23:30 UTC is 08:30
    # the next day.
    _move(member, "Asia/Tokyo")
    assert services.update_rollups()["moved"] == 1

    assert _days(member) == {(day, None): 1, (next_day, None): 1}
    assert MemberFact.objects.get(member=member).timezone == "Asia/Tokyo"
    first = DaySummary.objects.get(space=None, day=day)
    second = DaySummary.objects.get(space=None, day=next_day)
    assert (first.active, first.reactions) == (2, 2)  # both members, one reaction each
    assert (second.active, second.reactions) == (2, 2)  # the late reaction moved here
    assert second.active_7 == 2 and second.active_30 == 2
    (customer_day,) = CustomerDay.objects.filter(member=member)
    assert customer_day.day == next_day
    moved_to = CommerceDaySummary.objects.get(currency="EUR", day=next_day)
    assert (moved_to.orders, moved_to.revenue, moved_to.new_customers) == (1, Decimal("20.00"), 1)
    assert moved_to.member_orders == 1 and moved_to.customers_7 == 1
    left = CommerceDaySummary.objects.filter(currency="EUR", day=day).first()
    assert left is None or (left.orders, left.new_customers, left.customers_7) == (0, 0, 0)

    after = _summaries()
    assert _recounted() == after


def test_a_member_moving_west_has_early_activity_on_the_previous_local_day(day):
    space = SpaceFactory()
    member = UserFactory(timezone="Asia/Tokyo", date_joined=_at(day, 0, 0) - dt.timedelta(days=30))
    # Tokyo: 00:30 UTC is 09:30 on `day`, 23:30 UTC is 08:30 on the day after.
    record_activity(actor=member, verb=Verb.REACTION_ADDED, space=space, at=_at(day, 0, 30))
    record_activity(actor=member, verb=Verb.REACTION_ADDED, space=space, at=_at(day, 23, 30))
    services.update_rollups()
    next_day, previous_day = day + dt.timedelta(days=1), day - dt.timedelta(days=1)
    assert _days(member) == {(day, space.pk): 1, (next_day, space.pk): 1}

    # Pago Pago is UTC−11: 00:30 UTC is 13:30 the day before, 23:30 UTC is 12:30 the same day.
    _move(member, "Pacific/Pago_Pago")
    services.update_rollups()

    assert _days(member) == {(previous_day, space.pk): 1, (day, space.pk): 1}
    for scope in (None, space.pk):
        rows = {
            row.day: (row.active, row.reactions, row.active_7)
            for row in DaySummary.objects.filter(
                space_id=scope, day__gte=previous_day, day__lte=next_day
            )
        }
        assert rows[previous_day] == (1, 1, 1)  # a day nobody was active on before: created
        assert rows[day] == (1, 1, 1)
        assert rows.get(next_day, (0, 0, 1)) == (0, 0, 1)  # still within the 7 days
    # The months follow the days (the month of `previous_day` may be a new one).
    assert set(MemberMonth.objects.filter(member=member).values_list("month", flat=True)) == {
        previous_day.replace(day=1),
        day.replace(day=1),
    }
    assert _recounted() == _summaries()


def test_a_move_is_made_once_and_an_unmoved_member_is_not_recomputed(day):
    member = UserFactory(timezone="Europe/Riga")
    record_activity(actor=member, verb=Verb.REACTION_ADDED, at=_at(day, 22, 30))
    services.update_rollups()
    assert services.update_rollups()["moved"] == 0
    _move(member, "Pacific/Kiritimati")
    assert services.update_rollups()["moved"] == 1
    moved = _summaries()
    # The next run finds nothing to move and leaves the summaries as they are.
    assert services.update_rollups()["moved"] == 0
    assert _summaries() == moved == _recounted()


def test_moves_then_an_erasure_agree_with_a_recount_and_a_rebuild(day):
    spaces = [SpaceFactory(), SpaceFactory()]
    stores = [
        Store.objects.create(
            platform="shopify", domain=f"m{c}.example.com", webhook_secret="s", currency=c
        )
        for c in ("EUR", "USD")
    ]
    people = [
        UserFactory(timezone=zone) for zone in ("UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago")
    ]
    for person in people:
        EmailAddress.objects.create(user=person, email=person.email, verified=True)
    for index, person in enumerate(people):
        for back in (0, 1, 7, 29, 30, 90, 364):
            at = _at(day, 23 if index % 2 else 0, 45) - dt.timedelta(days=back - 10)
            record_activity(actor=person, verb=Verb.REACTION_ADDED, space=spaces[back % 2], at=at)
            record_activity(actor=person, verb=Verb.TOPIC_CREATED, at=at)
        for back in (0, 2, 7, 40):
            order(
                stores[back % 2],
                f"o{index}-{back}",
                email=person.email,
                placed=_at(day, 23, 50) - dt.timedelta(days=back),
                total=f"{index + back + 1}.00",
            )
    services.update_rollups()
    _move(people[0], "Pacific/Kiritimati")
    _move(people[1], "Pacific/Pago_Pago")
    services.update_rollups()
    moved = _summaries()
    assert moved == _recounted()
    services.rebuild_rollups()
    assert _summaries() == moved
    # An erasure after a move subtracts the member's rows of the new zone.
    erasers()["analytics"](people[0], content="delete")
    erased = _summaries()
    assert erased != moved and erased == _recounted()
