"""A small community whose every figure is derived by hand in tests/analytics/test_metrics.py.

March 2025 is the period under test. Members live in three time zones so that activity near
midnight UTC falls on another local day:

    alice  UTC               joined 2025-01-10, bought before joining (store customer)
    bob    Europe/Riga (+2)  joined 2025-03-01
    carol  America/New_York  joined 2025-03-20 (-4 after 9 March)
    dave   UTC               joined 2025-02-01, bought in February, never active
    mod    moderator         joined 2024-12-01 (brand team: left out of member figures)
    eve    store customer without an account (EUR and USD stores)
"""

import datetime as dt
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.contenttypes.models import ContentType

from flywheel.accounts.models import Role
from flywheel.commerce import services as commerce
from flywheel.commerce.models import Store
from flywheel.community import services as community
from flywheel.community.models import Post, TopicKind
from flywheel.core.models import Activity, Verb
from flywheel.core.services import record_activity
from tests.factories import SpaceFactory, UserFactory

UTC = dt.UTC


def at(day: str, time: str = "12:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}:00").replace(tzinfo=UTC)


def order(
    store: Store,
    external_id: str,
    *,
    email: str,
    placed: dt.datetime,
    total: str,
    status: str = "paid",
    cancelled: dt.datetime | None = None,
    refunds: list[tuple[str, str]] = (),
    name: tuple[str, str] = ("", ""),
    accepts_marketing: bool = False,
):
    """An order written through commerce.services.upsert_order, as a webhook would."""
    amount = Decimal(total)
    return commerce.upsert_order(
        store=store,
        data={
            "external_id": external_id,
            "number": external_id,
            "customer": {
                "external_id": f"c-{email}",
                "email": email,
                "first_name": name[0],
                "last_name": name[1],
                "phone": "",
                "addresses": [],
                "accepts_marketing": accepts_marketing,
                "updated_at": None,
            },
            "email": email,
            "currency": store.currency,
            "subtotal": amount,
            "discount": Decimal("0.00"),
            "tax": Decimal("0.00"),
            "total": amount,
            "financial_status": status,
            "fulfillment_status": "",
            "cancelled_at": cancelled,
            "placed_at": placed,
            "updated_at": None,
            "billing_address": {},
            "shipping_address": {},
            "lines": [],
            "refunds": [
                {
                    "external_id": f"{external_id}-r{index}",
                    "order_external_id": external_id,
                    "amount": Decimal(refund_amount),
                    "currency": store.currency,
                    "lines": [],
                    "note": "",
                    "refunded_at": at(refund_day),
                }
                for index, (refund_day, refund_amount) in enumerate(refunds)
            ],
        },
    )


def verified(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def build_march():
    people = {
        "alice": UserFactory(
            handle="alice", display_name="Alice Adams", date_joined=at("2025-01-10")
        ),
        "bob": UserFactory(
            handle="bob", timezone="Europe/Riga", date_joined=at("2025-03-01", "10:00")
        ),
        "carol": UserFactory(
            handle="carol", timezone="America/New_York", date_joined=at("2025-03-20", "15:00")
        ),
        "dave": UserFactory(handle="dave", date_joined=at("2025-02-01")),
        "mod": UserFactory(handle="mod", role=Role.MODERATOR, date_joined=at("2024-12-01")),
    }
    for person in people.values():
        verified(person)
    gear, trips = SpaceFactory(name="Gear"), SpaceFactory(name="Trips")

    # Alice's question in Gear: Bob answers first (13.5 hours later; 01:30 on 3 March in
    # Riga), the moderator later; Alice accepts Bob's answer on 4 March.
    question = community.create_topic(
        author=people["alice"],
        space=gear,
        title="Which stove?",
        body="For winter trips?",
        kind=TopicKind.QUESTION,
        at=at("2025-03-02", "10:00"),
        enforce_rate_limit=False,
    )
    answer = community.create_reply(
        author=people["bob"],
        topic=question,
        body="A liquid-fuel one.",
        at=at("2025-03-02", "23:30"),
        enforce_rate_limit=False,
    )
    community.create_reply(
        author=people["mod"],
        topic=question,
        body="Agreed.",
        at=at("2025-03-03", "09:00"),
        enforce_rate_limit=False,
    )
    community.accept_answer(reply=answer, by=people["alice"])
    Activity.objects.filter(verb=Verb.ANSWER_ACCEPTED).update(created_at=at("2025-03-04"))

    # Carol's question in Trips at 21:00 New York time on 20 March (01:00 UTC on the 21st);
    # only the moderator answers, 4 hours later. Not solved.
    carol_question = community.create_topic(
        author=people["carol"],
        space=trips,
        title="Where in May?",
        body="Somewhere dry?",
        kind=TopicKind.QUESTION,
        at=at("2025-03-21", "01:00"),
        enforce_rate_limit=False,
    )
    community.create_reply(
        author=people["mod"],
        topic=carol_question,
        body="The south.",
        at=at("2025-03-21", "05:00"),
        enforce_rate_limit=False,
    )
    # Reactions: Carol on Alice's question (22:00 on the 20th in New York), Alice on Carol's.
    opening = Post.objects.get(topic=question, number=1)
    record_activity(
        actor=people["carol"],
        verb=Verb.REACTION_ADDED,
        target=opening,
        space=gear,
        at=at("2025-03-21", "02:00"),
        payload={"kind": "like"},
    )
    record_activity(
        actor=people["alice"],
        verb=Verb.REACTION_ADDED,
        target=Post.objects.get(topic=carol_question, number=1),
        space=trips,
        at=at("2025-03-25"),
        payload={"kind": "like"},
    )

    eur = Store.objects.create(
        platform="shopify", domain="eur.example.com", webhook_secret="s", currency="EUR"
    )
    usd = Store.objects.create(
        platform="shopify", domain="usd.example.com", webhook_secret="s", currency="USD"
    )
    alice, bob, carol, dave = (people[n].email for n in ("alice", "bob", "carol", "dave"))
    order(eur, "o1", email=alice, placed=at("2025-01-05"), total="100.00")
    order(
        eur,
        "o2",
        email=alice,
        placed=at("2025-03-10"),
        total="50.00",
        refunds=[("2025-03-11", "10.00")],
    )
    order(
        eur, "o3", email=alice, placed=at("2025-03-12"), total="30.00", cancelled=at("2025-03-13")
    )
    order(
        eur,
        "o4",
        email=bob,
        placed=at("2025-03-15"),
        total="20.00",
        refunds=[("2025-03-16", "20.00")],
    )
    order(eur, "o5", email=bob, placed=at("2025-03-16"), total="25.00", status="pending")
    order(
        eur,
        "o6",
        email="eve@example.com",
        placed=at("2025-02-10"),
        total="70.00",
        name=("Eve", "Early"),
    )
    order(
        eur,
        "o7",
        email="eve@example.com",
        placed=at("2025-03-20"),
        total="80.00",
        name=("Eve", "Early"),
    )
    order(
        usd,
        "o8",
        email="eve@example.com",
        placed=at("2025-03-22"),
        total="25.00",
        name=("Eve", "Early"),
        accepts_marketing=True,
    )
    order(eur, "o9", email=alice, placed=at("2025-03-28"), total="10.00")
    # 23:00 on 25 March in New York: the 26th in UTC.
    order(eur, "o10", email=carol, placed=at("2025-03-26", "03:00"), total="60.00")
    order(eur, "o11", email=dave, placed=at("2025-02-15"), total="15.00")
    return {**people, "gear": gear, "trips": trips, "question": question, "eur": eur, "usd": usd}


def content_type(model):
    return ContentType.objects.get_for_model(model)
