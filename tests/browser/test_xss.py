"""Script in a member's title or Markdown never runs in another member's browser: on the
topic page, in listings, in search results, nor when the rendered link is clicked."""

import pytest
from playwright.sync_api import expect

from flywheel.community.models import TopicKind
from tests.browser.conftest import sign_in, verified_member
from tests.factories import SpaceFactory, make_reply, make_topic

pytestmark = pytest.mark.browser

TITLE = 'Zephyrpack <img src=x onerror="window.__xss=1"><script>window.__xss=1</script>'
BODY = "\n\n".join(
    [
        "Zephyrpack review.",
        '<img src=x onerror="window.__xss=1">',
        "<script>window.__xss=1</script>",
        '<svg onload="window.__xss=1"></svg>',
        '<a href="javascript:window.__xss=1">raw anchor</a>',
        "[markdown link](javascript:window.__xss=1)",
        "[encoded link](jav&#x61;script:window.__xss=1)",
        "[data link](data:text/html,<script>window.__xss=1</script>)",
        '[hover link](#post-1 "tip\\" onmouseover=\\"window.__xss=1")',
        '![image](x" onerror="window.__xss=1)',
        '<iframe src="javascript:window.__xss=1"></iframe>',
    ]
)


@pytest.fixture
def hostile_topic(transactional_db):
    space = SpaceFactory(name="Packs", slug="packs")
    topic = make_topic(space=space, title=TITLE, body=BODY, kind=TopicKind.QUESTION)
    make_reply(topic=topic, body='Agreed. <img src=x onerror="window.__xss=1"> Zephyrpack')
    return topic


@pytest.fixture
def watched_page(page):
    """The page, recording any dialog (alert/confirm/prompt) a payload might open."""
    dialogs = []

    def record(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    page.dialogs = dialogs
    return page


def assert_no_script_ran(page) -> None:
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.dialogs == []


def test_payloads_in_a_topic_do_not_run_on_its_page(watched_page, live_server, hostile_topic):
    page = watched_page
    page.goto(f"{live_server.url}{hostile_topic.get_absolute_url()}")
    # The title shows as text, exactly as written.
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    opening = page.locator("article.is-opening .fw-post-body")
    expect(opening).to_contain_text("Zephyrpack review.")
    expect(opening.locator("script, svg, iframe, [onerror], [onload]")).to_have_count(0)
    # Images that fail to load would fire onerror now; give them the load event first.
    page.wait_for_load_state("load")
    assert_no_script_ran(page)

    # Whatever links survived sanitising, clicking them runs nothing.
    for link in opening.locator("a").all():
        href = link.get_attribute("href") or ""
        assert not href.strip().lower().startswith("javascript:"), href
    for name in ("raw anchor", "markdown link", "encoded link", "data link", "hover link"):
        rendered = opening.get_by_role("link", name=name)
        if rendered.count():
            rendered.first.hover()
            rendered.first.click()
    expect(opening.get_by_role("link", name="hover link")).to_have_count(1)
    assert_no_script_ran(page)


def test_payloads_in_a_title_do_not_run_in_listings(watched_page, live_server, hostile_topic):
    page = watched_page
    for path in ("/", f"/s/{hostile_topic.space.slug}/"):
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("link", name=TITLE).first).to_be_visible()
        page.wait_for_load_state("load")
        assert_no_script_ran(page)


def test_payloads_do_not_run_in_search_results(watched_page, live_server, hostile_topic):
    page = watched_page
    member = verified_member()
    sign_in(page, live_server, email=member.email)
    page.goto(f"{live_server.url}/search/?q=Zephyrpack")
    results = page.locator(".search-results")
    expect(results.get_by_role("link", name=TITLE).first).to_be_visible()
    expect(results.locator("script, img, svg, iframe")).to_have_count(0)
    page.wait_for_load_state("load")
    assert_no_script_ran(page)


def test_payloads_do_not_run_in_the_asker_notification_bell(
    watched_page, live_server, transactional_db
):
    page = watched_page
    asker = verified_member()
    space = SpaceFactory()
    topic = make_topic(space=space, author=asker, title=TITLE, body="Zephyrpack")
    make_reply(topic=topic, body='<img src=x onerror="window.__xss=1">')
    sign_in(page, live_server, email=asker.email)
    bell = page.locator("#notification-bell")
    expect(bell.locator("[data-unread-count]")).to_be_visible()
    bell.get_by_role("button", name="Notifications").click()
    expect(bell.locator(".dropdown-menu")).to_contain_text("Zephyrpack")
    assert_no_script_ran(page)
    page.goto(f"{live_server.url}/notifications/")
    expect(page.locator("main")).to_contain_text("Zephyrpack")
    page.wait_for_load_state("load")
    assert_no_script_ran(page)
