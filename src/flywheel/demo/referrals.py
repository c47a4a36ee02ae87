"""The demo's referral programme: two ambassadors and two referrers with a few months of
clicks, referred sign-ups and friends' first orders, written through `referrals.services`
and `commerce.services.upsert_order` as real clicks, sign-ups and store webhooks would.

The demo store cannot be reached (it has no API token and no real shop), so nothing here
calls a shop adapter: the ambassadors' vanity codes are links only and the friends' welcome
codes are recorded locally (`services.record_friend_code`). Rows the services stamp "now"
(clicks, applications, ambassadors) are moved back to their planned moment right after the
call, as the community stages do. Every step checks whether it already happened, so a
second run writes nothing.
"""

import datetime as dt
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from flywheel.commerce import services as commerce
from flywheel.commerce.models import Order, Store
from flywheel.core.models import Activity, Verb
from flywheel.demo.plan import Plan, PlannedMember
from flywheel.demo.store import CURRENCY, DOMAIN, PRODUCTS, planned_orders
from flywheel.moderation.services import hash_ip
from flywheel.referrals import services as referrals
from flywheel.referrals.models import (
    Ambassador,
    AmbassadorApplication,
    CodeKind,
    LinkTarget,
    Referral,
    ReferralClick,
    ReferralCode,
    ReferralStatus,
)
from flywheel.trust.models import TrustLevel
from flywheel.trust.queries import trust_level_for
from flywheel.trust.services import set_locked_level

DAY = 24 * 3600
STORE_CREDIT = Decimal("10.00")
DEMO_AGENT = "Mozilla/5.0 (demo)"
TIERS = [
    # slug, name, rank, commission %, bonus points per first order, perk
    ("trailblazer", "Trailblazer", 1, Decimal("5"), 50, "Early access to new gear"),
    ("summit", "Summit", 2, Decimal("10"), 100, "A Summit Series jacket each season"),
]


@dataclass(frozen=True)
class FriendOrder:
    """A friend's first order, and what happens to it."""

    number: int
    owner: int  # index into the programme's code owners
    email: str
    days_ago: int
    how: str  # "code" (the vanity code at checkout), "ref" (the link's ?ref=) or "email"
    refunded_days_later: int | None = None
    name: str = "Sam Friend"


def _friend_orders(owners: list[PlannedMember]) -> list[FriendOrder]:
    """Fixed: every demo gets the same story. Owners 0 and 1 are ambassadors (vanity code at
    checkout), 2 and 3 plain members (their link's ref on the order's landing page)."""
    orders = []
    for index, days_ago in enumerate([150, 132, 118, 96, 81, 67, 52, 44, 20, 9]):
        orders.append(
            FriendOrder(len(orders), 0, f"trail.friend{index}@hikers.example", days_ago, "code")
        )
    for index, days_ago in enumerate([140, 101, 73, 38, 12]):
        orders.append(
            FriendOrder(len(orders), 1, f"camp.friend{index}@hikers.example", days_ago, "code")
        )
    for index, days_ago in enumerate([110, 61, 15]):
        orders.append(FriendOrder(len(orders), 2, f"pal{index}@walkers.example", days_ago, "ref"))
    orders.append(FriendOrder(len(orders), 3, "buddy0@walkers.example", 47, "ref"))
    # Refunded inside the refund window: the referrer's points are reversed.
    orders.append(
        FriendOrder(
            len(orders), 0, "changed.mind@hikers.example", 16, "code", refunded_days_later=5
        )
    )
    # The referrer's own mailbox behind a +tag: rejected outright as a self-referral.
    local, _at, domain = owners[2].email.partition("@")
    orders.append(FriendOrder(len(orders), 2, f"{local}+gift@{domain}", 25, "ref"))
    # A throwaway address: held for staff review with the reason shown.
    orders.append(FriendOrder(len(orders), 1, "deal.hunter@mailinator.com", 6, "code"))
    return orders


def _programme_people(plan: Plan, buyers: set[str]):
    """The two ambassadors and two referrers: the longest-standing regular members; the
    referred sign-ups: recent members who had not bought before."""
    regulars = sorted(
        (member for member in plan.members if not member.is_brand_team),
        key=lambda member: (-member.joined_s, member.email),
    )
    owners = regulars[:4]
    newcomers = [
        member
        for member in reversed(regulars)
        if member not in owners and member.email not in buyers and member.joined_s > 4 * DAY
    ][:3]
    return owners, newcomers


class ReferralSeeder:
    def __init__(self, plan: Plan, *, anchor: dt.datetime, progress):
        self.plan = plan
        self.anchor = anchor
        self.progress = progress
        self.created = 0
        self.store = Store.objects.filter(domain=DOMAIN).first()
        users = get_user_model().objects.filter(email__in=[m.email for m in plan.members])
        self.users = {user.email: user for user in users}
        self.staff = next(
            (
                self.users[m.email]
                for m in plan.members
                if m.role == "owner" and m.email in self.users
            ),
            None,
        )
        self.click_type = ContentType.objects.get_for_model(ReferralClick)

    def ago(self, seconds: int) -> dt.datetime:
        return self.anchor - dt.timedelta(seconds=seconds)

    def run(self) -> int:
        if self.store is None or self.staff is None:
            return 0
        buyers = {order["email"] for order in planned_orders(self.plan, anchor=self.anchor)}
        owners, newcomers = _programme_people(self.plan, buyers)
        if len(owners) < 4:
            return 0
        members = [self.users[owner.email] for owner in owners]
        self.ensure_trust(members)
        tiers = [
            referrals.define_ambassador_tier(
                slug=slug,
                name=name,
                rank=rank,
                commission_percent=percent,
                bonus_points=bonus,
                perk=perk,
            )
            for slug, name, rank, percent, bonus, perk in TIERS
        ]
        codes = [
            self.ensure_ambassador(members[0], tier=tiers[1], joined_days_ago=170),
            self.ensure_ambassador(members[1], tier=tiers[0], joined_days_ago=150),
            referrals.code_for_member(members[2]),
            referrals.code_for_member(members[3]),
        ]
        for index, code in enumerate(codes):
            self.ensure_clicks(code, count=[34, 21, 9, 5][index], first_days_ago=160, number=index)
        for index, newcomer in enumerate(newcomers):
            self.ensure_referred_signup(
                self.users[newcomer.email], code=codes[index % 4], number=index
            )
        for friend in _friend_orders(owners):
            self.ensure_friend_order(friend, code=codes[friend.owner])
        # The hourly job, as of the demo's end: referrals past the refund window are rewarded.
        referrals.approve_matured_referrals(now=self.anchor)
        # The third referrer's programme pays store credit too (a gift card in the shop,
        # recorded here because the demo shop cannot be reached).
        for referral in Referral.objects.filter(
            referrer=members[2], status=ReferralStatus.APPROVED
        ).order_by("pk"):
            referrals.record_store_credit(referral=referral, amount=STORE_CREDIT, currency=CURRENCY)
        self.progress("referrals: ambassadors, clicks, sign-ups and first orders")
        return self.created

    # Steps ------------------------------------------------------------------------------------

    def ensure_trust(self, members) -> None:
        """The fraud checks hold referrals of low-trust referrers. The demo's history has no
        visits or reading time for the trust job to count, so staff promote the programme's
        members to level 2, as they would someone they know (pinned, then unpinned: the
        level stays until the periodic pass says otherwise)."""
        for member in members:
            if trust_level_for(member) < TrustLevel.MEMBER:
                set_locked_level(member=member, level=TrustLevel.MEMBER, by=self.staff)
                set_locked_level(member=member, level=None, by=self.staff)
                member._flywheel_trust_level = TrustLevel.MEMBER

    def ensure_ambassador(self, member, *, tier, joined_days_ago: int) -> ReferralCode:
        first_name = member.display_name.split()[0] if member.display_name else member.handle
        ascii_name = unicodedata.normalize("NFKD", first_name).encode("ascii", "ignore").decode()
        stem = "".join(ch for ch in ascii_name.upper() if ch.isalnum())
        vanity = (stem or "TRAIL")[:10] + "10"
        if not Ambassador.objects.filter(member=member).exists():
            with transaction.atomic():
                application = referrals.apply_for_ambassador(
                    member=member,
                    why="I take friends hiking every month and they always ask about my kit.",
                    social_profiles=f"https://instagram.example/{member.handle}",
                    audience_size=1800 + 700 * tier.rank,
                )
                ambassador = referrals.approve_application(
                    application=application, tier=tier, by=self.staff
                )
                applied = self.ago((joined_days_ago + 4) * DAY)
                AmbassadorApplication.objects.filter(pk=application.pk).update(
                    created_at=applied, reviewed_at=self.ago(joined_days_ago * DAY)
                )
                Ambassador.objects.filter(pk=ambassador.pk).update(
                    joined_at=self.ago(joined_days_ago * DAY)
                )
            self.created += 1
        code = ReferralCode.objects.filter(member=member, kind=CodeKind.VANITY).first()
        if code is None:
            ambassador = Ambassador.objects.get(member=member)
            # No store: the demo shop cannot be reached, so the code is a link only.
            code = referrals.create_vanity_code(
                ambassador=ambassador, code=vanity, percent=Decimal("10"), store=None, by=self.staff
            )
            ReferralCode.objects.filter(pk=code.pk).update(
                created_at=self.ago(joined_days_ago * DAY)
            )
        return code

    def ensure_clicks(self, code: ReferralCode, *, count: int, first_days_ago: int, number: int):
        if code.clicks.exists():
            return
        for index in range(count):
            # Spread over the months, a little denser lately, each from its own address.
            seconds_ago = int(first_days_ago * DAY * ((count - index) / count) ** 1.3) + 3600
            self.record_click(code, at=self.ago(seconds_ago), ip=f"198.51.{number}.{index + 1}")

    def record_click(
        self, code: ReferralCode, *, at: dt.datetime, ip: str, device_hash: str = ""
    ) -> ReferralClick:
        click, token = referrals.record_click(
            code=code,
            ip_hash=hash_ip(ip),
            user_agent=DEMO_AGENT,
            landing_path="/",
            target=LinkTarget.COMMUNITY,
            device_hash=device_hash,
        )
        ReferralClick.objects.filter(pk=click.pk).update(created_at=at)
        Activity.objects.filter(
            verb=Verb.REFERRAL_CLICKED, target_type=self.click_type, target_id=click.pk
        ).update(created_at=at)
        click.created_at = at
        self.created += 1
        return click, token

    def ensure_referred_signup(self, member, *, code: ReferralCode, number: int) -> None:
        if Referral.objects.filter(referred_member=member).exists():
            return
        # The second of them signed up on the referrer's own laptop (its device cookie):
        # their first order is held for review as "same device".
        device_hash = ""
        if number == 1:
            device_hash = referrals.hash_device(f"demo-device-{code.member.handle}")
            referrals.note_owner_device(
                member=code.member,
                device_hash=device_hash,
                ip_hash=hash_ip("192.0.2.10"),
                user_agent=DEMO_AGENT,
            )
        with transaction.atomic():
            _click, token = self.record_click(
                code,
                at=member.date_joined - dt.timedelta(hours=2),
                ip=f"203.0.113.{number + 1}",
                device_hash=device_hash,
            )
            referral = referrals.attribute_signup(
                member=member, token=token, device_hash=device_hash
            )
            if referral is None:
                return
            Referral.objects.filter(pk=referral.pk).update(created_at=member.date_joined)
            # Recorded here, before the sign-up's task runs on commit: it then finds the code
            # and leaves the unreachable demo shop alone.
            referrals.record_friend_code(
                referral=referral, code=f"WELCOME-{member.handle.upper()[:12]}"
            )
        self.created += 1
        # The first two of them have bought since, a few days after joining.
        if number in (0, 1):
            days_since_join = (self.anchor - member.date_joined).days
            self.ensure_friend_order(
                FriendOrder(
                    100 + number,
                    0,
                    member.email,
                    max(days_since_join - 3, 1),
                    "email",
                    name=member.display_name,
                ),
                code=code,
            )

    def ensure_friend_order(self, friend: FriendOrder, *, code: ReferralCode) -> None:
        external_id = f"demo-referral-{friend.number}"
        order = Order.objects.filter(store=self.store, external_id=external_id).first()
        if order is not None:
            return
        placed = self.ago(friend.days_ago * DAY + 5 * 3600)
        sku, title, price = PRODUCTS[friend.number % len(PRODUCTS)]
        discount = (price * Decimal("0.10")).quantize(Decimal("0.01"))
        total = price - discount if friend.how == "code" else price
        first, _space, last = friend.name.partition(" ")
        data = {
            "external_id": external_id,
            "number": str(9000 + friend.number),
            "customer": {
                "external_id": f"demo-customer-{friend.email}",
                "email": friend.email,
                "first_name": first,
                "last_name": last,
                "phone": "",
                "addresses": [],
                "accepts_marketing": False,
                "updated_at": None,
            },
            "email": friend.email,
            "currency": CURRENCY,
            "subtotal": price,
            "discount": discount if friend.how == "code" else Decimal("0.00"),
            "tax": Decimal("0.00"),
            "total": total,
            "financial_status": "paid",
            "fulfillment_status": "fulfilled",
            "cancelled_at": None,
            "placed_at": placed,
            "updated_at": placed,
            "discount_codes": [code.code] if friend.how == "code" else [],
            "landing_site": f"/?ref={code.code}" if friend.how == "ref" else "/",
            "billing_address": {},
            "shipping_address": {},
            "lines": [
                {
                    "external_id": f"{external_id}-0",
                    "product_external_id": sku,
                    "variant_external_id": f"{sku}-v",
                    "sku": sku,
                    "title": title,
                    "quantity": 1,
                    "price": price,
                    "total": price,
                }
            ],
            "refunds": [],
        }
        order = commerce.upsert_order(store=self.store, data=data)
        # The order hook hands the order to a task after commit (maybe to a broker nobody
        # runs during the demo); attributing here too is idempotent.
        referrals.attribute_order(order.pk)
        self.created += 1
        if friend.refunded_days_later is not None:
            refunded = placed + dt.timedelta(days=friend.refunded_days_later)
            data["financial_status"] = "refunded"
            data["updated_at"] = refunded
            data["refunds"] = [
                {
                    "external_id": f"{external_id}-refund",
                    "order_external_id": external_id,
                    "amount": total,
                    "currency": CURRENCY,
                    "lines": [],
                    "note": "Returned (demo)",
                    "refunded_at": refunded,
                }
            ]
            commerce.upsert_order(store=self.store, data=data)
            referrals.attribute_order(order.pk)


def seed_referrals(plan: Plan, *, anchor: dt.datetime, progress) -> int:
    """Write the demo's referral programme; returns how many rows were new."""
    return ReferralSeeder(plan, anchor=anchor, progress=progress).run()
