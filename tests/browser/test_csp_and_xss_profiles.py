"""In Chromium: the Content-Security-Policy blocks nothing the pages need (no violations, htmx
and Bootstrap still work), and the XSS corpus in profiles, tags and search runs nothing.
Posts and titles are covered by test_xss.py."""

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from flywheel.accounts.services import update_profile
from tests.browser.conftest import navbar, sign_in, verified_member
from tests.factories import SpaceFactory, make_reply, make_topic

pytestmark = pytest.mark.browser

PAYLOADS = [
    line
    for line in (Path(__file__).parent.parent / "security" / "xss_payloads.txt")
    .read_text()
    .splitlines()
    if line.strip() and not line.startswith("#")
]


@pytest.fixture
def watched_page(page):
    """Records CSP violations, console errors and dialogs while the test drives the page."""
    page.violations = []
    page.console_errors = []
    page.dialogs = []
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => {"
        " (window.__cspViolations = window.__cspViolations || [])"
        ".push(e.violatedDirective + ' ' + e.blockedURI); });"
    )
    page.on(
        "console",
        lambda message: (
            page.console_errors.append(message.text) if message.type == "error" else None
        ),
    )

    def record_dialog(dialog):
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record_dialog)
    return page


def violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations || []")


def assert_clean(page, where: str) -> None:
    page.wait_for_load_state("load")
    assert violations(page) == [], where
    csp_errors = [text for text in page.console_errors if "Content Security Policy" in text]
    assert csp_errors == [], where
    assert page.evaluate("typeof window.__xss") == "undefined", where
    assert page.dialogs == [], where


def test_main_pages_log_no_csp_violations_and_htmx_and_dropdowns_work(
    watched_page, live_server, transactional_db
):
    page = watched_page
    member = verified_member(display_name="Csp Checker")
    space = SpaceFactory(name="Gear", slug="gear")
    topic = make_topic(space=space, title="Does the policy break anything?", tags=["tents"])
    make_reply(topic=topic, body="A reply to react to.")

    for path in ("/", "/spaces/", "/s/gear/", topic.get_absolute_url(), "/accounts/login/"):
        page.goto(f"{live_server.url}{path}")
        assert_clean(page, path)

    sign_in(page, live_server, email=member.email)
    for path in (
        topic.get_absolute_url(),
        f"/members/{member.handle}/",
        "/settings/profile/",
        "/settings/tokens/",
        "/settings/privacy/",
        "/notifications/",
        "/search/?q=policy",
    ):
        page.goto(f"{live_server.url}{path}")
        assert_clean(page, path)

    # Bootstrap's dropdown (JS from our static files) opens the account menu.
    menu = navbar(page)
    toggler = menu.get_by_role("button", name="Toggle navigation")
    if toggler.is_visible():
        toggler.click()
    menu.get_by_role("button", name=re.compile("Account menu")).click()
    expect(menu.get_by_role("button", name="Sign out")).to_be_visible()

    # htmx swaps a reaction in place, sending the CSRF header from the body attribute.
    page.goto(f"{live_server.url}{topic.get_absolute_url()}")
    reply = page.locator("article#post-2")
    page.evaluate("window.__sameDocument = true")
    reply.get_by_role("button", name="Add a reaction").click()
    reply.get_by_role("button", name="Like", exact=True).click()
    expect(reply.get_by_role("button", name="Like: 1 reaction")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert page.evaluate("window.__sameDocument") is True
    assert_clean(page, "after htmx swap")


def test_an_injected_inline_handler_is_blocked_by_the_policy(
    watched_page, live_server, transactional_db
):
    page = watched_page
    page.goto(f"{live_server.url}/")
    # As if a sanitiser bug let markup through: the browser still refuses to run it.
    page.evaluate(
        "document.body.insertAdjacentHTML('beforeend',"
        ' \'<img src="data:,x" onerror="window.__xss=1">'
        '<div onclick="window.__xss=1" id="trap">trap</div>\')'
    )
    page.locator("#trap").click()
    page.wait_for_function("(window.__cspViolations || []).length >= 2")

    assert page.evaluate("typeof window.__xss") == "undefined"
    assert any("script-src" in violation for violation in violations(page))


def test_the_token_copy_button_works_without_inline_script(
    watched_page, live_server, transactional_db
):
    page = watched_page
    member = verified_member()
    sign_in(page, live_server, email=member.email)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{live_server.url}/settings/tokens/")
    page.get_by_label("Token name").fill("Copy test")
    page.get_by_role("button", name="Create token").click()
    token = page.locator("#new-token").input_value()

    page.get_by_role("button", name="Copy").click()

    assert page.evaluate("navigator.clipboard.readText()") == token
    assert_clean(page, "tokens")


def test_payloads_in_display_names_and_bios_do_not_run(watched_page, live_server, transactional_db):
    page = watched_page
    space = SpaceFactory(slug="names")
    members = []
    for payload in PAYLOADS[:20]:
        member = verified_member()
        update_profile(
            member=member,
            display_name=payload[:80],
            handle=member.handle,
            bio=payload,
            language="en",
            timezone_name="UTC",
            digest_enabled=True,
            mention_emails_enabled=True,
        )
        members.append((member.handle, payload))
        make_topic(space=space, author=member, title="Written by a tricky name")

    for handle, payload in members:
        page.goto(f"{live_server.url}/members/{handle}/")
        # The payload shows as text (here, the bio), exactly as typed.
        expect(page.locator("main")).to_contain_text(payload.strip()[:12])
        assert_clean(page, payload)
    page.goto(f"{live_server.url}/s/names/")
    assert_clean(page, "space listing")


def test_payloads_in_tags_and_search_queries_do_not_run(
    watched_page, live_server, transactional_db
):
    page = watched_page
    space = SpaceFactory(slug="tagged")
    topic = make_topic(space=space, title="Tagged topic", tags=[p[:40] for p in PAYLOADS[:5]])
    viewer = verified_member()
    page.goto(f"{live_server.url}{topic.get_absolute_url()}")
    assert_clean(page, "tags on topic")
    sign_in(page, live_server, email=viewer.email)
    for payload in PAYLOADS:
        page.goto(f"{live_server.url}/search/?q={quote(payload)}")
        assert_clean(page, payload)
    # The search box shows the query back as text, exactly as typed.
    expect(page.locator("main input[name=q]").first).to_have_value(PAYLOADS[-1])


def test_space_colours_apply_from_the_stylesheet_and_inline_styles_are_blocked(
    watched_page, live_server, transactional_db
):
    page = watched_page
    SpaceFactory(name="Coloured", slug="coloured", color="#8a2be2")
    page.goto(f"{live_server.url}/s/coloured/")
    assert_clean(page, "/s/coloured/")
    header_colour = page.evaluate(
        "getComputedStyle(document.querySelector('.fw-space-header'))"
        ".getPropertyValue('--space-color').trim()"
    )
    assert header_colour == "#8a2be2"

    # As if a template slipped a style="" attribute in: the policy refuses it.
    page.evaluate(
        "document.body.insertAdjacentHTML('beforeend',"
        ' \'<div id="styled" style="display: none">shown</div>\')'
    )
    page.wait_for_function("(window.__cspViolations || []).length >= 1")
    assert any("style-src-attr" in violation for violation in violations(page))
    assert page.locator("#styled").is_visible()
