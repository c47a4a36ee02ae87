"""The same-device signal: a friend's click or sign-up from a device the referrer used on
their own invite page (the first-party device cookie, or the same hashed IP and user agent
within a window) holds the referral for review in the moderation queue with that reason."""

import datetime

import pytest
from django.utils import timezone

from flywheel.moderation.models import ReviewItem
from flywheel.referrals import fraud
from flywheel.referrals.models import OwnerDevice, Referral, ReferralStatus
from flywheel.referrals.services import code_for_member
from tests.factories import AdminFactory
from tests.referrals.conftest import CommittingClient
from tests.referrals.orders import order_payload, send_order

pytestmark = pytest.mark.django_db

NOW = timezone.now()
PASSWORD = "a-Long-pass-phrase-9"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1"


def _evidence(referrer, *, own, friend):
    return fraud.Evidence(referrer=referrer, at=NOW, referrer_devices=own, friend_devices=friend)


def test_the_referrers_device_cookie_trips_at_any_time(referrer):
    own = [fraud.Device("cookie-a", "print-a", NOW - datetime.timedelta(days=200))]
    assert fraud.check_same_device(
        _evidence(referrer, own=own, friend=[fraud.Device("cookie-a", "print-b", NOW)])
    )
    assert not fraud.check_same_device(
        _evidence(referrer, own=own, friend=[fraud.Device("cookie-b", "print-b", NOW)])
    )


def test_the_same_ip_and_browser_trips_only_within_the_window(referrer, settings):
    settings.FLYWHEEL_REFERRAL_SAME_DEVICE_HOURS = 72
    own = [fraud.Device("", "print-a", NOW - datetime.timedelta(hours=10))]
    assert fraud.check_same_device(
        _evidence(referrer, own=own, friend=[fraud.Device("x", "print-a", NOW)])
    )
    old = [fraud.Device("", "print-a", NOW - datetime.timedelta(hours=100))]
    assert not fraud.check_same_device(
        _evidence(referrer, own=old, friend=[fraud.Device("x", "print-a", NOW)])
    )


def test_empty_hashes_never_match(referrer):
    own = [fraud.Device("", "", NOW)]
    assert not fraud.check_same_device(
        _evidence(referrer, own=own, friend=[fraud.Device("", "", NOW)])
    )


@pytest.fixture
def friend(django_capture_on_commit_callbacks):
    """A second browser (no cookies of the referrer's)."""
    other = CommittingClient()
    other.capture = django_capture_on_commit_callbacks
    return other


def _referrer_opens_invite_page(client, referrer, **meta):
    client.force_login(referrer)
    assert client.get("/referrals/", **meta).status_code == 200
    device = client.cookies["fw_dev"].value
    client.logout()  # (which forgets every cookie: the browser keeps its device cookie)
    client.cookies["fw_dev"] = device


def _friend_signs_up(client, referrer, email, **meta):
    assert client.get(f"/r/{code_for_member(referrer).code}", **meta).status_code == 302
    response = client.post(
        "/accounts/signup/",
        {"email": email, "password1": PASSWORD, "password2": PASSWORD},
        **meta,
    )
    assert response.status_code == 302, response.content


def test_a_friend_on_the_referrers_own_browser_is_held_with_the_reason_shown(
    client, shop, referrer, referral_rule
):
    _referrer_opens_invite_page(client, referrer, REMOTE_ADDR="10.0.0.1", HTTP_USER_AGENT=FIREFOX)
    assert OwnerDevice.objects.filter(member=referrer).exclude(device_hash="").exists()
    # The same browser (its device cookie), from another network.
    _friend_signs_up(client, referrer, "bran@example.org", REMOTE_ADDR="10.9.9.9")
    send_order(client, order_payload(email="bran@example.org"))
    referral = Referral.objects.get(referred_email="bran@example.org")
    assert referral.status == ReferralStatus.HELD
    assert "same_device" in referral.reasons
    assert ReviewItem.objects.filter(target_id=referral.pk, target_type__model="referral")
    client.force_login(AdminFactory())
    page = client.get("/moderation/queue/").content.decode()
    assert (
        "came from the referrer&#x27;s device" in page or "came from the referrer's device" in page
    )


def test_a_friend_with_the_referrers_ip_and_browser_is_held(
    client, friend, shop, referrer, referral_rule
):
    _referrer_opens_invite_page(client, referrer, REMOTE_ADDR="10.0.0.1", HTTP_USER_AGENT=FIREFOX)
    _friend_signs_up(
        friend, referrer, "bran@example.org", REMOTE_ADDR="10.0.0.1", HTTP_USER_AGENT=FIREFOX
    )
    send_order(client, order_payload(email="bran@example.org"))
    referral = Referral.objects.get(referred_email="bran@example.org")
    assert referral.status == ReferralStatus.HELD
    assert "same_device" in referral.reasons


def test_a_friend_on_their_own_device_is_not_held_for_it(
    client, friend, shop, referrer, referral_rule
):
    _referrer_opens_invite_page(client, referrer, REMOTE_ADDR="10.0.0.1", HTTP_USER_AGENT=FIREFOX)
    _friend_signs_up(
        friend, referrer, "bran@example.org", REMOTE_ADDR="10.7.7.7", HTTP_USER_AGENT=SAFARI
    )
    send_order(client, order_payload(email="bran@example.org"))
    referral = Referral.objects.get(referred_email="bran@example.org")
    assert "same_device" not in referral.reasons
    assert referral.status == ReferralStatus.PENDING


def test_the_device_cookie_is_stored_only_as_a_keyed_hash(client, referrer):
    client.force_login(referrer)
    response = client.get("/referrals/")
    token = response.cookies["fw_dev"].value
    assert response.cookies["fw_dev"]["httponly"]
    device = OwnerDevice.objects.get(member=referrer)
    assert token not in device.device_hash and len(device.device_hash) == 64


def test_erasure_forgets_the_members_devices_and_export_lists_their_store_credit(referrer):
    from decimal import Decimal

    from flywheel.referrals.privacy import erase_referrals, export_referrals
    from flywheel.referrals.services import note_owner_device, record_store_credit

    note_owner_device(member=referrer, device_hash="a" * 64, ip_hash="b" * 64, user_agent=FIREFOX)
    referral = Referral.objects.create(
        referrer=referrer,
        code=code_for_member(referrer),
        referred_key="bran@example.org",
        source="email",
        status=ReferralStatus.APPROVED,
    )
    record_store_credit(referral=referral, amount=Decimal("10"), currency="usd")
    exported = export_referrals(referrer)["store_credit"]
    assert [(c["amount"], c["currency"]) for c in exported] == [("10.00", "USD")]
    erase_referrals(referrer, content="delete")
    assert not OwnerDevice.objects.filter(member=referrer).exists()
