from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flywheel.core.markup import excerpt, find_mentions, render_markdown

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "![x](javascript:alert(1))",
    "<svg/onload=alert(1)>",
    "<iframe src=https://evil.example></iframe>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<div style="background:url(javascript:alert(1))">x</div>',
]


class ElementCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def rendered_elements(text: str) -> list[tuple[str, dict]]:
    collector = ElementCollector()
    collector.feed(render_markdown(text))
    return collector.elements


def assert_inert(text: str) -> None:
    for tag, attributes in rendered_elements(text):
        assert tag not in {"script", "iframe", "svg", "object", "embed", "style"}, tag
        for name, value in attributes.items():
            assert not name.startswith("on"), name
            assert name != "style"
            if name in {"href", "src"}:
                assert (value or "").lower().startswith(("http://", "https://", "mailto:", "/"))


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_known_xss_payloads_render_inert(payload):
    assert_inert(payload)


def test_links_are_marked_as_user_generated_and_not_followed():
    html = render_markdown("See https://northtrail.example/tents")
    assert 'href="https://northtrail.example/tents"' in html
    assert 'rel="nofollow ugc noopener"' in html


def test_mentions_link_to_the_member_profile_but_not_inside_code():
    html = render_markdown("Thanks @giulia_r! `@not_a_mention`")
    assert '<a href="/members/giulia_r/" class="mention"' in html
    assert "<code>@not_a_mention</code>" in html
    assert find_mentions("Thanks @Giulia_R and @giulia_r, `@code`") == ["giulia_r"]


def test_e_mail_addresses_are_not_mentions():
    assert find_mentions("write to anna@example.com") == []


def test_excerpt_is_plain_text_and_shortened_on_a_word_boundary():
    text = "# Boots\n\nI need **waterproof** boots for the Tatras " + "and more " * 40
    short = excerpt(text, length=60)
    assert short.startswith("Boots I need waterproof boots")
    assert short.endswith("…")
    assert len(short) <= 60


@given(st.text(max_size=300) | st.sampled_from(XSS_PAYLOADS).map(lambda p: f"a {p} b"))
def test_any_text_renders_inert(text):
    assert_inert(text)
