"""The demo's product trials, written through `trials.services` (and `reviews.services` for
the testers' reviews) with the planned moments, as the brand team and members would have:

- a finished trial of the Fjell stove: applicants, four testers drawn with a stored seed,
  shipped and received, three reviews in (their feedback) and one tester overdue;
- an open trial of the Lumen 400 headlamp for any member, with applicants waiting.

Each trial is written in one transaction and recognised by its title, so a second run (or one
after an interrupted run) writes nothing twice. Skipped when the demo store has no products."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction

from flywheel.commerce import services as commerce
from flywheel.commerce.models import Product, Store
from flywheel.demo.store import DOMAIN, PRODUCTS
from flywheel.reviews import services as reviews
from flywheel.reviews.models import Review, ReviewState
from flywheel.trials import services
from flywheel.trials.models import FeedbackKind, Trial

DAY = dt.timedelta(days=1)
FINISHED_TITLE = "Test the Fjell stove on a cold-weather trip"
OPEN_TITLE = "Be first to test the Lumen 400 headlamp"
DRAW_SEED = "fjell-winter-trial"
ANSWERS = [
    "Winter camping in the Tatras most weekends; I melt snow for water every night.",
    "Three-day hut-to-hut trips in the Dolomites, cooking for two.",
    "I lead a scout group: twelve kids, one stove, lots of pasta.",
    "Packrafting trips in Lapland where the wind never stops.",
    "Ski touring with overnight bivouacs above 2,500 m.",
    "Fast-and-light weekends; I weigh every gram and would tell you honestly.",
    "Long-distance walking on the GR20 this summer.",
    "Family camping with a toddler: the stove needs to be simple and safe.",
    "Night trail running: I need to see roots and rocks at pace.",
]
TESTER_REVIEWS = [
    (
        5,
        "Boiled snow at -12 °C without a fuss",
        "Primed in a minute and roared through a "
        "windy night at the hut. The pump feels solid with gloves on.",
    ),
    (
        4,
        "Reliable, a bit heavy",
        "Never missed a beat on a three-day trip. Heavier than my "
        "canister stove, but I would take it anywhere cold.",
    ),
    (
        4,
        "Great simmer control for a fuel stove",
        "Cooked real risotto for two without "
        "burning it. The windscreen is a must; it comes in the box.",
    ),
]


def _products() -> dict[str, Product]:
    """The stove and the headlamp of the demo store, mirrored as the store's product webhook
    would when no member happened to order them (a small demo)."""
    store = Store.objects.filter(domain=DOMAIN).first()
    if store is None:
        return {}
    titles = {sku: title for sku, title, _price in PRODUCTS}
    for sku in ("stove", "headlamp"):
        if not Product.objects.filter(store=store, external_id=sku).exists():
            commerce.upsert_product(
                store=store,
                data={
                    "external_id": sku,
                    "title": titles[sku],
                    "handle": sku,
                    "deleted": False,
                    "updated_at": None,
                    "variants": [],
                },
            )
    return {
        product.external_id: product
        for product in Product.objects.filter(
            store__domain=DOMAIN, external_id__in=["stove", "headlamp"], deleted=False
        )
    }


def _people():
    user_model = get_user_model()
    members = [
        user
        for user in user_model.objects.filter(is_active=True).order_by("pk")
        if not user.is_brand_team
    ]
    owner = (
        user_model.objects.filter(is_active=True, role="owner").order_by("pk").first()
        or user_model.objects.filter(is_active=True, is_superuser=True).order_by("pk").first()
    )
    return owner, members


def _write_finished(*, owner, members, product, anchor) -> None:
    opened = anchor - 70 * DAY
    trial = services.open_trial(
        by=owner,
        product=product,
        title=FINISHED_TITLE,
        description="Four members take the Fjell liquid-fuel stove on a trip below freezing "
        "and tell the product team how it lights, simmers and packs.",
        places=4,
        question="Where will you take the stove, and how cold will it be?",
        apply_by=anchor - 55 * DAY,
        feedback_due=anchor - 14 * DAY,
        at=opened,
    )
    reviewed = set(Review.objects.filter(product=product).values_list("author_id", flat=True))
    pool = [member for member in members if member.pk not in reviewed][:9]
    for index, member in enumerate(pool):
        services.apply_to_trial(
            trial=trial,
            member=member,
            answer=ANSWERS[index % len(ANSWERS)],
            at=opened + DAY * (1 + index),
        )
    testers = services.draw_testers(trial=trial, by=owner, seed=DRAW_SEED, at=anchor - 54 * DAY)
    for offset, tester in enumerate(testers):
        services.mark_shipped(application=tester, by=owner, at=anchor - (52 - offset) * DAY)
        services.mark_received(
            application=tester, member=tester.member, at=anchor - (48 - offset) * DAY
        )
    # Three testers reviewed the stove before the due date; the fourth is overdue.
    for offset, (tester, (rating, title, body)) in enumerate(
        zip(testers, TESTER_REVIEWS, strict=False)
    ):
        written = anchor - (30 - 3 * offset) * DAY
        review = reviews.write_review(
            product=product,
            author=tester.member,
            rating=rating,
            title=title,
            body=body,
            at=written,
        )
        if review.state != ReviewState.PUBLISHED:
            reviews.publish_review(review=review, by=owner, at=written)
        # Feedback at the moment the review was written (the activity consumer, running
        # after commit, finds it recorded and changes nothing).
        services.record_feedback(
            application=tester,
            kind=FeedbackKind.REVIEW,
            review_id=review.pk,
            rating=rating,
            at=written,
        )


def _write_open(*, owner, members, product, anchor) -> None:
    opened = anchor - 5 * DAY
    trial = services.open_trial(
        by=owner,
        product=product,
        title=OPEN_TITLE,
        description="Ten members get the new Lumen 400 before it goes on sale. Tell us about "
        "beam, battery life and how it sits on your head after three hours.",
        places=10,
        question="When do you hike, run or climb in the dark?",
        apply_by=anchor + 10 * DAY,
        feedback_due=anchor + 45 * DAY,
        at=opened,
    )
    for index, member in enumerate(members[-12:-6]):
        services.apply_to_trial(
            trial=trial,
            member=member,
            answer=ANSWERS[(index + 3) % len(ANSWERS)],
            at=opened + DAY + index * dt.timedelta(hours=7),
        )


def seed_trials(*, anchor: dt.datetime, progress) -> int:
    """Write the demo's two trials; returns how many were new."""
    products = _products()
    owner, members = _people()
    if owner is None or len(members) < 12 or len(products) < 2:
        return 0
    created = 0
    if not Trial.objects.filter(title=FINISHED_TITLE).exists():
        with transaction.atomic():
            _write_finished(owner=owner, members=members, product=products["stove"], anchor=anchor)
        created += 1
    if not Trial.objects.filter(title=OPEN_TITLE).exists():
        with transaction.atomic():
            _write_open(owner=owner, members=members, product=products["headlamp"], anchor=anchor)
        created += 1
    progress("trials: a finished stove trial and an open headlamp trial")
    return created
