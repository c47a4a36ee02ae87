"""The ideas portal in Chromium: a member submits an idea (a similar one is suggested while
they type), two others support it, the brand team moves it to review, and the supporters find
the news in their notifications. Screenshots of the idea page, the list and the roadmap on a
desktop and a phone (test-artifacts/)."""

import re

import pytest
from playwright.sync_api import expect

from flywheel.ideas import services
from flywheel.ideas.models import Idea, IdeaStatus
from tests.browser.conftest import screenshot, sign_in, verified_member
from tests.factories import AdminFactory

pytestmark = pytest.mark.browser

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth + 1"


def _context(browser, *, phone=False):
    if phone:
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="en-US"
        )
    else:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(15_000)
    return context


def test_a_member_submits_an_idea_others_support_it_and_staff_send_it_to_review(
    browser, live_server, transactional_db
):
    creator = verified_member(display_name="Ida Creator", handle="ida")
    fans = [verified_member(display_name=f"Fan {n}", handle=f"fan{n}") for n in (1, 2)]
    staff = AdminFactory(display_name="Brand Team", handle="brand")
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    services.submit_idea(
        author=verified_member(handle="early"),
        title="Trail stove windshield",
        description="Already proposed.",
    )

    # The creator types a title; a similar idea is offered before they submit theirs.
    context = _context(browser)
    page = context.new_page()
    sign_in(page, live_server, email=creator.email)
    page.goto(f"{live_server.url}/ideas/new/")
    page.locator("#idea-title").press_sequentially("Folding stove", delay=20)
    expect(page.locator("[data-testid=similar-ideas]")).to_contain_text("Trail stove windshield")
    page.locator("#idea-description").fill("A stove that **folds** flat into a pot lid.")
    page.get_by_role("button", name="Submit the idea").click()
    expect(page.get_by_role("heading", name="Folding stove")).to_be_visible()
    idea = Idea.objects.get(title="Folding stove")
    context.close()

    # Two members support it from the idea page (htmx swaps the panel).
    for number, fan in enumerate(fans, start=1):
        context = _context(browser, phone=number == 2)
        page = context.new_page()
        sign_in(page, live_server, email=fan.email)
        page.goto(f"{live_server.url}{idea.get_absolute_url()}")
        page.get_by_test_id("support-button").click()
        expect(page.get_by_test_id("support-count")).to_have_text(str(number))
        expect(page.get_by_text("You support this idea.")).to_be_visible()
        if number == 2:
            assert page.evaluate(NO_SIDEWAYS_SCROLL)
            screenshot(page, "ideas-idea-page-phone")
        context.close()

    # The brand team moves it to review.
    context = _context(browser)
    page = context.new_page()
    sign_in(page, live_server, email=staff.email)
    page.goto(f"{live_server.url}{idea.get_absolute_url()}")
    page.locator("#new-status").select_option(IdeaStatus.IN_REVIEW)
    page.get_by_role("button", name="Change status").click()
    expect(page.get_by_test_id("idea-status").first).to_have_text("In review")
    screenshot(page, "ideas-idea-page-staff-desktop")
    context.close()
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.IN_REVIEW and idea.review_period is not None

    # A supporter finds the news in their notifications and follows it to the idea.
    context = _context(browser)
    page = context.new_page()
    sign_in(page, live_server, email=fans[0].email)
    page.goto(f"{live_server.url}/notifications/")
    news = page.get_by_role("link", name=re.compile("“Folding stove” is in review"))
    expect(news).to_be_visible()
    news.click()
    expect(page).to_have_url(re.compile(rf"/ideas/{idea.pk}/$"))
    page.goto(f"{live_server.url}/ideas/")
    expect(page.get_by_test_id("idea-card").first).to_be_visible()
    screenshot(page, "ideas-list-desktop")
    page.goto(f"{live_server.url}/roadmap/")
    screenshot(page, "ideas-roadmap-desktop")
    context.close()

    # The list on a phone: no sideways scrolling.
    context = _context(browser, phone=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/ideas/")
    expect(page.get_by_test_id("idea-card").first).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    screenshot(page, "ideas-list-phone")
    context.close()


def test_a_feedback_board_and_the_roadmap_on_a_desktop_and_a_phone(
    browser, live_server, transactional_db
):
    staff = AdminFactory()
    voters = [verified_member(handle=f"voter{n}") for n in range(4)]
    board = services.create_board(name="Northtrail app", by=staff, description="Maps and trips")
    offline = services.request_feature(board=board, author=voters[0], title="Offline maps")
    duplicate = services.request_feature(board=board, author=voters[1], title="Maps without signal")
    dark = services.request_feature(board=board, author=voters[2], title="Dark mode")
    for voter in voters[1:]:
        services.vote_for_request(request=offline, member=voter)
    services.merge_requests(source=duplicate, into=offline, by=staff)
    services.change_request_status(request=offline, by=staff, status="in_progress")
    services.change_request_status(request=dark, by=staff, status="done")

    context = _context(browser)
    page = context.new_page()
    sign_in(page, live_server, email=voters[3].email)
    page.goto(f"{live_server.url}/feedback/{board.slug}/")
    expect(page.get_by_test_id("request").first).to_contain_text("Offline maps")
    screenshot(page, "ideas-board-desktop")
    page.goto(f"{live_server.url}/roadmap/")
    expect(page.get_by_test_id("roadmap-in-progress")).to_contain_text("Offline maps")
    expect(page.get_by_test_id("roadmap-shipped")).to_contain_text("Dark mode")
    screenshot(page, "ideas-roadmap-desktop-filled")
    context.close()

    context = _context(browser, phone=True)
    page = context.new_page()
    page.goto(f"{live_server.url}{duplicate.get_absolute_url()}")
    expect(page.get_by_text("Merged into:")).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    screenshot(page, "ideas-merged-request-phone")
    page.goto(f"{live_server.url}/roadmap/")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    screenshot(page, "ideas-roadmap-phone")
    context.close()
