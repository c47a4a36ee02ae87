"""The advocate score, by hand (docs/metrics.md): 1 × interactions + 3 × reach + 5 × orders.

In March 2025 ann starts a topic (1 interaction; posting also joins the space: 1) and
replies once (1): 3 interactions. ben and
cid reply in her topic, ben reacts to her opening post: reach 2 (ben,
cid, counted once each); ann's own reply in her topic is no reach. ann has two paid orders: 2. Score 3 + 3 × 2 + 5 × 2 = 19.
"""

import datetime as dt

import pytest

from flywheel.analytics import queries, services
from flywheel.analytics.queries import AdvocateScore, Period
from flywheel.commerce.models import Store
from flywheel.community import services as community
from flywheel.community.models import Reaction
from tests.analytics.dataset import at, order, verified
from tests.factories import SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db

MARCH = Period(dt.date(2025, 3, 1), dt.date(2025, 3, 31))


def _post(author, space, when, *, topic=None):
    if topic is None:
        return community.create_topic(
            author=author,
            space=space,
            title="Boots",
            body="Which?",
            at=when,
            enforce_rate_limit=False,
        )
    return community.create_reply(
        author=author, topic=topic, body="These.", at=when, enforce_rate_limit=False
    )


def test_advocate_score_combines_activity_reach_and_purchases():
    space = SpaceFactory()
    ann, ben, cid = (
        verified(UserFactory(handle=name, date_joined=at("2025-01-01")))
        for name in ("ann", "ben", "cid")
    )
    topic = _post(ann, space, at("2025-03-02"))
    _post(ben, space, at("2025-03-03"), topic=topic)
    _post(cid, space, at("2025-03-04"), topic=topic)
    _post(ann, space, at("2025-03-05"), topic=topic)
    opening = topic.posts.get(number=1)
    community.toggle_reaction(member=ben, post=opening, kind="like", enforce_rate_limit=False)
    Reaction.objects.filter(post=opening).update(created_at=at("2025-03-06"))
    store = Store.objects.create(
        platform="shopify", domain="s.example.com", webhook_secret="s", currency="EUR"
    )
    order(store, "a1", email=ann.email, placed=at("2025-03-10"), total="10.00")
    order(store, "a2", email=ann.email, placed=at("2025-03-20"), total="10.00")
    services.update_rollups()

    scores = queries.advocate_scores(MARCH, member_ids=[ann.pk, cid.pk])

    assert scores[ann.pk] == AdvocateScore(interactions=3, reach=2, orders=2)
    assert scores[ann.pk].score == 19
    assert scores[cid.pk].reach == 0


@pytest.mark.parametrize("size", [5, 50])
def test_advocate_scores_run_six_queries_for_any_number_of_members(size, django_assert_num_queries):
    space = SpaceFactory()
    people = [UserFactory() for _ in range(size)]
    for person in people:
        _post(person, space, at("2025-03-02"))
    services.update_rollups()

    with django_assert_num_queries(6):
        scores = queries.advocate_scores(MARCH, member_ids=[p.pk for p in people])

    assert len(scores) == size


def test_ambassador_candidates_are_active_members_who_buy_often():
    # In the last 30 days: cand is active on 4 days and has 2 paid orders in 180 days: a
    # candidate. act: 4 days, 1 order. buy: 3 orders, 1 active day. amb: both, but already
    # an ambassador. So only cand.
    from django.utils import timezone

    from flywheel.core.models import Verb
    from flywheel.core.services import record_activity

    now = timezone.now()
    store = Store.objects.create(
        platform="shopify", domain="c.example.com", webhook_secret="s", currency="EUR"
    )
    people = {
        handle: verified(UserFactory(handle=handle, role=role, date_joined=at("2024-01-01")))
        for handle, role in (
            ("cand", "member"),
            ("act", "member"),
            ("buy", "member"),
            ("amb", "ambassador"),
        )
    }
    for handle, days, orders in (("cand", 4, 2), ("act", 4, 1), ("buy", 1, 3), ("amb", 4, 2)):
        for day in range(days):
            record_activity(
                actor=people[handle], verb="followed", at=now - dt.timedelta(days=2 + day * 3)
            )
        for number in range(orders):
            order(
                store,
                f"{handle}-{number}",
                email=people[handle].email,
                placed=now - dt.timedelta(days=20 + number * 30),
                total="40.00",
            )
    assert Verb.FOLLOWED == "followed"
    services.update_rollups()
    today = timezone.localdate()

    found = {row["member_id"] for row in queries.segment_member_ids("ambassador_candidates", today)}
    assert found == {people["cand"].pk}
    assert queries.segment_sizes(today)["ambassador_candidates"] == 1


def test_owners_see_advocate_scores_on_the_members_page_and_moderators_do_not(client):
    space = SpaceFactory()
    ann = verified(UserFactory(handle="ann"))
    _post(ann, space, dt.datetime.now(tz=dt.UTC))
    services.update_rollups()
    client.force_login(UserFactory(role="owner"))
    page = client.get("/manage/members/?q=ann").content.decode()
    # ann started a topic (1) and joined the space (1): score 2.
    assert "data-advocate-score>2<" in page
    client.force_login(UserFactory(role="moderator"))
    assert "data-advocate-score" not in client.get("/manage/members/").content.decode()
