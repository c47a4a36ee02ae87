"""Review requests: e-mailed N days after fulfilment, one reminder, signed expiring links."""

import re
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from flywheel.reviews import services
from flywheel.reviews.models import Review, ReviewEmailOptOut, ReviewRequest, ReviewState
from tests.factories import UserFactory
from tests.reviews.conftest import buy, png

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _days(settings):
    settings.FLYWHEEL_REVIEWS_REQUEST_DAYS = 14
    settings.FLYWHEEL_REVIEWS_REMINDER_DAYS = 7
    settings.FLYWHEEL_REVIEWS_LINK_DAYS = 60


def link_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/reviews/request/[^\s]+)", message.body).group(1)


def test_a_request_goes_out_after_n_days_in_the_customers_language(product):
    customer = UserFactory(language="it")
    buy(customer, product, fulfilled_days_ago=15)
    buy(UserFactory(), product, fulfilled_days_ago=3)  # not yet due
    assert services.send_review_requests() == {"sent": 1, "reminded": 0}
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [customer.email]
    assert ReviewRequest.objects.get().language == "it"
    # Idempotent: the next run sends nothing new.
    assert services.send_review_requests() == {"sent": 0, "reminded": 0}


@pytest.mark.parametrize("status", ["refunded", "voided", "pending"])
def test_no_request_for_refunded_cancelled_or_unpaid_orders(product, status):
    buy(UserFactory(), product, fulfilled_days_ago=20, status=status)
    assert services.send_review_requests()["sent"] == 0
    assert not mail.outbox


def test_one_reminder_then_nothing(product):
    buy(UserFactory(), product, fulfilled_days_ago=30)
    services.send_review_requests()
    later = timezone.now() + timedelta(days=8)
    assert services.send_review_requests(now=later)["reminded"] == 1
    assert services.send_review_requests(now=later + timedelta(days=8))["reminded"] == 0
    assert len(mail.outbox) == 2


def test_unsubscribe_is_honoured(client, product):
    member = UserFactory()
    buy(member, product, fulfilled_days_ago=30)
    services.send_review_requests()
    unsubscribe = re.search(r"(/reviews/unsubscribe/[^\s]+)", mail.outbox[0].body).group(1)
    assert client.post(unsubscribe).status_code == 200
    assert ReviewEmailOptOut.objects.filter(email=member.email.lower()).exists()
    assert services.send_review_requests(now=timezone.now() + timedelta(days=8))["reminded"] == 0
    buy(member, product, fulfilled_days_ago=30)  # a later order: no request either
    assert services.send_review_requests()["sent"] == 0
    assert len(mail.outbox) == 1


def test_a_customer_without_an_account_reviews_through_the_link(client, product):
    buy(None, product, fulfilled_days_ago=20, email="anna@example.com")
    services.send_review_requests()
    path = link_path(mail.outbox[0])
    assert client.get(path).status_code == 200
    response = client.post(
        path,
        {
            "product": product.pk,
            "name": "Anna K.",
            "rating": "5",
            "title": "Lovely",
            "body": "Light and roomy.",
            "photos": [png()],
        },
    )
    assert response.status_code == 200
    review = Review.objects.get()
    assert (review.author, review.guest_name, review.verified_buyer) == (None, "Anna K.", True)
    assert review.state == ReviewState.PUBLISHED
    assert review.photo_count == 1
    assert ReviewRequest.objects.get().completed_at is not None
    page = client.get(reverse("reviews:product", args=[product.pk])).content.decode()
    assert "Anna K." in page
    assert "anna@example.com" not in page
    # The same link cannot review the same product twice.
    client.post(path, {"product": product.pk, "rating": "1", "title": "x", "body": "y"})
    assert Review.objects.count() == 1


def test_an_expired_link_is_refused_with_a_clear_message(client, product, settings):
    buy(UserFactory(), product, fulfilled_days_ago=20)
    services.send_review_requests()
    path = link_path(mail.outbox[0])
    settings.FLYWHEEL_REVIEWS_LINK_DAYS = 0
    response = client.post(path, {"product": product.pk, "rating": "5", "title": "t", "body": "b"})
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert not Review.objects.exists()


def test_a_tampered_link_is_refused(client, product):
    buy(UserFactory(), product, fulfilled_days_ago=20)
    services.send_review_requests()
    path = link_path(mail.outbox[0])
    token = path.rstrip("/").rsplit("/", 1)[1]
    forged = signing.dumps({"request": "00000000-0000-0000-0000-000000000000"}, salt="other")
    for bad in (token[:-2] + "xx", forged):
        response = client.post(
            reverse("reviews:request", args=[bad]),
            {"product": product.pk, "rating": "5", "title": "t", "body": "b"},
        )
        assert response.status_code == 400
        assert "not valid" in response.content.decode()
    assert not Review.objects.exists()


def test_a_link_for_an_order_refunded_since_is_refused(client, product):
    order = buy(UserFactory(), product, fulfilled_days_ago=20)
    services.send_review_requests()
    path = link_path(mail.outbox[0])
    order.financial_status = "refunded"
    order.save(update_fields=["financial_status"])
    response = client.post(path, {"product": product.pk, "rating": "5", "title": "t", "body": "b"})
    assert response.status_code == 403
    assert not Review.objects.exists()


def test_the_beat_schedule_runs_the_requests():
    from django.conf import settings

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "flywheel.reviews.tasks.send_review_requests" in tasks
