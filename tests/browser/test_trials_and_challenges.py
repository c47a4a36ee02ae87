"""A member applies to test a product and checks in to a running challenge, on a desktop and a
phone; the brand team's trial results and challenge list. Screenshots (test-artifacts/) for
people to look at, and what a member would notice: the page fits the screen, the application
and the check-in show at once."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from flywheel.challenges import services as challenges
from flywheel.commerce.models import Product, Store
from flywheel.trials import services as trials
from tests.browser.conftest import screenshot, sign_in, verified_member
from tests.factories import ModeratorFactory

pytestmark = pytest.mark.browser

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth + 1"


@pytest.fixture
def programme(transactional_db):
    staff = ModeratorFactory(handle="product_lead", display_name="Lena Product")
    store = Store.objects.create(
        platform="shopify", domain="shop.example.com", webhook_secret="s", currency="EUR"
    )
    tent = Product.objects.create(store=store, external_id="p1", title="Trailblazer 2 tent")
    now = timezone.now()
    trial = trials.open_trial(
        by=staff,
        product=tent,
        title="Test the Trailblazer 2 before anyone else",
        places=5,
        question="Where would you pitch it first?",
        apply_by=now + timedelta(days=7),
        feedback_due=now + timedelta(days=40),
        description="A two-person tent at **1.4 kg**. Five testers keep theirs.",
    )
    today = timezone.localdate()
    challenge = challenges.create_challenge(
        by=staff,
        title="30 days outside",
        description="Get **outside** every day, even for ten minutes.",
        starts_on=today - timedelta(days=4),
        ends_on=today + timedelta(days=25),
        target_check_ins=30,
    )
    for index, name in enumerate(("Marta Rossi", "Jānis Bērziņš", "Ola Nowak")):
        walker = verified_member(display_name=name, handle=f"walker{index}")
        challenges.join_challenge(challenge=challenge, member=walker, at=now - timedelta(days=4))
        for day in range(4 - index):
            challenges.check_in(
                challenge=challenge,
                member=walker,
                text=f"Day {day + 1}: a loop by the river.",
                at=now - timedelta(days=4 - day),
            )
    return staff, trial, challenge


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_a_member_applies_to_a_trial_and_checks_in(
    page, phone_page, live_server, programme, screen
):
    _staff, trial, challenge = programme
    browser_page = page if screen == "desktop" else phone_page
    member = verified_member(display_name="Giulia Bianchi", handle="giulia", timezone="UTC")
    sign_in(browser_page, live_server, email=member.email)

    browser_page.goto(f"{live_server.url}/trials/")
    browser_page.get_by_role("link", name=trial.title).click()
    browser_page.get_by_label("Where would you pitch it first?").fill("Above Lake Bled in May.")
    browser_page.get_by_role("button", name="Apply to test").click()
    expect(browser_page.get_by_test_id("stage")).to_be_visible()
    assert browser_page.evaluate(NO_SIDEWAYS_SCROLL)
    screenshot(browser_page, f"trial-applied-{screen}")

    browser_page.goto(f"{live_server.url}/challenges/{challenge.pk}/")
    browser_page.get_by_role("button", name="Join the challenge").click()
    browser_page.locator("form textarea").first.fill("Ran to the ridge before work.")
    browser_page.get_by_role("button", name="Check in for today").click()
    expect(browser_page.get_by_test_id("progress-text")).to_contain_text("1 of 30 check-ins")
    expect(browser_page.get_by_text("You have checked in today.")).to_be_visible()
    expect(browser_page.locator("table")).to_contain_text("Giulia Bianchi")
    assert browser_page.evaluate(NO_SIDEWAYS_SCROLL)
    screenshot(browser_page, f"challenge-checked-in-{screen}")


def test_the_brand_team_sees_the_trial_results_and_the_challenges(page, live_server, programme):
    _staff, trial, _challenge = programme
    lead = verified_member(role="admin", is_staff=True)
    applicant = verified_member(display_name="Piotr Zieliński", handle="piotr")
    trials.apply_to_trial(trial=trial, member=applicant, answer="In the Tatras, at 1,800 m.")
    sign_in(page, live_server, email=lead.email)

    page.goto(f"{live_server.url}/manage/trials/{trial.pk}/")
    expect(page.locator("main")).to_contain_text("@piotr")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    screenshot(page, "trial-results-desktop")

    page.goto(f"{live_server.url}/manage/challenges/")
    expect(page.locator("main")).to_contain_text("30 days outside")
    screenshot(page, "challenges-manage-desktop")
