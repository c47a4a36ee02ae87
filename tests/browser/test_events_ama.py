"""An AMA in Chromium: a member RSVPs, asks a question and votes for another member's; the
host, in a browser of their own, answers the top question from the console; the member's
page shows the answer without a reload (the question board polls). Screenshots of the event
page, the events list and the host's console on a desktop and a phone (test-artifacts/)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from flywheel.events import services
from tests.browser.conftest import screenshot, sign_in, verified_member
from tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.browser

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth + 1"


@pytest.fixture
def live_ama(transactional_db):
    host = verified_member(display_name="Hana Designer", handle="hana", timezone="Europe/Berlin")
    start = timezone.now() - timedelta(minutes=5)
    event = services.schedule_event(
        by=ModeratorFactory(),
        host=host,
        title="Ask the Summit Series designers anything",
        kind="ama",
        format="online",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        time_zone="Europe/Berlin",
        capacity=200,
        description="Our designers answer your questions about the **new jacket line**.",
    )
    earlier = UserFactory(display_name="Marco Rossi")
    services.register_for_event(event=event, member=earlier)
    services.ask_question(event=event, author=earlier, body="Will the jacket come in green?")
    return event, host


def test_a_member_rsvps_asks_votes_and_sees_the_hosts_answer_appear_without_reload(
    browser, live_server, live_ama
):
    event, host = live_ama
    member = verified_member(display_name="Giulia Bianchi", handle="giulia", timezone="Europe/Rome")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, live_server, email=member.email)
    page.goto(live_server.url + event.get_absolute_url())

    page.get_by_test_id("rsvp-button").click()
    expect(page.get_by_test_id("rsvp-status")).to_contain_text("You are going.")

    page.get_by_label("Your question").fill("How warm is the new down jacket at -10 °C?")
    page.get_by_test_id("ask-button").click()
    board = page.locator("#question-board")
    expect(board).to_contain_text("How warm is the new down jacket")
    expect(page.get_by_label("Your question")).to_have_value("")

    # Marco's question has no votes yet; Giulia's vote puts it first in the queue.
    marco = board.locator(".fw-question", has_text="Will the jacket come in green?")
    marco.get_by_test_id("upvote").click()
    expect(marco.get_by_test_id("votes")).to_contain_text("1")
    expect(board.locator(".fw-question").first).to_contain_text("Will the jacket come in green?")
    page.evaluate("window.__notReloaded = true")
    screenshot(page, "events-ama-desktop")

    # The host answers the top question from the console, in a browser of their own.
    host_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    host_context.set_default_timeout(15_000)
    host_page = host_context.new_page()
    sign_in(host_page, live_server, email=host.email)
    host_page.goto(f"{live_server.url}/events/{event.pk}/manage/")
    expect(host_page.get_by_test_id("next-question")).to_contain_text("come in green")
    host_page.get_by_label("Your answer").fill("Yes: **forest green** arrives in March.")
    host_page.get_by_test_id("answer-button").click()
    expect(host_page.get_by_test_id("next-question")).to_contain_text("How warm")
    screenshot(host_page, "events-host-console-desktop")
    host_context.close()

    # Giulia's page, never reloaded, shows the answer on its next poll.
    answered = page.get_by_test_id("answered")
    expect(answered).to_contain_text("forest green", timeout=15_000)
    expect(answered.locator("strong")).to_have_text("forest green")
    assert page.evaluate("window.__notReloaded") is True
    context.close()


def test_the_event_pages_fit_a_phone_and_a_desktop(browser, live_server, live_ama):
    event, _host = live_ama
    member = verified_member(display_name="Sam Walker", handle="sam", timezone="America/Denver")
    for width, height, name in ((1280, 900, "desktop"), (390, 844, "phone")):
        context = browser.new_context(
            viewport={"width": width, "height": height}, locale="en-US", is_mobile=width < 500
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        sign_in(page, live_server, email=member.email)
        for path, shot in ((event.get_absolute_url(), "event"), ("/events/", "events-list")):
            page.goto(live_server.url + path)
            expect(page.locator("[data-event-when]").first).to_be_visible()
            assert page.evaluate(NO_SIDEWAYS_SCROLL), (name, path)
            screenshot(page, f"events-{shot}-{name}")
        context.close()
