"""Every write of the referrals app, each one business action (docs/referrals.md).

Attribution of a store order, strongest first: a referral code used at checkout, the `ref`
parameter of the order's landing page, then the e-mail of a member who signed up through a
link. One referral per referred customer (`Referral.referred_key`, unique); the first touch
wins unless FLYWHEEL_REFERRAL_ATTRIBUTION is "last_touch". Rewards go through the Activity
log: `referral_converted` earns the referrer points under the rewards rules (pending through
the refund window), `referral_rejected` takes them back through the ledger.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
import re
import secrets
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from flywheel.core.exceptions import Conflict, InvalidInput
from flywheel.core.models import Verb
from flywheel.core.services import record_activity
from flywheel.referrals import fraud, queue
from flywheel.referrals.models import (
    Ambassador,
    AmbassadorApplication,
    AmbassadorTier,
    ApplicationStatus,
    CodeKind,
    CreditState,
    LinkTarget,
    OwnerDevice,
    Referral,
    ReferralClick,
    ReferralCode,
    ReferralStatus,
    Source,
    StoreCredit,
)

logger = logging.getLogger(__name__)

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
VANITY_PATTERN = re.compile(r"^[A-Z0-9]{4,20}$")
TOKEN_SALT = "flywheel.referrals.click"  # noqa: S105 - a signing namespace, not a secret


# ------------------------------------------------------------------------------ settings


def attribution_window() -> datetime.timedelta:
    return datetime.timedelta(days=int(getattr(settings, "FLYWHEEL_REFERRAL_COOKIE_DAYS", 30)))


def cookie_name() -> str:
    return getattr(settings, "FLYWHEEL_REFERRAL_COOKIE_NAME", "fw_ref")


def last_touch() -> bool:
    return getattr(settings, "FLYWHEEL_REFERRAL_ATTRIBUTION", "first_touch") == "last_touch"


def refund_window() -> datetime.timedelta:
    from flywheel.rewards.services import refund_window as rewards_refund_window

    return rewards_refund_window()


def friend_discount_percent() -> Decimal:
    return Decimal(str(getattr(settings, "FLYWHEEL_REFERRAL_FRIEND_DISCOUNT_PERCENT", "10")))


# ------------------------------------------------------------------------------ codes


def _new_code(member) -> str:
    stem = re.sub(r"[^A-Z0-9]", "", (member.handle or "").upper())[:12] or "FRIEND"
    return stem + "-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(4))


def code_for_member(member) -> ReferralCode:
    """The member's personal code, created the first time it is asked for."""
    existing = ReferralCode.objects.filter(member=member, kind=CodeKind.PERSONAL).first()
    if existing is not None:
        return existing
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return ReferralCode.objects.create(member=member, code=_new_code(member))
        except IntegrityError:
            # Either a code clash (try another) or a concurrent first call (use its code).
            existing = ReferralCode.objects.filter(member=member, kind=CodeKind.PERSONAL).first()
            if existing is not None:
                return existing
    raise Conflict(_("Could not create a referral code; try again."))


def device_cookie_name() -> str:
    return getattr(settings, "FLYWHEEL_REFERRAL_DEVICE_COOKIE_NAME", "fw_dev")


def new_device_token() -> str:
    return secrets.token_urlsafe(24)


def hash_device(token: str) -> str:
    """The keyed hash of a device cookie's value: comparable between rows, not reversible,
    and useless outside this site."""
    token = (token or "").strip()[:100]
    if not token:
        return ""
    return hmac.new(
        settings.SECRET_KEY.encode(), f"device:{token}".encode(), hashlib.sha256
    ).hexdigest()


def fingerprint(*, ip_hash: str, user_agent: str) -> str:
    """The hashed IP together with the user agent: the same browser on the same network."""
    if not ip_hash:
        return ""
    return hashlib.sha256(f"{ip_hash}|{(user_agent or '')[:300]}".encode()).hexdigest()


def note_owner_device(*, member, device_hash: str, ip_hash: str, user_agent: str) -> None:
    """Remember a device the member uses for their own referral pages (the same-device
    check compares friends' clicks and sign-ups with these)."""
    print_ = fingerprint(ip_hash=ip_hash, user_agent=user_agent)
    if not (device_hash or print_):
        return
    updated = OwnerDevice.objects.filter(
        member=member, device_hash=device_hash, fingerprint=print_
    ).update(last_seen_at=timezone.now())
    if not updated:
        try:
            with transaction.atomic():
                OwnerDevice.objects.create(
                    member=member, device_hash=device_hash, fingerprint=print_
                )
        except IntegrityError:
            pass  # a concurrent visit recorded it


def note_owner_visit(*, code: ReferralCode, ip_hash: str) -> None:
    """Remember the owner's hashed IP (from their invite page) for the same-IP check."""
    if ip_hash and (code.owner_ip_hash != ip_hash or code.owner_ip_seen_at is None):
        code.owner_ip_hash = ip_hash
        code.owner_ip_seen_at = timezone.now()
        code.save(update_fields=["owner_ip_hash", "owner_ip_seen_at"])
    elif ip_hash:
        ReferralCode.objects.filter(pk=code.pk).update(owner_ip_seen_at=timezone.now())


# ------------------------------------------------------------------------------ clicks


def record_click(
    *,
    code: ReferralCode,
    ip_hash: str,
    user_agent: str,
    landing_path: str,
    target: str,
    device_hash: str = "",
) -> tuple[ReferralClick, str]:
    """Log a click on a share link; returns it and the signed token for the attribution
    cookie (the click's id, so nothing personal is in the cookie). The click and its
    activity commit together: one commit per click, not two."""
    with transaction.atomic():
        click = ReferralClick.objects.create(
            code=code,
            ip_hash=ip_hash,
            user_agent=(user_agent or "")[:300],
            landing_path=(landing_path or "")[:300],
            target=target if target in LinkTarget.values else LinkTarget.COMMUNITY,
            device_hash=device_hash[:64],
        )
        record_activity(
            actor=code.member,
            verb=Verb.REFERRAL_CLICKED,
            target=click,
            payload={"code": code.code, "target": click.target},
            at=click.created_at,
        )
    return click, signing.dumps(click.pk, salt=TOKEN_SALT)


def click_for_token(token: str) -> ReferralClick | None:
    """The click a cookie names, if it is genuine and inside the attribution window."""
    if not token:
        return None
    try:
        click_id = signing.loads(
            token, salt=TOKEN_SALT, max_age=attribution_window().total_seconds()
        )
    except signing.BadSignature:
        return None
    return ReferralClick.objects.select_related("code__member").filter(pk=click_id).first()


# ------------------------------------------------------------------------------ sign-ups


def attribute_signup(
    *, member, token: str, device_hash: str = "", fingerprint: str = ""
) -> Referral | None:
    """A member who signed up after following a link becomes a referred member (once). The
    device they signed up with is kept for the same-device check."""
    click = click_for_token(token)
    if click is None or click.code.retired_at is not None:
        return None
    referrer = click.code.member
    if referrer.pk == member.pk or member.date_joined < click.created_at:
        return None
    key = fraud.canonical_email(member.email)
    if key in {fraud.canonical_email(referrer.email)}:
        return None
    with transaction.atomic():
        existing = Referral.objects.select_for_update().filter(referred_key=key).first()
        if existing is not None:
            if existing.referred_member_id is None:
                existing.referred_member = member
                existing.save(update_fields=["referred_member"])
            return existing
        try:
            with transaction.atomic():
                referral = Referral.objects.create(
                    referrer=referrer,
                    code=click.code,
                    click=click,
                    referred_key=key,
                    referred_email=member.email.lower(),
                    referred_member=member,
                    source=Source.SIGNUP,
                    signup_device_hash=(device_hash or "")[:64],
                    signup_fingerprint=(fingerprint or "")[:64],
                )
        except IntegrityError:
            return Referral.objects.get(referred_key=key)
        record_activity(
            actor=referrer,
            verb=Verb.REFERRAL_SIGNED_UP,
            target=referral,
            payload={"referred_member_id": member.pk, "code": click.code.code},
            dedupe_key=f"referral_signed_up:{referral.pk}",
            at=member.date_joined,
        )
    issue_friend_code(referral_id=referral.pk)
    return referral


WELCOME_CODE_KIND = "referrals.welcome_code"
STORE_CREDIT_KIND = "referrals.store_credit"
STORE_CREDIT_WITHDRAWAL_KIND = "referrals.store_credit_withdrawal"


def keyed_code(*, purpose: str, key: int, length: int) -> str:
    """A code derived from the record's id with the site's secret: unguessable, and the same
    on every retry, so a shop that already has it tells us an earlier attempt went through
    (the outbound path sends at least once)."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{purpose}:{key}".encode(), hashlib.sha256
    ).digest()
    return "".join(CODE_ALPHABET[byte % len(CODE_ALPHABET)] for byte in digest[:length])


def _first_store():
    from flywheel.commerce.models import Store

    return Store.objects.filter(active=True).order_by("pk").first()


def issue_friend_code(*, referral_id: int) -> str:
    """Ask for the friend's welcome code: an outbound message (`referrals.welcome_code`,
    once per referral) that creates it in the (first active) shop through its adapter and is
    retried with backoff when the shop refuses or fails, then dead-lettered with the shop's
    reason for staff (docs/referrals.md). Returns the code when it already exists."""
    from flywheel.core.outbound import enqueue_outbound

    referral = Referral.objects.filter(pk=referral_id).first()
    if referral is None or referral.friend_code:
        return referral.friend_code if referral else ""
    store = _first_store()
    if store is None:
        return ""
    enqueue_outbound(
        kind=WELCOME_CODE_KIND,
        payload={"referral_id": referral.pk},
        dedupe_key=f"{WELCOME_CODE_KIND}:{referral.pk}",
        throttle_key=f"store:{store.pk}",
    )
    return ""


def create_friend_code_in_shop(*, referral_id: int) -> str:
    """The welcome code's sender (senders.send_welcome_code): create it in the shop, single
    use, once per customer, and tied to the friend's e-mail where the platform allows
    (WooCommerce, Shopify), so it cannot be passed around; on every platform an order
    carrying it counts for the referrer only when it is the friend's (see
    _order_attribution). The code is keyed to the referral, so a retry after a lost answer
    finds it in the shop instead of creating a second. Shop errors propagate (the outbound
    path retries them)."""
    from flywheel.commerce.adapters import get_adapter
    from flywheel.commerce.adapters.errors import DiscountCodeConflict

    referral = Referral.objects.filter(pk=referral_id).first()
    if referral is None or referral.friend_code:
        return referral.friend_code if referral else ""
    store = _first_store()
    if store is None:
        raise InvalidInput(_("No shop is connected to create the welcome code in."), field="store")
    prefix = getattr(settings, "FLYWHEEL_DISCOUNT_CODE_PREFIX", "FW")
    code = prefix + keyed_code(purpose=WELCOME_CODE_KIND, key=referral.pk, length=10)
    reference = ""
    try:
        with get_adapter(store) as adapter:
            created = adapter.create_discount_code(
                code=code,
                kind="percentage",
                value=friend_discount_percent(),
                currency=store.currency,
                usage_limit=1,
                once_per_customer=True,
                customer_email=referral.referred_email or None,
            )
        reference = created.reference
        if referral.referred_email and not created.customer_email:
            logger.info("%s cannot tie welcome codes to an e-mail", store.platform)
    except DiscountCodeConflict:
        logger.info("welcome code for referral %s was already in the shop", referral_id)
    return record_friend_code(referral=referral, code=code, reference=reference).friend_code


def record_friend_code(*, referral: Referral, code: str, reference: str = "") -> Referral:
    """Remember the friend's welcome code as the shop created it (the first one wins). The
    demo, whose shop cannot be reached, records its codes here without the adapter."""
    code = (code or "").strip().upper()
    if not code:
        raise InvalidInput(_("Give the welcome code."), field="code")
    Referral.objects.filter(pk=referral.pk, friend_code="").update(
        friend_code=code[:50], friend_code_reference=(reference or "")[:200]
    )
    referral.refresh_from_db(fields=["friend_code", "friend_code_reference"])
    return referral


# ------------------------------------------------------------------------------ orders


def _landing_ref(landing_site: str) -> str:
    if not landing_site:
        return ""
    values = parse_qs(urlsplit(landing_site).query).get("ref") or []
    return (values[0] if values else "").strip().upper()[:50]


def _friend_email(order) -> str:
    return (order.email or (order.customer.email if order.customer else "") or "").lower()


def _orders_attribution(orders) -> dict[int, tuple[ReferralCode | None, str]]:
    """The strongest attribution each order itself carries: a code at checkout (a referral
    code, or the friend's own welcome code), then the `ref` of its landing page. Two
    queries for any number of orders (the welcome codes only when a code matched no
    referral code)."""
    wanted: set[str] = set()
    for order in orders:
        wanted |= {str(code).upper() for code in order.discount_codes or []}
        if ref := _landing_ref(order.landing_site):
            wanted.add(ref)
    codes = (
        {
            code.code: code
            for code in ReferralCode.objects.select_related("member").filter(
                code__in=wanted, retired_at__isnull=True
            )
        }
        if wanted
        else {}
    )
    unmatched = {
        code
        for order in orders
        for code in (str(code).upper() for code in order.discount_codes or [])
        if code not in codes
    }
    welcome: dict[str, Referral] = {}
    if unmatched:
        for referral in (
            Referral.objects.select_related("code__member")
            .filter(friend_code__in=unmatched)
            .order_by("-created_at", "-id")
        ):
            welcome.setdefault(referral.friend_code, referral)
    results: dict[int, tuple[ReferralCode | None, str]] = {}
    for order in orders:
        results[order.pk] = (None, "")
        order_codes = [str(code).upper() for code in order.discount_codes or []]
        matches = [codes[code] for code in order_codes if code in codes]
        if matches:
            results[order.pk] = (min(matches, key=lambda code: code.pk), Source.DISCOUNT_CODE)
            continue
        welcomes = [welcome[code] for code in order_codes if code in welcome]
        if welcomes:
            referral = max(welcomes, key=lambda referral: (referral.created_at, referral.pk))
            # A welcome code is the friend's own: on someone else's order it attributes
            # nothing (the shop refuses it too where the platform ties codes to an e-mail).
            if referral.referred_key == fraud.canonical_email(_friend_email(order)):
                results[order.pk] = (referral.code, Source.DISCOUNT_CODE)
                continue
        ref = _landing_ref(order.landing_site)
        if ref and ref in codes:
            results[order.pk] = (codes[ref], Source.LANDING_REF)
    return results


def _order_attribution(order) -> tuple[ReferralCode | None, str]:
    """The strongest attribution one order carries (see _orders_attribution)."""
    return _orders_attribution([order])[order.pk]


def attribution_batch_size() -> int:
    return max(1, int(getattr(settings, "FLYWHEEL_REFERRAL_ATTRIBUTION_BATCH", 100)))


def attribute_order(order_id: int) -> Referral | None:
    """The order listener (hooks.order_changes, through a task): attribute a paid first order
    to its referrer, or undo a reward whose order was refunded or cancelled in the window.
    Idempotent: runs after every change to the order. One order's batch (attribute_orders)."""
    return attribute_orders([order_id], fall_back=False).get(order_id)


def attribute_orders(order_ids, *, fall_back: bool = True) -> dict[int, Referral | None]:
    """Attribute a batch of orders in one transaction, with the look-ups shared by all of
    them (codes, referrals, the referrers' customers, e-mails, devices, trust, flags and
    sanctions, the friends' earlier orders, blocked domains) and the new rows written in
    bulk: a fixed number of statements per batch, not per order. The result for each order
    is what attributing it alone gives, in the orders' placing order (the first touch, the
    first paid order, the caps and the velocity limit count the batch's earlier orders).

    A batch that fails rolls back and is tried once more (a concurrent worker may have
    created a friend's referral meanwhile: it is locked and used the second time), then one
    order at a time, so one bad order does not hold up the others (logged, as a failed task
    was). Returns each order's referral (None: not attributed)."""
    ids = sorted({int(order_id) for order_id in order_ids})
    if not ids:
        return {}
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return _attribute_batch(ids)
        except IntegrityError:
            if attempt == 2 and (not fall_back or len(ids) == 1):
                raise
        except Exception:
            if not fall_back or len(ids) == 1:
                raise
            break
    logger.warning("referral attribution of %s orders rolled back; one at a time", len(ids))
    results: dict[int, Referral | None] = {}
    for order_id in ids:
        try:
            results[order_id] = attribute_order(order_id)
        except Exception:
            logger.exception("referral attribution of order %s failed", order_id)
    return results


def _attribute_batch(ids: list[int]) -> dict[int, Referral | None]:
    from django.db.models import F

    from flywheel.commerce.models import Order
    from flywheel.core.services import record_activities

    orders = list(
        Order.objects.select_related("customer")
        .filter(pk__in=ids)
        .order_by(F("placed_at").asc(nulls_last=True), "pk")
    )
    results: dict[int, Referral | None] = dict.fromkeys(ids)
    converted = {
        referral.first_order_id: referral
        for referral in Referral.objects.filter(first_order_id__in=[order.pk for order in orders])
    }
    candidates = []
    for order in orders:
        if (referral := converted.get(order.pk)) is not None:
            _follow_order_lifecycle(referral, order)
            results[order.pk] = referral
            continue
        if not order.counts_as_purchase:
            continue
        email = _friend_email(order)
        key = fraud.canonical_email(email) if email else f"customer:{order.customer_id}"
        if key != "customer:None":
            candidates.append((order, key, email))
    if not candidates:
        return results
    attributions = _orders_attribution([order for order, _key, _email in candidates])
    known = {
        referral.referred_key: referral
        for referral in Referral.objects.select_for_update(of=("self",))
        .select_related("referrer", "code", "click")
        .filter(referred_key__in={key for _order, key, _email in candidates})
    }
    new: list[Referral] = []
    conversions: list[tuple[Referral, object]] = []
    for order, key, email in candidates:
        code, source = attributions[order.pk]
        referral = known.get(key)
        if referral is None:
            if code is None:
                continue
            referral = Referral(
                referrer=code.member,
                code=code,
                referred_key=key,
                referred_email=email,
                source=source,
                created_at=order.placed_at or timezone.now(),
            )
            known[key] = referral
            new.append(referral)
        elif referral.first_order_id is not None or referral.status != ReferralStatus.SIGNED_UP:
            results[order.pk] = referral  # only the friend's first paid order converts
            continue
        elif code is not None and last_touch() and code.member_id != referral.referrer_id:
            referral.referrer, referral.code, referral.source = code.member, code, source
        elif referral.source == Source.SIGNUP:
            referral.source = source or Source.EMAIL
        _take_order(referral, order)
        conversions.append((referral, order))
        results[order.pk] = referral
    if not conversions:
        return results
    lookups = _Lookups.fetch(conversions)
    for referral, order in conversions:
        reasons = fraud.referral_reasons(lookups.evidence(referral, order))
        referral.reasons = reasons
        if set(reasons) & fraud.REJECT_OUTRIGHT:
            referral.status = ReferralStatus.REJECTED
        elif reasons:
            referral.status = ReferralStatus.HELD
        else:
            referral.status = ReferralStatus.PENDING
        if referral.referred_member_id == referral.referrer_id:
            referral.referred_member_id = None
        lookups.note_conversion(referral)
    Referral.objects.bulk_create(new)
    fresh = {id(referral) for referral in new}
    existing = [referral for referral, _order in conversions if id(referral) not in fresh]
    if existing:
        Referral.objects.bulk_update(existing, CONVERSION_FIELDS)
    rewarded = [r for r, _order in conversions if r.status == ReferralStatus.PENDING]
    bonus = lookups.ambassador_bonus({referral.referrer_id for referral in rewarded})
    record_activities(
        _conversion_activity(referral, bonus.get(referral.referrer_id, 0)) for referral in rewarded
    )
    for referral, _order in conversions:
        if referral.status == ReferralStatus.HELD:
            queue.open_queue_item(referral)
        logger.info("referral %s converted: %s %s", referral.pk, referral.status, referral.reasons)
    return results


CONVERSION_FIELDS = [
    "referrer",
    "code",
    "source",
    "first_order",
    "order_total",
    "order_currency",
    "converted_at",
    "referred_member",
    "reasons",
    "status",
]


def _take_order(referral: Referral, order) -> None:
    """The friend's first paid order becomes the referral's (checked next)."""
    referral.first_order = order
    referral.order_total = order.total
    referral.order_currency = order.currency
    referral.converted_at = order.placed_at or timezone.now()
    if referral.referred_member_id is None and order.customer and order.customer.member_id:
        if order.customer.member_id != referral.referrer_id:
            referral.referred_member_id = order.customer.member_id


class _Lookups:
    """What the fraud checks read for a batch of conversions, fetched once for all of them
    (one query per kind of fact, whatever the batch's size), and kept current as the batch
    converts: a conversion counts towards the next ones' caps and velocity."""

    def __init__(self) -> None:
        self.customers: dict[int, list] = {}
        self.order_addresses: dict[int, list[dict]] = {}
        self.emails: dict[int, list[str]] = {}
        self.devices: dict[int, list[fraud.Device]] = {}
        self.first_paid_by_customer: dict[int, datetime.datetime] = {}
        self.first_paid_by_email: dict[str, datetime.datetime] = {}
        self.ip_referrals: dict[str, list[tuple[int, datetime.datetime]]] = {}
        self.conversions: dict[int, list[tuple[object, datetime.datetime]]] = {}
        self.blocked: set[str] = set()
        self.flagged: set[int] = set()
        self.sanctions: dict[int, list[datetime.datetime]] = {}

    @classmethod
    def fetch(cls, conversions) -> _Lookups:
        from allauth.account.models import EmailAddress
        from django.db.models import F, Min, Window
        from django.db.models.functions import RowNumber, Upper

        from flywheel.commerce.models import Customer, Order
        from flywheel.moderation.models import Flag, FlagState, Sanction, SanctionKind
        from flywheel.privacy.signup_checks import blocked_domains
        from flywheel.trust.models import MemberTrust, TrustLevel

        lookups = cls()
        referrers = {referral.referrer_id for referral, _order in conversions}
        earliest = min(_order_time(order) for _referral, order in conversions)
        for customer in Customer.objects.filter(member_id__in=referrers).only(
            "pk", "member_id", "addresses"
        ):
            lookups.customers.setdefault(customer.member_id, []).append(customer)
        if lookups.customers:
            recent = (
                Order.objects.filter(customer__member_id__in=lookups.customers)
                .annotate(
                    row=Window(RowNumber(), partition_by=F("customer__member_id"), order_by="pk")
                )
                .filter(row__lte=20)
                .values_list("customer__member_id", "shipping_address")
            )
            for member_id, address in recent:
                lookups.order_addresses.setdefault(member_id, []).append(address)
        for user_id, email in EmailAddress.objects.filter(user_id__in=referrers).values_list(
            "user_id", "email"
        ):
            lookups.emails.setdefault(user_id, []).append(email)
        with_devices = {
            referral.referrer_id
            for referral, _order in conversions
            if referral.click_id or referral.signup_device_hash or referral.signup_fingerprint
        }
        if with_devices:
            for device in OwnerDevice.objects.filter(member_id__in=with_devices).order_by(
                "member_id", "-last_seen_at"
            ):
                own = lookups.devices.setdefault(device.member_id, [])
                if len(own) < 50:
                    own.append(
                        fraud.Device(
                            device_hash=device.device_hash,
                            fingerprint=device.fingerprint,
                            at=device.last_seen_at,
                        )
                    )
        # The friends' earliest paid order, by customer and by e-mail (the Order.email
        # UPPER index): an earlier one than this order makes a repeat customer.
        customer_ids = {order.customer_id for _r, order in conversions if order.customer_id}
        if customer_ids:
            lookups.first_paid_by_customer = dict(
                Order.objects.counting()
                .filter(customer_id__in=customer_ids)
                .values("customer_id")
                .annotate(first=Min("placed_at"))
                .values_list("customer_id", "first")
            )
        emails = {_friend_email(order).upper() for _r, order in conversions} - {""}
        if emails:
            lookups.first_paid_by_email = dict(
                Order.objects.counting()
                .annotate(email_upper=Upper("email"))
                .filter(email_upper__in=emails)
                .values("email_upper")
                .annotate(first=Min("placed_at"))
                .values_list("email_upper", "first")
            )
        ip_hashes = {referral.click.ip_hash for referral, _o in conversions if referral.click_id}
        ip_hashes.discard("")
        if ip_hashes:
            since = earliest - datetime.timedelta(days=fraud.IP_BURST_DAYS)
            for ip_hash, pk, created_at in Referral.objects.filter(
                click__ip_hash__in=ip_hashes, created_at__gte=since
            ).values_list("click__ip_hash", "pk", "created_at"):
                lookups.ip_referrals.setdefault(ip_hash, []).append((pk, created_at))
        since = earliest - datetime.timedelta(days=fraud.CONVERSION_DAYS)
        for referrer_id, pk, converted_at in Referral.objects.filter(
            referrer_id__in=referrers, converted_at__gte=since
        ).values_list("referrer_id", "pk", "converted_at"):
            lookups.conversions.setdefault(referrer_id, []).append((pk, converted_at))
        domains = {
            email.rsplit("@", 1)[1]
            for referral, order in conversions
            if "@" in (email := _friend_email(order) or referral.referred_email)
        }
        lookups.blocked = blocked_domains(domains) if domains else set()
        lookups.flagged = set(
            Flag.objects.filter(state=FlagState.UPHELD, review_item__subject_id__in=referrers)
            .values_list("review_item__subject_id", flat=True)
            .distinct()
        )
        since = earliest - datetime.timedelta(days=fraud.SANCTION_DAYS)
        for member_id, created_at in (
            Sanction.objects.filter(
                member_id__in=referrers, created_at__gte=since, revoked_at__isnull=True
            )
            .exclude(kind=SanctionKind.WARNING)
            .values_list("member_id", "created_at")
        ):
            lookups.sanctions.setdefault(member_id, []).append(created_at)
        levels = {
            member_id: locked if locked is not None else level
            for member_id, level, locked in MemberTrust.objects.filter(
                member_id__in=referrers
            ).values_list("member_id", "level", "locked_level")
        }
        for referral, _order in conversions:
            # trust_level_for reads the level remembered on the member.
            referral.referrer._flywheel_trust_level = levels.get(
                referral.referrer_id, TrustLevel.NEW
            )
        return lookups

    def note_conversion(self, referral: Referral) -> None:
        self.conversions.setdefault(referral.referrer_id, []).append(
            (referral.pk or id(referral), referral.converted_at)
        )

    def _had_earlier_orders(self, order) -> bool:
        from flywheel.commerce.models import Order

        email = _friend_email(order)
        if order.placed_at is None:  # rare: no time to compare with, so ask the database
            earlier = Order.objects.counting().exclude(pk=order.pk)
            return (
                order.customer_id is not None
                and earlier.filter(customer_id=order.customer_id).exists()
            ) or (bool(email) and earlier.filter(email__iexact=email).exists())
        firsts = [
            self.first_paid_by_customer.get(order.customer_id) if order.customer_id else None,
            self.first_paid_by_email.get(email.upper()) if email else None,
        ]
        return any(first is not None and first < order.placed_at for first in firsts)

    def evidence(self, referral: Referral, order) -> fraud.Evidence:
        referrer = referral.referrer
        member_id = referral.referrer_id
        customers = self.customers.get(member_id, [])
        addresses: list[dict] = []
        for customer in customers:
            addresses += [a for a in customer.addresses or [] if isinstance(a, dict)]
        addresses += self.order_addresses.get(member_id, [])
        friend_names = [
            f"{address.get('first_name', '')} {address.get('last_name', '')}"
            for address in (order.shipping_address, order.billing_address)
            if isinstance(address, dict)
        ]
        if order.customer is not None:
            friend_names.append(order.customer.name)
        click = referral.click if referral.click_id else None
        friend_devices = []
        if click is not None:
            friend_devices.append(
                fraud.Device(
                    device_hash=click.device_hash,
                    fingerprint=fingerprint(ip_hash=click.ip_hash, user_agent=click.user_agent),
                    at=click.created_at,
                )
            )
        if referral.signup_device_hash or referral.signup_fingerprint:
            friend_devices.append(
                fraud.Device(
                    device_hash=referral.signup_device_hash,
                    fingerprint=referral.signup_fingerprint,
                    at=referral.created_at,
                )
            )
        at = _order_time(order)
        own_key = referral.pk or id(referral)
        month = at - datetime.timedelta(days=fraud.CONVERSION_DAYS)
        day = at - datetime.timedelta(days=1)
        others = [when for key, when in self.conversions.get(member_id, []) if key != own_key]
        email = _friend_email(order) or referral.referred_email
        ip_hash = click.ip_hash if click else ""
        week = at - datetime.timedelta(days=fraud.IP_BURST_DAYS)
        year = at - datetime.timedelta(days=fraud.SANCTION_DAYS)
        evidence = fraud.Evidence(
            referrer_devices=self.devices.get(member_id, []) if friend_devices else [],
            friend_devices=friend_devices,
            referrer=referrer,
            referrer_emails=[referrer.email] + self.emails.get(member_id, []),
            referrer_customer_ids=[customer.pk for customer in customers],
            referrer_names=[n for n in (referrer.get_full_name(), referrer.display_name) if n],
            referrer_addresses=addresses,
            referrer_ip_hash=referral.code.owner_ip_hash,
            referrer_ip_seen_at=referral.code.owner_ip_seen_at,
            friend_member_id=referral.referred_member_id
            or (order.customer.member_id if order.customer else None),
            friend_email=email,
            friend_customer_id=order.customer_id,
            friend_names=friend_names,
            friend_addresses=[order.shipping_address, order.billing_address],
            click_ip_hash=ip_hash,
            click_at=click.created_at if click else None,
            friend_had_earlier_orders=self._had_earlier_orders(order),
            at=at,
            referral_id=referral.pk,
            ip_referrals_this_week=sum(
                1
                for pk, created_at in self.ip_referrals.get(ip_hash, [])
                if pk != referral.pk and created_at >= week
            ),
            disposable_domain="@" in email and email.rsplit("@", 1)[1] in self.blocked,
            has_upheld_flags=member_id in self.flagged,
            is_sanctioned=any(when >= year for when in self.sanctions.get(member_id, [])),
        )
        evidence._conversions = {
            "month": sum(1 for when in others if when >= month),
            "day": sum(1 for when in others if when >= day),
        }
        return evidence

    @staticmethod
    def ambassador_bonus(member_ids: set[int]) -> dict[int, int]:
        if not member_ids:
            return {}
        return dict(
            Ambassador.objects.filter(member_id__in=member_ids, left_at__isnull=True).values_list(
                "member_id", "tier__bonus_points"
            )
        )


def _order_time(order) -> datetime.datetime:
    return order.placed_at or timezone.now()


def _conversion_activity(referral: Referral, bonus: int) -> dict:
    """`referral_converted` (record_activity's arguments): earns the referrer the rewards
    rules' points, pending through the refund window from the order's time. Ambassadors'
    tier bonus rides in the payload (a rule with amount_key "bonus_points" pays it)."""
    return {
        "actor": referral.referrer,
        "verb": Verb.REFERRAL_CONVERTED,
        "target": referral,
        "payload": {
            "order_id": referral.first_order_id,
            "total": str(referral.order_total),
            "currency": referral.order_currency,
            "bonus_points": bonus,
            "source": referral.source,
        },
        "dedupe_key": f"referral_converted:{referral.pk}",
        "at": referral.converted_at,
    }


def _record_conversion(referral: Referral) -> None:
    """`referral_converted` for one referral (staff approving a held one)."""
    bonus = _Lookups.ambassador_bonus({referral.referrer_id}).get(referral.referrer_id, 0)
    record_activity(**_conversion_activity(referral, bonus))


def _record_reversal(referral: Referral, *, reason: str, at=None) -> None:
    """`referral_rejected` takes the points back through the ledger, and store credit the
    referral earned is withdrawn in the shop."""
    withdraw_store_credit(referral=referral)
    record_activity(
        actor=referral.referrer,
        verb=Verb.REFERRAL_REJECTED,
        target=referral,
        payload={"reason": reason, "order_id": referral.first_order_id},
        dedupe_key=f"referral_rejected:{referral.pk}",
        at=at or timezone.now(),
    )


def _follow_order_lifecycle(referral: Referral, order) -> None:
    """A refund or cancellation of the first order inside the refund window undoes it."""
    if referral.status not in (ReferralStatus.PENDING, ReferralStatus.HELD):
        return
    undone = not order.counts_as_purchase or order.refunded_total > 0
    if not undone or referral.converted_at is None:
        return
    if timezone.now() > referral.converted_at + refund_window():
        return
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if referral.status not in (ReferralStatus.PENDING, ReferralStatus.HELD):
            return
        was_rewarded = referral.status == ReferralStatus.PENDING
        was_held = referral.status == ReferralStatus.HELD
        referral.status = ReferralStatus.REVERSED
        referral.save(update_fields=["status"])
        if was_held:  # nothing left for staff to decide
            queue.close_queue_item(referral, by=None, resolution="reversed")
        if was_rewarded:
            # At the shop's time of the change (a replayed or late webhook is not "now").
            _record_reversal(
                referral,
                reason="order_refunded_or_cancelled",
                at=min(order.platform_updated_at or timezone.now(), timezone.now()),
            )


def approve_matured_referrals(*, now=None) -> int:
    """Pending referrals whose refund window has passed are rewarded for good (the rewards
    task approves the points themselves)."""
    now = now or timezone.now()
    matured = Referral.objects.filter(
        status=ReferralStatus.PENDING, converted_at__lte=now - refund_window()
    )
    count = 0
    for referral in matured.select_related("referrer"):
        with transaction.atomic():
            updated = Referral.objects.filter(pk=referral.pk, status=ReferralStatus.PENDING).update(
                status=ReferralStatus.APPROVED
            )
            if updated:
                record_activity(
                    actor=referral.referrer,
                    verb=Verb.REFERRAL_APPROVED,
                    target=referral,
                    payload={"order_id": referral.first_order_id},
                    dedupe_key=f"referral_approved:{referral.pk}",
                    at=now,
                )
                grant_store_credit(referral=referral)
                count += 1
    return count


def store_credit_amount() -> Decimal | None:
    """FLYWHEEL_REFERRAL_STORE_CREDIT: the credit a referrer earns per rewarded referral, in
    the shop's currency ("" or unset: no store credit, points only)."""
    configured = str(getattr(settings, "FLYWHEEL_REFERRAL_STORE_CREDIT", "") or "").strip()
    if not configured:
        return None
    amount = Decimal(configured)
    return amount if amount.is_finite() and amount > 0 else None


def grant_store_credit(*, referral: Referral, amount: Decimal | None = None) -> StoreCredit | None:
    """The referrer's store credit for a rewarded referral, once (one row per referral):
    stored with its amount and the shop's currency, then issued in the shop through the
    outbound message `referrals.store_credit` (retried with backoff; see
    senders.send_store_credit). Given when the refund window has passed, because credit
    spent in the shop cannot be taken back. None when store credit is not configured."""
    from flywheel.core.outbound import enqueue_outbound

    amount = amount if amount is not None else store_credit_amount()
    if amount is None:
        return None
    if not amount.is_finite() or amount <= 0:
        raise InvalidInput(_("Store credit must be a positive amount."), field="amount")
    store = _first_store()
    with transaction.atomic():
        credit, created = StoreCredit.objects.get_or_create(
            referral=referral,
            defaults={
                "member_id": referral.referrer_id,
                "store": store,
                "amount": amount.quantize(Decimal("0.01")),
                "currency": store.currency if store else "",
                "code": keyed_code(purpose=STORE_CREDIT_KIND, key=referral.pk, length=16),
            },
        )
        if created and store is None:
            credit.state = CreditState.REFUSED
            credit.refusal = _("No shop is connected to issue the credit in.")
            credit.save(update_fields=["state", "refusal"])
        elif created:
            enqueue_outbound(
                kind=STORE_CREDIT_KIND,
                payload={"store_credit_id": credit.pk},
                dedupe_key=f"{STORE_CREDIT_KIND}:{credit.pk}",
                throttle_key=f"store:{store.pk}",
            )
    return credit


def issue_store_credit_in_shop(*, credit_id: int) -> StoreCredit | None:
    """The store credit's sender: issue it through the shop's adapter (a gift card or gift
    certificate keyed to the credit, so a retry never pays twice) and mark it issued. A shop
    that cannot hold store credit, or refuses this one for good, marks it refused with the
    shop's reason, shown to the member and staff. Other shop errors propagate (retried)."""
    from flywheel.commerce.adapters import get_adapter
    from flywheel.commerce.adapters.errors import InvalidStoreCredit, StoreCreditNotSupported

    credit = (
        StoreCredit.objects.select_related("store", "member", "referral")
        .filter(pk=credit_id)
        .first()
    )
    if credit is None or credit.state != CreditState.QUEUED:
        return credit
    if credit.store is None:
        return _refuse_credit(credit, _("No shop is connected to issue the credit in."))
    try:
        with get_adapter(credit.store) as adapter:
            issued = adapter.issue_store_credit(
                amount=credit.amount,
                currency=credit.currency,
                code=credit.code,
                customer_email=credit.member.email,
                note=_("Referral reward %(id)s") % {"id": credit.referral_id},
            )
    except (StoreCreditNotSupported, InvalidStoreCredit) as error:
        return _refuse_credit(credit, str(error))
    updated = StoreCredit.objects.filter(pk=credit.pk, state=CreditState.QUEUED).update(
        state=CreditState.ISSUED, platform_reference=issued.platform_id, issued_at=timezone.now()
    )
    if not updated:
        # The referral was rejected while the shop was issuing it: withdraw what it issued.
        with transaction.atomic():
            credit = StoreCredit.objects.select_for_update().get(pk=credit.pk)
            if credit.state == CreditState.WITHDRAWN and credit.withdrawn_at is None:
                credit.state, credit.platform_reference = CreditState.ISSUED, issued.platform_id
                credit.issued_at = timezone.now()
                credit.save(update_fields=["state", "platform_reference", "issued_at"])
                _queue_withdrawal(credit)
    credit.refresh_from_db()
    return credit


def withdraw_store_credit(*, referral: Referral) -> StoreCredit | None:
    """The referral was rejected or reversed: its store credit must not be spent. Credit not
    issued yet is cancelled here (its sender finds it withdrawn and issues nothing; if the
    shop was issuing it at that moment, the sender withdraws what it issued); issued credit
    is withdrawn in the shop by the outbound message `referrals.store_credit_withdrawal`
    (retried with backoff, dead-lettered with the shop's reason for staff). Once per
    credit; None when the referral earned none."""
    with transaction.atomic():
        credit = StoreCredit.objects.select_for_update().filter(referral=referral).first()
        if credit is None:
            return None
        if credit.state == CreditState.QUEUED:
            # withdrawn_at stays empty: nothing existed in the shop to withdraw (yet).
            credit.state = CreditState.WITHDRAWN
            credit.save(update_fields=["state"])
        elif credit.state == CreditState.ISSUED:
            _queue_withdrawal(credit)
    return credit


def _queue_withdrawal(credit: StoreCredit) -> None:
    from flywheel.core.outbound import enqueue_outbound

    StoreCredit.objects.filter(pk=credit.pk).update(state=CreditState.WITHDRAWING)
    credit.state = CreditState.WITHDRAWING
    enqueue_outbound(
        kind=STORE_CREDIT_WITHDRAWAL_KIND,
        payload={"store_credit_id": credit.pk},
        dedupe_key=f"{STORE_CREDIT_WITHDRAWAL_KIND}:{credit.pk}",
        throttle_key=f"store:{credit.store_id}" if credit.store_id else "",
    )


def withdraw_store_credit_in_shop(*, credit_id: int) -> StoreCredit | None:
    """The withdrawal's sender: disable the gift card, delete the gift certificate or the
    coupon through the shop's adapter (idempotent there), then mark the credit withdrawn.
    Shop errors propagate (the outbound path retries them)."""
    from flywheel.commerce.adapters import get_adapter

    credit = StoreCredit.objects.select_related("store").filter(pk=credit_id).first()
    if credit is None or credit.state != CreditState.WITHDRAWING:
        return credit
    if credit.store is None:
        raise InvalidInput(_("No shop is connected to withdraw the credit in."), field="store")
    with get_adapter(credit.store) as adapter:
        adapter.revoke_store_credit(platform_id=credit.platform_reference, code=credit.code)
    StoreCredit.objects.filter(pk=credit.pk, state=CreditState.WITHDRAWING).update(
        state=CreditState.WITHDRAWN, withdrawn_at=timezone.now()
    )
    credit.refresh_from_db()
    logger.info("store credit %s withdrawn in the shop", credit.pk)
    return credit


def record_store_credit(
    *, referral: Referral, amount: Decimal, currency: str, platform_reference: str = ""
) -> StoreCredit:
    """Remember store credit the shop has issued for a referral (once per referral), without
    the adapter: the demo, whose shop cannot be reached, records its credit here."""
    if not amount.is_finite() or amount <= 0:
        raise InvalidInput(_("Store credit must be a positive amount."), field="amount")
    credit, _created = StoreCredit.objects.get_or_create(
        referral=referral,
        defaults={
            "member_id": referral.referrer_id,
            "amount": amount.quantize(Decimal("0.01")),
            "currency": currency.upper()[:3],
            "code": keyed_code(purpose=STORE_CREDIT_KIND, key=referral.pk, length=16),
            "state": CreditState.ISSUED,
            "platform_reference": platform_reference[:200],
            "issued_at": timezone.now(),
        },
    )
    return credit


def _refuse_credit(credit: StoreCredit, reason: str) -> StoreCredit:
    logger.warning("store credit %s refused: %s", credit.pk, reason)
    StoreCredit.objects.filter(pk=credit.pk, state=CreditState.QUEUED).update(
        state=CreditState.REFUSED, refusal=reason[:500]
    )
    credit.refresh_from_db()
    return credit


# ------------------------------------------------------------------------------ staff review


def _check_staff(by) -> None:
    if not fraud.is_staff(by):
        raise InvalidInput(_("Only staff can review referrals."), field="referral")


def approve_held_referral(*, referral: Referral, by) -> Referral:
    """Staff clear a held referral: it is rewarded like any other (pending its window)."""
    _check_staff(by)
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if referral.status != ReferralStatus.HELD:
            raise Conflict(_("This referral is not waiting for review."))
        referral.status = ReferralStatus.PENDING
        referral.reviewed_at, referral.reviewed_by = timezone.now(), by
        referral.save(update_fields=["status", "reviewed_at", "reviewed_by"])
        _record_conversion(referral)
        queue.close_queue_item(referral, by=by, resolution="approved")
    return referral


def reject_referral(*, referral: Referral, by) -> Referral:
    """Staff reject a referral as fraud; any points it earned are taken back."""
    _check_staff(by)
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if referral.status in (ReferralStatus.REJECTED, ReferralStatus.REVERSED):
            return referral
        was_rewarded = referral.status in (ReferralStatus.PENDING, ReferralStatus.APPROVED)
        referral.status = ReferralStatus.REJECTED
        referral.reviewed_at, referral.reviewed_by = timezone.now(), by
        referral.save(update_fields=["status", "reviewed_at", "reviewed_by"])
        if was_rewarded:
            _record_reversal(referral, reason="rejected_by_staff")
        queue.close_queue_item(referral, by=by, resolution="rejected")
    return referral


# ------------------------------------------------------------------------------ ambassadors


def apply_for_ambassador(
    *, member, why: str, social_profiles: str, audience_size: int
) -> AmbassadorApplication:
    why = (why or "").strip()
    if not why:
        raise InvalidInput(_("Tell us why you want to be an ambassador."), field="why")
    if len(why) > 2000:
        raise InvalidInput(_("Keep it under 2000 characters."), field="why")
    profiles = [line.strip() for line in (social_profiles or "").splitlines() if line.strip()]
    if not profiles or not all(re.match(r"^https?://\S+$", line) for line in profiles):
        raise InvalidInput(
            _("Give at least one profile link, one per line, starting with https://."),
            field="social_profiles",
        )
    if not isinstance(audience_size, int) or audience_size < 0 or audience_size > 10**9:
        raise InvalidInput(_("Give your audience size as a whole number."), field="audience_size")
    if Ambassador.objects.filter(member=member, left_at__isnull=True).exists():
        raise Conflict(_("You are already an ambassador."))
    try:
        with transaction.atomic():
            return AmbassadorApplication.objects.create(
                member=member,
                why=why,
                social_profiles="\n".join(profiles)[:1000],
                audience_size=audience_size,
            )
    except IntegrityError as error:
        raise Conflict(_("Your application is already waiting for review.")) from error


def define_ambassador_tier(
    *,
    slug: str,
    name: str,
    rank: int,
    commission_percent: Decimal,
    bonus_points: int = 0,
    perk: str = "",
) -> AmbassadorTier:
    """Create or update a tier by its slug (staff usually do this in the admin; the demo
    and set-up scripts call it)."""
    tier = AmbassadorTier.objects.filter(slug=slug).first() or AmbassadorTier(slug=slug)
    tier.name, tier.rank, tier.commission_percent = name, rank, commission_percent
    tier.bonus_points, tier.perk = bonus_points, perk
    try:
        tier.full_clean()
    except ValidationError as error:
        field = next(iter(error.message_dict), "tier")
        raise InvalidInput(error.message_dict[field][0], field=field) from error
    tier.save()
    return tier


def approve_application(
    *, application: AmbassadorApplication, tier: AmbassadorTier, by
) -> Ambassador:
    _check_staff(by)
    with transaction.atomic():
        application = AmbassadorApplication.objects.select_for_update().get(pk=application.pk)
        if application.status != ApplicationStatus.PENDING:
            raise Conflict(_("This application was already reviewed."))
        application.status = ApplicationStatus.APPROVED
        application.reviewed_at, application.reviewed_by = timezone.now(), by
        application.save(update_fields=["status", "reviewed_at", "reviewed_by"])
        ambassador, _created = Ambassador.objects.update_or_create(
            member=application.member,
            defaults={"tier": tier, "left_at": None, "joined_at": timezone.now()},
        )
    return ambassador


def decline_application(*, application: AmbassadorApplication, by) -> AmbassadorApplication:
    _check_staff(by)
    updated = AmbassadorApplication.objects.filter(
        pk=application.pk, status=ApplicationStatus.PENDING
    ).update(status=ApplicationStatus.DECLINED, reviewed_at=timezone.now(), reviewed_by=by)
    if not updated:
        raise Conflict(_("This application was already reviewed."))
    application.refresh_from_db()
    return application


def create_vanity_code(
    *, ambassador: Ambassador, code: str, percent: Decimal, store, by
) -> ReferralCode:
    """A vanity code such as ANNA10: created in the shop as a multi-use discount code (each
    customer once) and usable as a share link. Unique across all referral codes. With no
    store (none connected yet, or the demo's, which cannot be reached) it is a link only,
    still attributed when an order carries it."""
    from flywheel.commerce.adapters import get_adapter
    from flywheel.commerce.adapters.errors import StoreAdapterError

    _check_staff(by)
    code = (code or "").strip().upper()
    if not VANITY_PATTERN.match(code):
        raise InvalidInput(_("Use 4 to 20 letters and digits, e.g. ANNA10."), field="code")
    if not ambassador.is_active:
        raise Conflict(_("This ambassador has left the programme."))
    if not (Decimal("0") < percent <= Decimal("50")):
        raise InvalidInput(_("Give a discount between 0 and 50 per cent."), field="percent")
    if ReferralCode.objects.filter(code=code).exists():
        raise InvalidInput(_("This code is taken."), field="code")
    reference = ""
    if store is not None:
        try:
            with get_adapter(store) as adapter:
                created = adapter.create_discount_code(
                    code=code,
                    kind="percentage",
                    value=percent,
                    currency=store.currency,
                    usage_limit=None,
                    once_per_customer=True,
                )
        except StoreAdapterError as error:
            raise Conflict(_("The shop refused the code: %(error)s") % {"error": error}) from error
        reference = created.reference
    try:
        with transaction.atomic():
            return ReferralCode.objects.create(
                member=ambassador.member,
                code=code,
                kind=CodeKind.VANITY,
                store=store,
                discount_percent=percent,
                platform_reference=reference,
            )
    except IntegrityError as error:
        raise InvalidInput(_("This code is taken."), field="code") from error


def retire_ambassador(*, ambassador: Ambassador, by) -> Ambassador:
    """The ambassador leaves: their vanity codes are disabled in the shop and retired here
    (the personal link keeps working, as for any member)."""
    from flywheel.commerce.adapters import get_adapter

    _check_staff(by)
    for code in ReferralCode.objects.filter(
        member=ambassador.member, kind=CodeKind.VANITY, retired_at__isnull=True
    ).select_related("store"):
        if code.store is not None and code.platform_reference:
            with get_adapter(code.store) as adapter:
                adapter.disable_discount_code(platform_id=code.platform_reference)
        code.retired_at = timezone.now()
        code.save(update_fields=["retired_at"])
    ambassador.left_at = timezone.now()
    ambassador.save(update_fields=["left_at"])
    return ambassador
