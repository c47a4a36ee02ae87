"""The demo's referral programme: referrers and ambassadors with a history that the invite
page, the ambassador dashboard and the staff pages show."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from flywheel.accounts.models import User
from flywheel.commerce import adapters
from flywheel.commerce.adapters import base as adapters_base
from flywheel.referrals.models import (
    Ambassador,
    CodeKind,
    CreditState,
    Referral,
    ReferralClick,
    ReferralCode,
    ReferralStatus,
    StoreCredit,
)
from tests.module_data import rolled_back_after

# One demo for the module, built by one xdist worker (tests/module_data.py): its first run,
# with the shop unreachable and the tasks queued on commit (the friends' welcome codes among
# them) run too; each test's own run is then a second one.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("shared_demo"),
    pytest.mark.xdist_group("demo_referrals"),
]

SMALL = {"members": 20, "topics": 10, "replies": 30, "seed": 7, "quiet": True}


def refuse_shop_calls(monkeypatch):
    """The demo shop cannot be reached: any adapter the demo asks for fails the test."""

    def refuse(store, **options):
        raise AssertionError(f"the demo asked for an adapter to {store.domain}")

    monkeypatch.setattr(adapters_base, "get_adapter", refuse)
    monkeypatch.setattr(adapters, "get_adapter", refuse)


@pytest.fixture(scope="module")
def shared_demo(django_db_setup, django_db_blocker):
    with pytest.MonkeyPatch.context() as monkeypatch, rolled_back_after(django_db_blocker):
        refuse_shop_calls(monkeypatch)
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("demo", **SMALL)
        yield


@pytest.fixture
def no_shop_calls(monkeypatch):
    refuse_shop_calls(monkeypatch)


def test_the_demo_has_ambassadors_and_referrals_in_every_state(
    no_shop_calls, django_capture_on_commit_callbacks
):
    # The tasks queued on commit (the friends' welcome codes among them) run too.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", **SMALL)

    ambassadors = Ambassador.objects.filter(left_at__isnull=True)
    assert ambassadors.count() == 2
    vanity = ReferralCode.objects.filter(kind=CodeKind.VANITY)
    assert vanity.count() == 2 and all(code.code.endswith("10") for code in vanity)
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert statuses >= {
        ReferralStatus.SIGNED_UP,
        ReferralStatus.PENDING,
        ReferralStatus.APPROVED,
        ReferralStatus.HELD,
        ReferralStatus.REJECTED,
        ReferralStatus.REVERSED,
    }
    held = sorted(
        Referral.objects.filter(status=ReferralStatus.HELD).values_list("reasons", flat=True)
    )
    # A throwaway address, and a friend who signed up on the referrer's own device.
    assert held == [["disposable_email"], ["same_device"]]
    # One referrer's rewarded referrals carry store credit, with amount and currency.
    credits = StoreCredit.objects.all()
    assert credits.exists() and {(c.amount, c.currency, c.state) for c in credits} == {
        (Decimal("10.00"), "EUR", CreditState.ISSUED)
    }
    assert Referral.objects.get(status=ReferralStatus.REJECTED).reasons == ["aliased_email"]
    # Welcome codes were recorded locally, never asked of the unreachable shop.
    signed_up = Referral.objects.filter(referred_member__isnull=False)
    assert signed_up.exists() and all(referral.friend_code for referral in signed_up)
    assert ReferralClick.objects.count() > 50


def test_running_the_demo_again_adds_no_referral_click_or_code(no_shop_calls):
    # The module's demo was the first run; this is the second.
    before = (
        Referral.objects.count(),
        ReferralClick.objects.count(),
        ReferralCode.objects.count(),
        sorted(Referral.objects.values_list("referred_key", "status")),
    )
    call_command("demo", **SMALL)
    after = (
        Referral.objects.count(),
        ReferralClick.objects.count(),
        ReferralCode.objects.count(),
        sorted(Referral.objects.values_list("referred_key", "status")),
    )
    assert after == before


def test_the_demo_referral_pages_show_the_history(client, no_shop_calls):
    call_command("demo", **SMALL)
    ambassador = Ambassador.objects.select_related("member").order_by("joined_at").first()
    client.force_login(ambassador.member)

    invite = client.get(reverse("referrals:invite")).content.decode()
    dashboard = client.get(reverse("referrals:dashboard"))
    assert dashboard.status_code == 200
    vanity = ReferralCode.objects.get(member=ambassador.member, kind=CodeKind.VANITY)
    assert vanity.code in dashboard.content.decode()
    # The history shows over time: some week of the dashboard's chart has clicks.
    assert any(week.clicks for week in dashboard.context["weeks"])
    assert "/r/" in invite
    held = Referral.objects.get(status=ReferralStatus.HELD, reasons=["disposable_email"])

    client.force_login(User.objects.get(email="manager@northtrail.example"))
    review = client.get(reverse("referrals:staff_review")).content.decode()
    assert held.referred_email in review
    # The same held referral waits in the moderation queue, with its reason.
    queue_page = client.get(reverse("moderation:queue")).content.decode()
    assert "Held referral" in queue_page
    assert "The friend used a disposable e-mail address." in queue_page
    assert "came from the referrer&#x27;s device" in queue_page
    staff_page = client.get(reverse("referrals:staff_ambassadors")).content.decode()
    assert f'data-ambassador="{ambassador.member.handle}"' in staff_page
    assert ambassador.tier.name in staff_page
