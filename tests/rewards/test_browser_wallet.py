"""In Chromium: a member earns points for a reply, reaches a tier, redeems a store discount
(a real code from the local fake Shopify server) and finds the code in the wallet."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from flywheel.rewards.models import PointsAccount, Redemption
from tests.browser.conftest import navbar, screenshot, sign_in, verified_member
from tests.commerce.fake_store import connect_fake_shop
from tests.factories import make_topic
from tests.rewards.conftest import make_perk, make_rule, make_tier

pytestmark = pytest.mark.browser


def test_member_earns_for_a_reply_levels_up_and_redeems_a_discount(page, live_server, settings):
    store, shop = connect_fake_shop("shopify", settings, currency="EUR")
    try:
        make_rule(name="Helpful reply", verb="reply_created", points=40, min_length=20)
        make_tier(rank=1, name="Insider", slug="insider", min_points=30)
        make_tier(rank=2, name="Gold", slug="gold", min_points=100)
        perk = make_perk(
            name="10% off your next order",
            kind="discount_code",
            cost_points=25,
            discount_kind="percentage",
            discount_value=Decimal("10"),
            content="",
        )
        topic = make_topic(title="Which stove for winter camping?")
        member = verified_member(display_name="Rhea Reward")

        sign_in(page, live_server, email=member.email)
        page.goto(f"{live_server.url}{topic.get_absolute_url()}")
        page.get_by_label("Your reply").fill(
            "A canister stove with a pressure regulator works well."
        )
        page.get_by_role("button", name="Post reply").click()
        expect(page.locator("article#post-2")).to_be_visible()

        menu = navbar(page)
        toggler = menu.get_by_role("button", name="Toggle navigation")
        if toggler.is_visible():
            toggler.click()
        menu.get_by_role("link", name="Wallet").click()
        expect(page.locator("#wallet-balance")).to_have_text("40")
        expect(page.locator("#wallet-tier")).to_contain_text("Insider")
        expect(page.locator("#wallet-tier")).to_contain_text("60 more points to Gold")
        expect(page.locator("#wallet-history")).to_contain_text("Helpful reply")
        screenshot(page, "rewards-wallet-before")

        page.goto(f"{live_server.url}/rewards/perks/")
        card = page.locator(f"#perk-{perk.pk}")
        card.get_by_role("button", name="Redeem").click()
        expect(card).to_contain_text("Redeemed!")
        code = card.locator("[data-code]").inner_text()
        assert re.fullmatch(r"[A-Z0-9]{6,}", code)
        assert [c["code"] for c in shop.discount_codes.values()] == [code]

        page.goto(f"{live_server.url}/rewards/wallet/")
        expect(page.locator("#wallet-balance")).to_have_text("15")
        expect(page.locator("#wallet-redemptions [data-code]")).to_have_text(code)
        expect(page.locator("#wallet-tier")).to_contain_text("Insider")  # spending never demotes
        screenshot(page, "rewards-wallet-after")
        assert PointsAccount.objects.get(member=member).balance == 15
        assert Redemption.objects.get(member=member).status == Redemption.Status.FULFILLED
        assert store.pk
    finally:
        shop.stop()
