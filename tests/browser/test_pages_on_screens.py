"""Home, space, topic and sign-in pages on a desktop and a phone: screenshots for people to
look at (test-artifacts/), plus what a visitor would notice: the phone menu, no sideways
scrolling, a keyboard path to the content."""

import re

import pytest
from playwright.sync_api import expect

from flywheel.community import services
from flywheel.community.models import TopicKind
from tests.browser.conftest import navbar, screenshot, sign_in, verified_member
from tests.factories import SpaceFactory, make_reply, make_topic

pytestmark = pytest.mark.browser

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth + 1"


@pytest.fixture
def community(transactional_db):
    """A small, lived-in community: two spaces, a few topics, an answered question."""
    asker = verified_member(display_name="Marta Rossi", handle="marta")
    helper = verified_member(display_name="Jānis Bērziņš", handle="janis")
    trail = SpaceFactory(
        name="Trail Running",
        slug="trail-running",
        description="Shoes, routes and races on rough ground.",
    )
    SpaceFactory(name="Camping Kitchens", slug="camping-kitchens", description="Stoves and pots.")
    for space in (trail,):
        services.join_space(member=asker, space=space)
        services.join_space(member=helper, space=space)
    question = make_topic(
        space=trail,
        author=asker,
        kind=TopicKind.QUESTION,
        title="Which shoes grip on wet limestone in the Dolomites?",
        body=(
            "I run on **slippery** rock most weekends.\n\n"
            "- budget about 150 EUR\n- size 42, wide feet\n\n"
            "A_very_long_unbroken_word_that_should_wrap_instead_of_pushing_the_page_sideways_"
            "on_a_phone_screen_https://example.com/a/very/long/path/that/keeps/going/and/going"
        ),
        tags=["shoes", "limestone"],
    )
    answer = make_reply(
        topic=question,
        author=helper,
        body="Try a **sticky rubber** sole with 4 mm lugs.\n\n```\nlug depth: 4 mm\n```",
    )
    services.toggle_reaction(member=helper, post=question.posts.get(number=1), kind="like")
    services.accept_answer(reply=answer, by=asker)
    for number in range(3):
        make_topic(
            space=trail,
            author=helper,
            title=f"Race report {number + 1}: Lavaredo in the rain",
            body="Cold, wet and wonderful.",
        )
    return {"asker": asker, "space": trail, "topic": question}


def visit_each_page(page, live_server, community, *, prefix: str) -> None:
    pages = {
        "home": "/",
        "space": f"/s/{community['space'].slug}/",
        "topic": community["topic"].get_absolute_url(),
        "sign-in": "/accounts/login/",
    }
    for name, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("main#main")).to_be_visible()
        expect(page.get_by_role("heading", level=1).first).to_be_visible()
        screenshot(page, f"{prefix}-{name}")
        assert page.evaluate(NO_SIDEWAYS_SCROLL), f"{path} scrolls sideways on {prefix}"


def test_pages_look_right_on_a_desktop(page, live_server, community):
    visit_each_page(page, live_server, community, prefix="desktop")
    # The topic page shows the accepted answer under the question.
    page.goto(f"{live_server.url}{community['topic'].get_absolute_url()}")
    expect(page.locator(".fw-accepted-summary")).to_contain_text("sticky rubber")
    expect(navbar(page).get_by_role("button", name="Toggle navigation")).to_be_hidden()
    expect(navbar(page).get_by_role("link", name="Spaces")).to_be_visible()


def test_pages_fit_a_phone_and_the_menu_collapses_to_a_toggler(phone_page, live_server, community):
    page = phone_page
    visit_each_page(page, live_server, community, prefix="phone")

    page.goto(f"{live_server.url}/")
    toggler = navbar(page).get_by_role("button", name="Toggle navigation")
    spaces_link = navbar(page).get_by_role("link", name="Spaces")
    expect(toggler).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "false")
    expect(spaces_link).to_be_hidden()
    toggler.click()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    # Bootstrap swaps "collapsing" for "show" once the menu has finished opening.
    expect(page.locator("#fw-nav")).to_have_class(re.compile(r"\bshow\b"))
    expect(spaces_link).to_be_visible()
    expect(navbar(page).get_by_role("link", name="Sign in")).to_be_visible()
    expect(navbar(page).get_by_label("Search the community")).to_be_visible()
    screenshot(page, "phone-home-menu-open")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)


def test_signed_in_phone_pages_fit_and_show_the_bell(phone_page, live_server, community):
    page = phone_page
    sign_in(page, live_server, email=community["asker"].email)
    page.goto(f"{live_server.url}{community['topic'].get_absolute_url()}")
    # The bell stays outside the collapsed menu, so it is visible without opening it.
    bell = page.locator("#notification-bell")
    expect(bell.get_by_role("button", name="Notifications")).to_be_visible()
    expect(bell.locator("[data-unread-count]")).to_be_visible()
    expect(page.get_by_role("button", name="Unmark answer")).to_be_visible()
    screenshot(page, "phone-topic-signed-in")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_content(page, live_server):
    page.goto(f"{live_server.url}/")
    skip_link = page.get_by_role("link", name="Skip to content")
    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("main#main")).to_be_focused()
    # The next Tab continues from the content, not from the top of the page.
    page.keyboard.press("Tab")
    focused_in_main = page.evaluate(
        "document.querySelector('main').contains(document.activeElement)"
    )
    assert focused_in_main
