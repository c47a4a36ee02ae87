"""Each fraud rule with evidence that trips it and evidence that does not."""

import datetime

import pytest
from django.utils import timezone

from flywheel.moderation.models import Sanction, SanctionKind
from flywheel.referrals import fraud
from flywheel.referrals.models import Referral, ReferralClick, ReferralStatus
from flywheel.referrals.services import code_for_member
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


@pytest.fixture
def referrer():
    return UserFactory(email="anna.stark@gmail.com", date_joined=NOW - datetime.timedelta(days=90))


def evidence(referrer, **fields):
    return fraud.Evidence(referrer=referrer, referrer_emails=[referrer.email], at=NOW, **fields)


def test_canonical_email_folds_plus_tags_and_gmail_dots():
    assert fraud.canonical_email("Anna.Stark+shop@googlemail.com") == "annastark@gmail.com"
    assert fraud.canonical_email("anna.stark+x@example.org") == "anna.stark@example.org"


def test_self_referral_trips_for_the_same_member_or_customer(referrer):
    assert fraud.check_self_referral(evidence(referrer, friend_member_id=referrer.pk))
    assert fraud.check_self_referral(
        evidence(referrer, referrer_customer_ids=[7], friend_customer_id=7)
    )
    assert not fraud.check_self_referral(evidence(referrer, friend_customer_id=8))


def test_aliased_email_trips_for_a_plus_tag_or_dotted_gmail(referrer):
    assert fraud.check_aliased_email(evidence(referrer, friend_email="annastark+1@gmail.com"))
    assert not fraud.check_aliased_email(evidence(referrer, friend_email="bran@gmail.com"))


def test_referrers_name_or_address_on_the_order_trips(referrer):
    assert fraud.check_referrer_name_or_address(
        evidence(referrer, referrer_names=["Anna Stark"], friend_names=["anna  stark"])
    )
    assert fraud.check_referrer_name_or_address(
        evidence(
            referrer,
            referrer_addresses=[{"address1": "1 Castle Black", "zip": "K2P"}],
            friend_addresses=[{"address1": "1 castle black", "zip": "k2p"}],
        )
    )
    assert not fraud.check_referrer_name_or_address(
        evidence(
            referrer,
            referrer_names=["Anna Stark"],
            friend_names=["Bran Stark"],
            referrer_addresses=[{"address1": "1 Castle Black"}],
            friend_addresses=[{"address1": "Winterfell 1"}],
        )
    )


def test_same_ip_within_the_window_trips(referrer):
    seen = NOW - datetime.timedelta(hours=1)
    same = evidence(
        referrer, referrer_ip_hash="h1", referrer_ip_seen_at=seen, click_ip_hash="h1", click_at=NOW
    )
    assert fraud.check_same_ip(same)
    other = evidence(
        referrer, referrer_ip_hash="h1", referrer_ip_seen_at=seen, click_ip_hash="h2", click_at=NOW
    )
    assert not fraud.check_same_ip(other)
    old = evidence(
        referrer,
        referrer_ip_hash="h1",
        referrer_ip_seen_at=NOW - datetime.timedelta(days=10),
        click_ip_hash="h1",
        click_at=NOW,
    )
    assert not fraud.check_same_ip(old)


def test_repeat_customer_trips_only_with_earlier_orders(referrer):
    assert fraud.check_repeat_customer(evidence(referrer, friend_had_earlier_orders=True))
    assert not fraud.check_repeat_customer(evidence(referrer))


def _referrals(referrer, count, *, ip_hash="ip", converted=False):
    code = code_for_member(referrer)
    for index in range(count):
        click = ReferralClick.objects.create(code=code, ip_hash=ip_hash, target="community")
        Referral.objects.create(
            referrer=referrer,
            code=code,
            click=click,
            referred_key=f"friend{index}-{ip_hash}@example.org",
            source="signup",
            status=ReferralStatus.PENDING if converted else ReferralStatus.SIGNED_UP,
            converted_at=NOW - datetime.timedelta(hours=1) if converted else None,
        )


def test_ten_referrals_from_one_ip_in_a_week_trip(referrer):
    _referrals(referrer, 9, ip_hash="busy")
    assert fraud.check_ip_burst(evidence(referrer, click_ip_hash="busy"))
    assert not fraud.check_ip_burst(evidence(referrer, click_ip_hash="quiet"))


def test_nine_referrals_from_one_ip_do_not_trip(referrer):
    _referrals(referrer, 8, ip_hash="busy")
    assert not fraud.check_ip_burst(evidence(referrer, click_ip_hash="busy"))


def test_disposable_domain_trips(referrer):
    assert fraud.check_disposable_email(evidence(referrer, friend_email="x@mailinator.com"))
    assert not fraud.check_disposable_email(evidence(referrer, friend_email="x@example.org"))


def test_referrer_cap_per_period_trips(referrer, settings):
    settings.FLYWHEEL_REFERRAL_MONTHLY_CAP = 3
    settings.FLYWHEEL_REFERRAL_VELOCITY_PER_DAY = 0
    _referrals(referrer, 2, converted=True)
    assert not fraud.check_referrer_cap(evidence(referrer))
    _referrals(referrer, 1, ip_hash="more", converted=True)
    assert fraud.check_referrer_cap(evidence(referrer))


def test_velocity_spike_trips(referrer, settings):
    settings.FLYWHEEL_REFERRAL_VELOCITY_PER_DAY = 2
    _referrals(referrer, 1, converted=True)
    assert not fraud.check_velocity_spike(evidence(referrer))
    _referrals(referrer, 1, ip_hash="more", converted=True)
    assert fraud.check_velocity_spike(evidence(referrer))


def test_a_brand_new_account_trips():
    assert fraud.check_account_age(evidence(UserFactory(date_joined=NOW)))
    assert not fraud.check_account_age(
        evidence(UserFactory(date_joined=NOW - datetime.timedelta(days=30)))
    )


def test_low_trust_trips_when_a_level_is_required(referrer, settings):
    from flywheel.trust.models import MemberTrust

    settings.FLYWHEEL_REFERRAL_MIN_TRUST_LEVEL = 1
    assert fraud.check_trust_level(evidence(referrer))
    MemberTrust.objects.create(member=referrer, level=2)
    fresh = type(referrer).objects.get(pk=referrer.pk)
    assert not fraud.check_trust_level(evidence(fresh))


def test_upheld_flags_trip(referrer):
    from django.contrib.contenttypes.models import ContentType

    from flywheel.moderation.models import Flag, FlagState, ReviewItem

    target = ContentType.objects.get_for_model(referrer)
    item = ReviewItem.objects.create(target_type=target, target_id=referrer.pk, subject=referrer)
    flag = Flag.objects.create(
        target_type=target, target_id=referrer.pk, review_item=item, reason="spam"
    )
    assert not fraud.check_upheld_flags(evidence(referrer))
    flag.state = FlagState.UPHELD
    flag.save()
    assert fraud.check_upheld_flags(evidence(referrer))


def test_sanctions_trip_but_warnings_do_not(referrer):
    Sanction.objects.create(member=referrer, kind=SanctionKind.WARNING, reason="be nice")
    assert not fraud.check_sanctions(evidence(referrer))
    Sanction.objects.create(member=referrer, kind=SanctionKind.SILENCE, reason="spam")
    assert fraud.check_sanctions(evidence(referrer))
