"""In Chromium: an owner opens the console, widens the period, and sees a new order's revenue."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from flywheel.accounts.models import Role
from flywheel.analytics import services
from flywheel.commerce.models import Store
from tests.analytics.dataset import order
from tests.browser.conftest import navbar, screenshot, sign_in, verified_member

pytestmark = pytest.mark.browser


def test_owner_changes_the_period_and_reads_revenue_a_new_order_changed(page, live_server):
    owner = verified_member(role=Role.OWNER, is_staff=True)
    buyer = verified_member()
    store = Store.objects.create(
        platform="shopify", domain="shop.example.com", webhook_secret="s", currency="EUR"
    )
    order(
        store, "b1", email=buyer.email, placed=timezone.now() - dt.timedelta(days=60), total="50.00"
    )
    services.update_rollups()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    sign_in(page, live_server, email=owner.email)
    navbar(page).get_by_role("link", name="Console").click()
    expect(page.get_by_role("heading", name="Community console")).to_be_visible()
    # The last 30 days hold no order; the 60-day-old one shows once the period is 90 days.
    expect(page.locator('[data-currency="EUR"]')).to_have_count(0)
    page.locator("#fw-period").select_option("90")
    page.wait_for_url("**/manage/?period=90*")
    revenue = page.locator('[data-currency="EUR"] [data-figure="Net revenue"] [data-figure-value]')
    expect(revenue).to_have_text("50.00")
    # Charts are drawn by the vendored Chart.js, fed by the page's JSON (no inline script).
    assert page.evaluate(
        "() => Array.from(document.querySelectorAll('canvas[data-chart]'))"
        ".every(canvas => window.Chart.getChart(canvas) !== undefined)"
    )

    order(store, "b2", email=buyer.email, placed=timezone.now(), total="25.00")
    services.update_rollups()
    page.reload()
    expect(revenue).to_have_text("75.00")
    screenshot(page, "console-dashboard")
    assert not [error for error in errors if "Content Security Policy" in error], errors


@pytest.mark.parametrize(("width", "name"), [(1280, "desktop"), (390, "phone")])
def test_the_voice_of_the_member_page_at_desktop_and_phone_widths(page, live_server, width, name):
    from flywheel.community import services as community
    from tests.factories import SpaceFactory

    owner = verified_member(role=Role.OWNER, is_staff=True)
    gear = SpaceFactory(name="Gear")
    for index, body in enumerate(
        [
            "The sleeping bag zipper broke again. Terrible.",
            "My sleeping bag zipper is stuck, awful quality.",
            "It would be great if you made the Summit boot in wide sizes.",
            "睡袋很暖和，睡袋也很轻。",
            "Il sacco a pelo è fantastico, il sacco a pelo più caldo.",
        ]
    ):
        community.create_topic(
            author=verified_member(),
            space=gear,
            title=f"Topic {index}",
            body=body,
            enforce_rate_limit=False,
        )
    services.update_rollups()
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, email=owner.email)
    page.goto(f"{live_server.url}/manage/voice/")
    expect(page.get_by_role("heading", name="Recurring themes")).to_be_visible()
    expect(page.locator('[data-table="themes"]')).to_contain_text("sleeping bag")
    expect(page.locator('[data-table="requests"]')).to_contain_text("wide sizes")
    # Nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(page, f"console-voice-{name}")
