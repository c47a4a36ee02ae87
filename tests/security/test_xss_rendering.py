"""Every field that shows member text renders the XSS corpus inert (no script, no handlers,
no javascript: URLs). The browser half is tests/browser/test_xss*.py."""

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from django.urls import reverse

from flywheel.accounts.services import update_profile
from flywheel.community.models import Space
from flywheel.core.exceptions import DomainError
from flywheel.core.markup import render_markdown
from tests.factories import SpaceFactory, UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db

PAYLOADS = [
    line
    for line in (Path(__file__).parent / "xss_payloads.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
]
DANGEROUS_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet", "isindex"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "srcdoc"}


class InertChecker(HTMLParser):
    """Collects anything in a page that could run script."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name in URL_ATTRIBUTES and value:
                squashed = "".join(value.split()).lower()
                if squashed.startswith(("javascript:", "vbscript:", "data:text/html")):
                    self.problems.append(f"<{tag} {name}={value!r}>")
            if name == "style" and value and "javascript:" in value.lower():
                self.problems.append(f"<{tag} style={value!r}>")
        if tag == "script":
            src = attributes.get("src") or ""
            # JSON and JSON-LD (schema.org on topic pages) are data blocks the browser never
            # runs; a title that broke out of one would open a second <script>, caught here.
            data_block = attributes.get("type") in ("application/json", "application/ld+json")
            if not src.startswith("/static/") and not data_block:
                self.problems.append(f"<script src={src!r}>")
        if tag in DANGEROUS_TAGS:
            self.problems.append(f"<{tag}>")
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
            self.problems.append("<meta refresh>")
        if tag == "style":
            self.problems.append("<style>")


def assert_inert(html: str, where: str) -> None:
    checker = InertChecker()
    checker.feed(html)
    assert checker.problems == [], (where, checker.problems)


def test_the_corpus_has_at_least_thirty_payloads():
    assert len(PAYLOADS) >= 30


def test_markdown_bodies_render_every_payload_inert():
    for payload in PAYLOADS:
        assert_inert(render_markdown(payload), payload)
        assert_inert(render_markdown(f"Text before\n\n{payload}\n\nafter"), payload)


def test_titles_and_bodies_are_inert_on_topic_pages_and_listings(client):
    space = SpaceFactory(slug="xss")
    topics = [
        make_topic(space=space, title=f"T {payload}"[:200], body=payload) for payload in PAYLOADS
    ]
    for topic in topics:
        response = client.get(topic.get_absolute_url())
        assert response.status_code == 200
        assert_inert(response.content.decode(), topic.title)
    for page in ("/", "/s/xss/", "/s/xss/?page=2"):
        assert_inert(client.get(page).content.decode(), page)


def test_tags_are_inert(client):
    space = SpaceFactory(slug="tags")
    for payload in PAYLOADS:
        topic = make_topic(space=space, title="Tagged topic", tags=[payload[:40]])
        assert_inert(client.get(topic.get_absolute_url()).content.decode(), payload)
    assert_inert(client.get("/s/tags/").content.decode(), "space page tags")


def test_display_names_and_bios_are_inert_on_profiles_and_posts(client):
    space = SpaceFactory(slug="names")
    for payload in PAYLOADS:
        member = UserFactory()
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
        topic = make_topic(space=space, author=member, title="Posted by a tricky name")
        profile = client.get(reverse("accounts:profile", args=[member.handle])).content.decode()
        assert_inert(profile, payload)
        assert_inert(client.get(topic.get_absolute_url()).content.decode(), payload)


def test_handles_with_markup_are_refused(member, settings):
    # 41 saves in a row: past the profile rate limit, which is not what this test is about.
    settings.FLYWHEEL_RATE_LIMITS = {**settings.FLYWHEEL_RATE_LIMITS, "profile": {}}
    for payload in PAYLOADS:
        with pytest.raises(DomainError) as refused:
            update_profile(
                member=member,
                display_name="",
                handle=payload[:30],
                bio="",
                language="en",
                timezone_name="UTC",
                digest_enabled=True,
                mention_emails_enabled=True,
            )
        assert refused.value.field == "handle"


def test_space_names_and_descriptions_set_by_staff_are_inert(client):
    for index, payload in enumerate(PAYLOADS):
        Space.objects.create(
            name=payload[:80], slug=f"space-{index}", description=payload, color="#123456"
        )
    assert_inert(client.get("/spaces/").content.decode(), "spaces")
    assert_inert(client.get("/").content.decode(), "home")
    for index in range(len(PAYLOADS)):
        assert_inert(client.get(f"/s/space-{index}/").content.decode(), PAYLOADS[index])


def test_search_queries_echoed_back_are_inert(client, member):
    client.force_login(member)
    for payload in PAYLOADS:
        response = client.get(f"/search/?q={quote(payload)}")
        assert response.status_code == 200
        assert_inert(response.content.decode(), payload)
    api = client.get(f"/api/v1/search?q={quote(PAYLOADS[0])}")
    assert api["Content-Type"].startswith("application/json")


def test_notification_text_is_inert_in_the_list_and_bell(
    client, member, django_capture_on_commit_callbacks
):
    space = SpaceFactory()
    topic = make_topic(space=space, author=member, title="Plain topic")
    for payload in PAYLOADS[:15]:
        replier = UserFactory(display_name=payload[:80])
        with django_capture_on_commit_callbacks(execute=True):
            make_reply(topic=topic, author=replier, body=payload)
    client.force_login(member)

    assert_inert(client.get("/notifications/").content.decode(), "notifications")
    assert_inert(client.get("/notifications/bell/").content.decode(), "bell")
