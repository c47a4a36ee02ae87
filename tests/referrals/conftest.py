import datetime

import pytest
from django.test import Client
from django.utils import timezone

from flywheel.rewards.models import Rule
from tests.commerce.fake_store import connect_fake_shop
from tests.commerce.webhook_helpers import DOMAINS, SECRET
from tests.factories import UserFactory


class CommittingClient(Client):
    """POSTs run their on-commit callbacks (eager tasks) when the request commits."""

    capture = None

    def post(self, *args, **kwargs):
        with self.capture(execute=True):
            return super().post(*args, **kwargs)

    def get(self, *args, **kwargs):
        with self.capture(execute=True):
            return super().get(*args, **kwargs)


@pytest.fixture
def client(django_capture_on_commit_callbacks):
    client = CommittingClient()
    client.capture = django_capture_on_commit_callbacks
    return client


@pytest.fixture(autouse=True)
def referral_settings(settings):
    # Trust levels are their own feature; most tests look at one rule at a time.
    settings.FLYWHEEL_REFERRAL_MIN_TRUST_LEVEL = 0
    settings.ACCOUNT_EMAIL_VERIFICATION = "none"
    return settings


@pytest.fixture
def shop(settings):
    store, fake = connect_fake_shop(
        "shopify", settings, domain=DOMAINS["shopify"], webhook_secret=SECRET
    )
    yield store, fake
    fake.stop()


@pytest.fixture
def referral_rule(db):
    rule, _created = Rule.objects.update_or_create(
        verb="referral_converted",
        points_per_unit=None,
        defaults={
            "name": "Friend's first paid order",
            "points": 100,
            "pending_refund_window": True,
        },
    )
    return rule


@pytest.fixture
def referrer(db):
    return UserFactory(
        email="anna@example.com",
        handle="anna",
        display_name="Anna Referrer",
        date_joined=timezone.now() - datetime.timedelta(days=90),
    )
