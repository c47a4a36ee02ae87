"""The issue's end-to-end journey in Chromium: sign up, verify, join, ask, answer, react,
accept, find by search, read the notification, switch language."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect

from flywheel.accounts.models import User
from flywheel.community.models import Topic
from tests.browser.conftest import (
    navbar,
    screenshot,
    sign_in,
    sign_out,
    verified_member,
)
from tests.factories import SpaceFactory

pytestmark = pytest.mark.browser

PASSWORD = "violet-harbour-lantern-42"
VERIFICATION_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+")


def italian_catalogue_exists() -> bool:
    return any(
        (Path(folder) / "it" / "LC_MESSAGES" / "django.mo").exists()
        for folder in settings.LOCALE_PATHS
    )


def test_newcomer_signs_up_asks_gets_an_answer_accepts_it_and_finds_it(page, live_server):
    space = SpaceFactory(name="Trail Running", slug="trail-running")
    answerer = verified_member(display_name="Giulia Answerer")
    mail.outbox.clear()

    # Sign up with e-mail and password.
    page.goto(f"{live_server.url}/")
    navbar(page).get_by_role("link", name="Join the community").click()
    page.locator("input[name=email]").fill("newcomer@example.com")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page.get_by_role("heading", name=re.compile("verify", re.I))).to_be_visible()

    # The verification e-mail was sent to the address; its link confirms it.
    assert [message.to for message in mail.outbox] == [["newcomer@example.com"]]
    link = VERIFICATION_LINK.search(mail.outbox[0].body).group(0)
    page.goto(link)
    page.locator("form button[type=submit]").last.click()
    asker = User.objects.get(email="newcomer@example.com")
    assert asker.emailaddress_set.get().verified
    # allauth's default (LOGIN_ON_EMAIL_CONFIRMATION off) asks the newcomer to sign in now.
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    sign_in(page, live_server, email="newcomer@example.com", password=PASSWORD)

    # Join the space (htmx swaps the button) and post a question with a Markdown body.
    page.goto(f"{live_server.url}/s/{space.slug}/")
    page.get_by_role("button", name="Join space").click()
    expect(page.locator(".fw-joined")).to_have_text(re.compile("Joined"))
    page.get_by_role("link", name="New topic").click()
    page.get_by_label("Question").check()
    page.get_by_label("Title").fill("Which shoes grip on wet limestone?")
    page.get_by_label("Body").fill("I run on **slippery** rock.\n\n- budget 150\n- size 42")
    page.get_by_role("button", name="Post topic").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Which shoes grip on wet limestone?")
    opening = page.locator("article.is-opening")
    expect(opening.locator("strong")).to_have_text("slippery")
    expect(opening.locator("li")).to_have_count(2)
    topic_url = page.url
    topic = Topic.objects.get(title="Which shoes grip on wet limestone?")
    assert topic.author == asker

    # Another member replies, then likes the question without a full page reload.
    sign_out(page)
    sign_in(page, live_server, email=answerer.email)
    page.goto(topic_url)
    page.get_by_label("Your reply").fill("Try shoes with a **sticky rubber** sole.")
    page.get_by_role("button", name="Post reply").click()
    reply = page.locator("article#post-2")
    expect(reply.locator("strong")).to_have_text("sticky rubber")

    expect(opening.get_by_role("button", name=re.compile(r"^Like: "))).to_have_count(0)
    page.evaluate("window.__sameDocument = true")
    opening.get_by_role("button", name="Add a reaction").click()
    opening.get_by_role("button", name="Like", exact=True).click()
    expect(opening.get_by_role("button", name="Like: 1 reaction")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert page.evaluate("window.__sameDocument") is True

    # The asker comes back: the bell counts the reply, and the asker accepts the answer.
    sign_out(page)
    sign_in(page, live_server, email="newcomer@example.com", password=PASSWORD)
    page.goto(topic_url)
    expect(page.locator("#notification-bell [data-unread-count]")).to_have_attribute(
        "data-unread-count", re.compile(r"^[1-9]")
    )
    expect(opening.locator(".fw-reaction-count")).to_have_text("1")
    reply.get_by_role("button", name="Accept answer").click()
    expect(reply).to_have_class(re.compile(r"\bis-accepted\b"))
    expect(reply.get_by_text("Accepted answer")).to_be_visible()
    expect(page.locator(".fw-accepted-summary")).to_contain_text("sticky rubber")
    screenshot(page, "journey-topic-accepted")

    # Search finds the topic by a word from it.
    page.get_by_label("Search the community").fill("limestone")
    page.get_by_label("Search the community").press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=limestone"))
    result = page.locator(".search-results").get_by_role(
        "link", name="Which shoes grip on wet limestone?"
    )
    expect(result.first).to_be_visible()

    # Switch to Italian in the navbar: the page says it is Italian now.
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Language").click()
    page.get_by_role("button", name="Italiano").click()
    expect(page.locator("html")).to_have_attribute("lang", "it")
    screenshot(page, "journey-search-in-italian")
    with translation.override("it"):
        spaces_in_italian = translation.gettext("Spaces")
    if italian_catalogue_exists():
        assert spaces_in_italian != "Spaces"
    expect(navbar(page).get_by_role("link", name=spaces_in_italian, exact=True)).to_be_visible()
    asker.refresh_from_db()
    assert asker.language == "it"
