"""Saved segments are a table the periodic update rewrites (SegmentMember, SegmentState); the
console's filters, sizes, lists and exports read it, and it agrees with the segment evaluated
over the rollups. An erased member leaves the summaries and segments without a rebuild."""

import datetime as dt

import pytest
from django.utils import timezone

from flywheel.accounts.models import Role
from flywheel.analytics import queries, services
from flywheel.analytics.models import (
    CommerceDaySummary,
    DaySummary,
    MemberFact,
    SegmentMember,
    SegmentState,
)
from flywheel.commerce.models import Store
from flywheel.core.models import Verb
from flywheel.core.services import record_activity
from flywheel.privacy.registry import erasers
from tests.analytics.dataset import order
from tests.factories import SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(db):
    return UserFactory(role=Role.OWNER, is_staff=True)


def _active(member, *, days_back: int, times: int = 1, space=None) -> None:
    at = timezone.now() - dt.timedelta(days=days_back)
    for _ in range(times):
        record_activity(actor=member, verb=Verb.REACTION_ADDED, space=space, at=at)


def _stored(name: str) -> set[int]:
    return set(SegmentMember.objects.filter(segment=name).values_list("member_id", flat=True))


def _evaluated(name: str, today: dt.date) -> set[int]:
    return set(
        MemberFact.objects.filter(member_id__in=queries.evaluate_segment(name, today)).values_list(
            "member_id", flat=True
        )
    )


def test_a_member_leaves_a_segment_at_the_next_update_and_the_console_follows(owner):
    quiet, champion = UserFactory(), UserFactory()
    _active(quiet, days_back=10)
    for back in range(5):
        _active(champion, days_back=back, times=3)
    services.update_rollups()
    today = timezone.localdate()
    assert _stored("at_risk") == {quiet.pk} and _stored("champions") == {champion.pk}
    assert SegmentState.objects.get(segment="at_risk").as_of == today
    # The console reads the table: the filter is a subquery of SegmentMember.
    assert queries.segment_member_ids("at_risk", today).model is SegmentMember
    assert queries.segment_sizes(today)["at_risk"] == 1
    assert quiet.email in queries.segment_export("at_risk", today, audience="klaviyo").csv()

    _active(quiet, days_back=0)  # back again: no longer at risk…
    assert _stored("at_risk") == {quiet.pk}  # …once the periodic update has run
    services.update_rollups()
    assert _stored("at_risk") == set()
    assert queries.segment_sizes(today)["at_risk"] == 0
    assert quiet.email not in queries.segment_export("at_risk", today, audience="hubspot").csv()
    from django.test import Client

    client = Client()
    client.force_login(owner)
    page = client.get("/manage/members/?segment=at_risk").content.decode()
    assert f"@{quiet.handle}" not in page
    page = client.get("/manage/members/?segment=champions").content.decode()
    assert f"@{champion.handle}" in page


def test_stored_segments_equal_the_segments_evaluated_now():
    store = Store.objects.create(
        platform="shopify", domain="seg.example.com", webhook_secret="s", currency="EUR"
    )
    now = timezone.now()
    people = [UserFactory() for _ in range(6)]
    for index, person in enumerate(people):
        for back in range(index):
            _active(person, days_back=back * 3, times=index)
        for n in range(index % 3):
            order(
                store,
                f"s{index}-{n}",
                email=person.email,
                placed=now - dt.timedelta(days=n),
                total="5.00",
            )
    order(store, "guest", email="guest@example.com", placed=now, total="9.00")
    services.update_rollups()
    today = timezone.localdate()
    for name in queries.MEMBER_SEGMENTS:
        assert _stored(name) == _evaluated(name, today), name
    sizes = queries.segment_sizes(today)
    assert sizes["new_buyers"] == queries.new_buyers_not_members(today).count() >= 1
    # Another day than the stored one: evaluated on request, as before.
    tomorrow = today + dt.timedelta(days=1)
    assert queries.segment_member_ids("champions", tomorrow).model is not SegmentMember


def _summaries() -> tuple[dict, dict]:
    community = {
        (r.space_id, r.day): (r.active, r.active_7, r.active_30, r.active_90, r.active_365)
        + (r.topics, r.questions, r.replies, r.reactions, r.other)
        for r in DaySummary.objects.all()
    }
    commerce = {
        (r.currency, r.day): (r.orders, r.revenue, r.member_orders, r.member_revenue)
        + tuple(
            getattr(r, f"{name}_{n}") for name in services.COMMERCE_COUNTS for n in (7, 30, 90, 365)
        )
        + (r.new_customers, r.new_member_customers)
        for r in CommerceDaySummary.objects.all()
    }

    def nonzero(rows):
        return {key: row for key, row in rows.items() if any(row)}

    return nonzero(community), nonzero(commerce)


def test_an_erased_member_leaves_the_summaries_and_segments_without_a_rebuild():
    spaces = [SpaceFactory(), SpaceFactory()]
    stores = [
        Store.objects.create(
            platform="shopify", domain=f"e{c}.example.com", webhook_secret="s", currency=c
        )
        for c in ("EUR", "USD")
    ]
    now = timezone.now()
    erased = UserFactory(timezone="Pacific/Kiritimati")
    others = [UserFactory(timezone="Pacific/Pago_Pago"), UserFactory()]
    for person, backs in (
        (erased, (0, 1, 2, 3, 8, 40, 200)),
        (others[0], (0, 8, 100)),
        (others[1], (3,)),
    ):
        for index, back in enumerate(backs):
            _active(person, days_back=back, times=4, space=spaces[index % 2])
            _active(person, days_back=back)
    for index, (person, back, store) in enumerate(
        [(erased, 0, 0), (erased, 2, 0), (erased, 50, 1), (others[0], 2, 0), (others[1], 50, 1)]
    ):
        order(
            stores[store],
            f"e{index}",
            email=person.email,
            placed=now - dt.timedelta(days=back),
            total=f"{index + 3}.50",
        )
    services.update_rollups()
    before = _summaries()
    assert erased.pk in _stored("champions")
    champions = SegmentState.objects.get(segment="champions").size

    erasers()["analytics"](erased, content="delete")

    after = _summaries()
    assert after != before
    assert not SegmentMember.objects.filter(member=erased).exists()
    assert SegmentState.objects.get(segment="champions").size == champions - 1
    # What a recount of the summaries from the remaining rows gives.
    services._update_day_summaries(set(), everything=True)
    services._update_commerce_summaries(set(), everything=True)
    assert _summaries() == after


def test_the_update_writes_only_who_joined_and_left_a_segment(owner):
    staying, leaving = UserFactory(), UserFactory()
    _active(staying, days_back=10)
    _active(leaving, days_back=12)
    services.update_rollups()
    kept = SegmentMember.objects.get(segment="at_risk", member=staying).pk
    _active(leaving, days_back=0)  # back: leaves the segment…
    joining = UserFactory()
    _active(joining, days_back=9)  # …and someone else falls silent into it
    services.update_rollups()
    assert _stored("at_risk") == {staying.pk, joining.pk}
    # The member who stayed kept their row: the update wrote the difference only.
    assert SegmentMember.objects.get(segment="at_risk", member=staying).pk == kept
    assert SegmentState.objects.get(segment="at_risk").size == 2
    assert _stored("at_risk") == _evaluated("at_risk", timezone.localdate())


@pytest.mark.parametrize("size", [5, 50])
def test_a_segment_download_streams_in_the_same_queries_whatever_its_size(
    owner, size, django_assert_num_queries
):
    from django.test import Client

    quiet = [UserFactory() for _ in range(size)]
    for member in quiet:
        _active(member, days_back=10)
    services.update_rollups()
    client = Client()
    client.force_login(owner)
    # session, user, segment state, the members (one cursor, read in chunks)
    with django_assert_num_queries(4):
        response = client.get("/manage/segments/at_risk.csv")
        body = b"".join(response.streaming_content).decode()
    assert response.status_code == 200 and response.streaming
    lines = body.splitlines()
    assert lines[0] == "Email,First Name,Last Name,Community Segment,Accepts Marketing"
    assert len(lines) == size + 1
    assert {line.split(",")[0] for line in lines[1:]} == {m.email for m in quiet}
