"""Referrals in Chromium: a member copies their link, a friend follows it in another browser
and signs up, and the member's invite page shows the sign-up. Screenshots of the invite page
and the ambassador dashboard on a desktop and a phone (test-artifacts/)."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from flywheel.accounts.models import User
from flywheel.referrals import services
from flywheel.referrals.models import Referral, ReferralStatus
from tests.browser.conftest import screenshot, sign_in, verified_member

pytestmark = pytest.mark.browser

PASSWORD = "violet-harbour-lantern-42"
VERIFICATION_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+")
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth + 1"


def test_a_friend_who_follows_a_copied_link_and_signs_up_shows_on_the_referrers_page(
    browser, live_server, transactional_db
):
    referrer = verified_member(display_name="Anna Referrer", handle="anna")
    # The referrer's browser, allowed to use the clipboard as a person's would be.
    referrer_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    referrer_context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=live_server.url
    )
    referrer_context.set_default_timeout(15_000)
    page = referrer_context.new_page()
    sign_in(page, live_server, email=referrer.email)
    page.goto(f"{live_server.url}/referrals/")
    expect(page.locator("[data-referral-signups]")).to_have_text("0")

    page.get_by_role("button", name="Copy link").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    code = services.code_for_member(referrer).code
    assert copied == page.locator("#referral-link").input_value()
    assert copied.endswith(f"/r/{code}")

    # The friend, in a browser of their own, follows the link and signs up.
    friend_context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    friend_context.set_default_timeout(15_000)
    friend = friend_context.new_page()
    mail.outbox.clear()
    friend.goto(copied)
    expect(friend).to_have_url(re.compile(r"/accounts/signup/"))
    friend.locator("input[name=email]").fill("friend@example.com")
    friend.locator("input[name=password1]").fill(PASSWORD)
    friend.locator("input[name=password2]").fill(PASSWORD)
    friend.locator("form button[type=submit]").last.click()
    expect(friend.get_by_role("heading", name=re.compile("verify", re.I))).to_be_visible()
    link = VERIFICATION_LINK.search(mail.outbox[0].body).group(0)
    friend.goto(link)
    friend.locator("form button[type=submit]").last.click()
    friend_context.close()

    new_member = User.objects.get(email="friend@example.com")
    referral = Referral.objects.get(referred_member=new_member)
    assert (referral.referrer, referral.status) == (referrer, ReferralStatus.SIGNED_UP)

    page.reload()
    expect(page.locator("[data-referral-signups]")).to_have_text("1")
    expect(page.locator("[data-referral-list]")).to_contain_text(new_member.name)
    expect(page.locator("[data-referral-list]")).to_contain_text("Signed up")
    referrer_context.close()


@pytest.fixture
def ambassador(transactional_db):
    """An ambassador with a vanity code and a few months of clicks and referrals."""
    from flywheel.referrals.models import ReferralClick

    staff = verified_member(display_name="Maya Staff", handle="maya", is_staff=True)
    member = verified_member(display_name="Anna Lindqvist", handle="anna")
    tier = services.define_ambassador_tier(
        slug="summit", name="Summit", rank=1, commission_percent=Decimal("10"), bonus_points=100
    )
    application = services.apply_for_ambassador(
        member=member,
        why="I lead a hiking club.",
        social_profiles="https://instagram.example/anna",
        audience_size=2400,
    )
    services.approve_application(application=application, tier=tier, by=staff)
    code = services.create_vanity_code(
        ambassador=member.ambassador, code="ANNA10", percent=Decimal("10"), store=None, by=staff
    )
    now = timezone.now()
    for index in range(12):
        click, _token = services.record_click(
            code=code, ip_hash=f"ip{index}", user_agent="test", landing_path="/", target="community"
        )
        ReferralClick.objects.filter(pk=click.pk).update(
            created_at=now - timezone.timedelta(days=10 * index)
        )
    for index in range(4):
        Referral.objects.create(
            referrer=member,
            code=code,
            referred_key=f"friend{index}@example.com",
            referred_email=f"friend{index}@example.com",
            source="discount_code",
            status=ReferralStatus.APPROVED,
            order_total=Decimal("120.00"),
            order_currency="EUR",
            created_at=now - timezone.timedelta(days=25 * index + 3),
            converted_at=now - timezone.timedelta(days=25 * index + 3),
        )
    return member


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_invite_page_and_ambassador_dashboard_fit_desktop_and_phone(
    request, live_server, ambassador, width
):
    page = request.getfixturevalue("page" if width == "desktop" else "phone_page")
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    sign_in(page, live_server, email=ambassador.email)

    page.goto(f"{live_server.url}/referrals/")
    expect(page.get_by_role("heading", name="Invite friends")).to_be_visible()
    expect(page.get_by_role("button", name="Copy link")).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    screenshot(page, f"referrals-invite-{width}")

    page.goto(f"{live_server.url}/referrals/ambassadors/dashboard/")
    expect(page.get_by_text("ANNA10").first).to_be_visible()
    # Both weekly charts are drawn by the vendored Chart.js from the page's JSON (no inline
    # script), and the weekly table is there for those who prefer numbers.
    page.wait_for_function(
        "() => window.Chart && Array.from(document.querySelectorAll('canvas[data-chart]'))"
        ".every(canvas => window.Chart.getChart(canvas) !== undefined)"
    )
    expect(page.locator("[data-ambassador-weeks] tbody tr")).to_have_count(12)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    screenshot(page, f"referrals-dashboard-{width}")
    assert not [error for error in errors if "Content Security Policy" in error], errors
