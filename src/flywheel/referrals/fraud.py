"""Fraud checks on a referral, each a small function returning a reason code or None.

`referral_reasons` runs them all; any reason holds the referral for staff review, and
nothing is rewarded until staff approve it. Why each rule exists: docs/referrals.md.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

GMAIL_DOMAINS = {"gmail.com", "googlemail.com"}
# How far back each look-up reaches (the batch attribution fetches the same windows).
IP_BURST_DAYS = 7
CONVERSION_DAYS = 30
SANCTION_DAYS = 365

REASON_LABELS = {
    "self_referral": _("The friend is the referrer (same member or store customer)."),
    "aliased_email": _("The friend's e-mail is an alias of the referrer's."),
    "referrer_name_or_address": _("The order carries the referrer's name or address."),
    "same_ip": _("The friend used the referrer's IP address."),
    "same_device": _(
        "The friend's click or sign-up came from the referrer's device (the same device "
        "cookie, or the same IP address and browser)."
    ),
    "repeat_customer": _("The friend had bought before."),
    "ip_burst": _("Many referrals from one IP address this week."),
    "disposable_email": _("The friend used a disposable e-mail address."),
    "referrer_cap": _("The referrer reached the cap for this period."),
    "velocity_spike": _("Unusually many referrals from this referrer today."),
    "new_account": _("The referrer's account is very new."),
    "low_trust": _("The referrer's trust level is low."),
    "upheld_flags": _("The referrer has upheld flags against them."),
    "sanctioned": _("The referrer has been sanctioned."),
}


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def canonical_email(email: str) -> str:
    """One form per mailbox: lower case, `+tag` dropped, Gmail's dots dropped."""
    email = (email or "").strip().lower()
    if "@" not in email:
        return email
    local, domain = email.rsplit("@", 1)
    local = local.split("+", 1)[0]
    if domain in GMAIL_DOMAINS:
        local = local.replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"


def _normalised(text: str) -> str:
    return " ".join((text or "").lower().split())


@dataclass(frozen=True)
class Device:
    """A device seen on a visit: the keyed hash of the first-party device cookie and the
    hash of the hashed IP with the user agent (either may be empty), and when."""

    device_hash: str
    fingerprint: str
    at: datetime.datetime


@dataclass
class Evidence:
    """What the checks look at, gathered once by the service (no queries in the checks
    except the community and history look-ups, which are named for what they count)."""

    referrer: object
    referrer_emails: list[str] = field(default_factory=list)
    referrer_customer_ids: list[int] = field(default_factory=list)
    referrer_names: list[str] = field(default_factory=list)
    referrer_addresses: list[dict] = field(default_factory=list)
    referrer_ip_hash: str = ""
    referrer_ip_seen_at: datetime.datetime | None = None
    friend_member_id: int | None = None
    friend_email: str = ""
    friend_customer_id: int | None = None
    friend_names: list[str] = field(default_factory=list)
    friend_addresses: list[dict] = field(default_factory=list)
    click_ip_hash: str = ""
    click_at: datetime.datetime | None = None
    friend_had_earlier_orders: bool = False
    at: datetime.datetime = field(default_factory=timezone.now)
    referral_id: int | None = None
    referrer_devices: list[Device] = field(default_factory=list)
    friend_devices: list[Device] = field(default_factory=list)
    # Filled by the first check that needs it (_recent_conversions), or up front by the
    # batch attribution (services.attribute_orders), as are the community look-ups below:
    # None means "not looked up yet", and the check asks the database itself.
    _conversions: dict[str, int] | None = field(default=None, repr=False)
    ip_referrals_this_week: int | None = None
    disposable_domain: bool | None = None
    has_upheld_flags: bool | None = None
    is_sanctioned: bool | None = None


def check_self_referral(evidence: Evidence) -> str | None:
    if evidence.friend_member_id and evidence.friend_member_id == evidence.referrer.pk:
        return "self_referral"
    if (
        evidence.friend_customer_id
        and evidence.friend_customer_id in evidence.referrer_customer_ids
    ):
        return "self_referral"
    return None


def check_aliased_email(evidence: Evidence) -> str | None:
    friend = canonical_email(evidence.friend_email)
    if friend and friend in {canonical_email(email) for email in evidence.referrer_emails}:
        return "aliased_email"
    return None


def _address_key(address: dict) -> str:
    if not isinstance(address, dict):
        return ""
    parts = [
        address.get(key) or "" for key in ("address1", "address_1", "street_1", "zip", "postcode")
    ]
    return _normalised(" ".join(str(part) for part in parts))


def check_referrer_name_or_address(evidence: Evidence) -> str | None:
    names = {_normalised(name) for name in evidence.referrer_names if _normalised(name)}
    if names & {_normalised(name) for name in evidence.friend_names}:
        return "referrer_name_or_address"
    own = {_address_key(address) for address in evidence.referrer_addresses} - {""}
    if own & {_address_key(address) for address in evidence.friend_addresses}:
        return "referrer_name_or_address"
    return None


def check_same_ip(evidence: Evidence) -> str | None:
    if not (evidence.click_ip_hash and evidence.referrer_ip_hash and evidence.referrer_ip_seen_at):
        return None
    window = datetime.timedelta(hours=_setting("FLYWHEEL_REFERRAL_SAME_IP_HOURS", 72))
    when = evidence.click_at or evidence.at
    if (
        evidence.click_ip_hash == evidence.referrer_ip_hash
        and abs(when - evidence.referrer_ip_seen_at) <= window
    ):
        return "same_ip"
    return None


def check_same_device(evidence: Evidence) -> str | None:
    """The friend's click or sign-up came from a device the referrer used on their own
    invite page: the same device cookie (at any time: the cookie is the device), or the
    same hashed IP and user agent within FLYWHEEL_REFERRAL_SAME_DEVICE_HOURS."""
    window = datetime.timedelta(hours=_setting("FLYWHEEL_REFERRAL_SAME_DEVICE_HOURS", 72))
    cookies = {device.device_hash for device in evidence.referrer_devices} - {""}
    for friend in evidence.friend_devices:
        if friend.device_hash and friend.device_hash in cookies:
            return "same_device"
        if friend.fingerprint and any(
            own.fingerprint == friend.fingerprint and abs(friend.at - own.at) <= window
            for own in evidence.referrer_devices
        ):
            return "same_device"
    return None


def check_repeat_customer(evidence: Evidence) -> str | None:
    return "repeat_customer" if evidence.friend_had_earlier_orders else None


def check_ip_burst(evidence: Evidence) -> str | None:
    """Ten or more referrals whose click came from one IP address within a week."""
    from flywheel.referrals.models import Referral

    if not evidence.click_ip_hash:
        return None
    count = evidence.ip_referrals_this_week
    if count is None:
        since = evidence.at - datetime.timedelta(days=IP_BURST_DAYS)
        count = (
            Referral.objects.filter(click__ip_hash=evidence.click_ip_hash, created_at__gte=since)
            .exclude(pk=evidence.referral_id)
            .count()
        )
    return "ip_burst" if count + 1 >= _setting("FLYWHEEL_REFERRAL_IP_LIMIT_PER_WEEK", 10) else None


def check_disposable_email(evidence: Evidence) -> str | None:
    from flywheel.privacy.signup_checks import is_blocked_domain

    if "@" not in evidence.friend_email:
        return None
    blocked = evidence.disposable_domain
    if blocked is None:
        blocked = is_blocked_domain(evidence.friend_email.rsplit("@", 1)[1])
    return "disposable_email" if blocked else None


def _recent_conversions(evidence: Evidence) -> dict[str, int]:
    """The referrer's other conversions in the last 30 days and the last 24 hours, in one
    query shared by the cap and the velocity checks (remembered on the evidence)."""
    from django.db.models import Count, Q

    from flywheel.referrals.models import Referral

    if evidence._conversions is None:
        month = evidence.at - datetime.timedelta(days=CONVERSION_DAYS)
        day = evidence.at - datetime.timedelta(days=1)
        evidence._conversions = (
            Referral.objects.filter(referrer=evidence.referrer, converted_at__gte=month)
            .exclude(pk=evidence.referral_id)
            .aggregate(month=Count("pk"), day=Count("pk", filter=Q(converted_at__gte=day)))
        )
    return evidence._conversions


def check_referrer_cap(evidence: Evidence) -> str | None:
    cap = _setting("FLYWHEEL_REFERRAL_MONTHLY_CAP", 20)
    return "referrer_cap" if cap and _recent_conversions(evidence)["month"] >= cap else None


def check_velocity_spike(evidence: Evidence) -> str | None:
    limit = _setting("FLYWHEEL_REFERRAL_VELOCITY_PER_DAY", 5)
    return "velocity_spike" if limit and _recent_conversions(evidence)["day"] >= limit else None


def check_account_age(evidence: Evidence) -> str | None:
    days = _setting("FLYWHEEL_REFERRAL_MIN_ACCOUNT_AGE_DAYS", 7)
    joined = evidence.referrer.date_joined
    return (
        "new_account" if joined and evidence.at - joined < datetime.timedelta(days=days) else None
    )


def check_trust_level(evidence: Evidence) -> str | None:
    from flywheel.trust.queries import trust_level_for

    minimum = _setting("FLYWHEEL_REFERRAL_MIN_TRUST_LEVEL", 1)
    return "low_trust" if trust_level_for(evidence.referrer) < minimum else None


def check_upheld_flags(evidence: Evidence) -> str | None:
    from flywheel.moderation.models import Flag, FlagState

    upheld = evidence.has_upheld_flags
    if upheld is None:
        upheld = Flag.objects.filter(
            state=FlagState.UPHELD, review_item__subject=evidence.referrer
        ).exists()
    return "upheld_flags" if upheld else None


def check_sanctions(evidence: Evidence) -> str | None:
    from flywheel.moderation.models import Sanction, SanctionKind

    sanctioned = evidence.is_sanctioned
    if sanctioned is None:
        since = evidence.at - datetime.timedelta(days=SANCTION_DAYS)
        sanctioned = (
            Sanction.objects.filter(
                member=evidence.referrer, created_at__gte=since, revoked_at__isnull=True
            )
            .exclude(kind=SanctionKind.WARNING)
            .exists()
        )
    return "sanctioned" if sanctioned else None


CHECKS: list[Callable[[Evidence], str | None]] = [
    check_self_referral,
    check_aliased_email,
    check_referrer_name_or_address,
    check_same_ip,
    check_same_device,
    check_repeat_customer,
    check_ip_burst,
    check_disposable_email,
    check_referrer_cap,
    check_velocity_spike,
    check_account_age,
    check_trust_level,
    check_upheld_flags,
    check_sanctions,
]

# A self-referral is not merely suspicious: it is rejected outright, never reviewed.
REJECT_OUTRIGHT = {"self_referral", "aliased_email"}


def referral_reasons(evidence: Evidence) -> list[str]:
    return [reason for check in CHECKS if (reason := check(evidence))]


def is_staff(member) -> bool:
    return bool(
        member.is_staff or member.is_superuser or getattr(member, "is_community_admin", False)
    )
