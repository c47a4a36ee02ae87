"""Playwright driving Debian's chromium (never a downloaded browser) against live_server."""

import os
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(os.environ.get("FLYWHEEL_TEST_ARTIFACTS", "test-artifacts"))


def chromium_path() -> str:
    for candidate in (os.environ.get("CHROMIUM_PATH"), *CHROMIUM_CANDIDATES):
        if candidate and Path(candidate).exists():
            return candidate
    found = shutil.which("chromium")
    if found:
        return found
    pytest.fail(
        "Debian's chromium is not installed (apt-get install -y chromium): browser tests "
        "cannot run. They fail rather than skip so CI never passes without them.",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between browser steps are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="en-US",
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    # From the top: a page scrolled to an anchor would otherwise show the sticky navbar mid-way.
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(path), full_page=True)
    return path


def navbar(page):
    """The site's main navigation bar (pages repeat some of its links in their content).

    Found by its place in the page header, not its label: the label is translated too."""
    return page.locator("header nav.navbar").first


def verified_member(**fields):
    """A member who can sign in: allauth's mandatory verification needs a verified address."""
    from allauth.account.models import EmailAddress

    from tests.factories import UserFactory

    member = UserFactory(**fields)
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    return member


FACTORY_PASSWORD = "correct-horse-battery"  # what tests.factories.UserFactory sets


def sign_in(page, live_server, *, email: str, password: str = FACTORY_PASSWORD) -> None:
    """Signs in through allauth's page, as a person would, and waits for the signed-in navbar."""
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("input[name=password]").press("Enter")
    # The bell sits outside the collapsible menu, so this holds on phones too.
    expect(page.locator("#notification-bell")).to_be_attached()


def sign_out(page) -> None:
    """Signs out from the navbar's account menu."""
    from playwright.sync_api import expect

    menu = navbar(page)
    toggler = menu.get_by_role("button", name="Toggle navigation")
    if toggler.is_visible():
        toggler.click()
    menu.get_by_role("button", name=re.compile("Account menu")).click()
    menu.get_by_role("button", name="Sign out").click()
    expect(navbar(page).get_by_role("link", name="Sign in")).to_be_visible()
