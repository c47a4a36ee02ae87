"""In Chromium: a member earns points for a reply, reaches a tier, redeems a store discount
(a real code from the commerce tests' local fake Shopify server) and finds the code in the
wallet.

The browser runs in a thread of its own, launched with tests/browser/conftest.py's chromium
and settings: Playwright's sync API allows one instance per thread, and tests/browser's
session-wide browser may already be running in this one when both folders run together."""

import re
import threading
from decimal import Decimal

import pytest
from playwright.sync_api import expect, sync_playwright

from flywheel.rewards.models import PointsAccount, Redemption
from tests.browser.conftest import (
    CHROMIUM_ARGS,
    chromium_path,
    navbar,
    screenshot,
    sign_in,
    verified_member,
)
from tests.commerce.fake_store import connect_fake_shop
from tests.factories import make_topic
from tests.rewards.conftest import make_perk, make_rule, make_tier

pytestmark = pytest.mark.browser


def run_in_browser(steps) -> None:
    """Run steps(page) in a fresh Chromium page in its own thread; re-raise what failed."""
    executable = chromium_path()
    failures: list[BaseException] = []

    def target() -> None:
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=executable, headless=True, args=CHROMIUM_ARGS
                )
                context = browser.new_context(
                    viewport={"width": 1280, "height": 900}, locale="en-US"
                )
                context.set_default_timeout(15_000)
                try:
                    steps(context.new_page())
                finally:
                    browser.close()
        except BaseException as error:  # noqa: BLE001 - re-raised in the test's thread
            failures.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if failures:
        raise failures[0]


def test_member_earns_for_a_reply_levels_up_and_redeems_a_discount(live_server, settings):
    store, shop = connect_fake_shop("shopify", settings, currency="EUR")
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
    seen: dict[str, str] = {}

    def steps(page) -> None:
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
        seen["code"] = card.locator("[data-code]").inner_text()

        page.goto(f"{live_server.url}/rewards/wallet/")
        expect(page.locator("#wallet-balance")).to_have_text("15")
        expect(page.locator("#wallet-redemptions [data-code]")).to_have_text(seen["code"])
        expect(page.locator("#wallet-tier")).to_contain_text("Insider")  # spending never demotes
        screenshot(page, "rewards-wallet-after")

    try:
        run_in_browser(steps)
    finally:
        shop.stop()
    code = seen["code"]
    assert re.fullmatch(r"[A-Z0-9]{6,}", code)
    assert [c["code"] for c in shop.discount_codes.values()] == [code]
    assert PointsAccount.objects.get(member=member).balance == 15
    redemption = Redemption.objects.get(member=member)
    assert (redemption.status, redemption.code) == (Redemption.Status.FULFILLED, code)
    assert store.pk
