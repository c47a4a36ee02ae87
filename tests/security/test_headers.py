"""Every response carries the security headers; no page needs inline script."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from flywheel.core.security import build_csp
from tests.factories import make_reply, make_topic

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def _directives(header: str) -> dict[str, list[str]]:
    result = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            result[words[0]] = words[1:]
    return result


def test_pages_send_a_csp_that_allows_only_our_own_scripts(client):
    response = client.get("/")

    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["style-src"] == ["'self'"] and policy["style-src-elem"] == ["'self'"]
    assert policy["style-src-attr"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_pages_and_the_api_send_the_other_security_headers(client):
    for path in ("/", "/api/v1/spaces", "/accounts/login/"):
        response = client.get(path)
        assert response["X-Frame-Options"] == "DENY", path
        assert response["X-Content-Type-Options"] == "nosniff", path
        assert response["Referrer-Policy"] == "same-origin", path
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", path
        assert "camera=()" in response["Permissions-Policy"], path
        assert "Content-Security-Policy" in response, path


@override_settings(FLYWHEEL_CSP_REPORT_ONLY=True)
def test_the_policy_can_be_tried_in_report_only_mode(client):
    response = client.get("/")

    assert "Content-Security-Policy" not in response
    assert "script-src 'self'" in response["Content-Security-Policy-Report-Only"]


def test_hsts_and_secure_cookies_are_on_when_debug_is_off():
    # tests/core/test_settings.py runs the production settings in a subprocess and checks
    # SESSION_COOKIE_SECURE, CSRF_COOKIE_SECURE, SECURE_HSTS_SECONDS and SECURE_SSL_REDIRECT.
    assert build_csp({"upgrade-insecure-requests": [], "img-src": ["'self'"]}) == (
        "upgrade-insecure-requests; img-src 'self'"
    )


def _main_pages(client, member, space):
    topic = make_topic(space=space, title="Header check", tags=["tents"])
    make_reply(topic=topic, author=member)
    client.force_login(member)
    return [
        "/",
        reverse("community:spaces"),
        reverse("community:space", kwargs={"slug": space.slug}),
        topic.get_absolute_url(),
        reverse("community:new_topic", kwargs={"slug": space.slug}),
        reverse("accounts:profile", kwargs={"handle": member.handle}),
        reverse("accounts:settings"),
        reverse("accounts:tokens"),
        reverse("notifications:list"),
        reverse("search:results") + "?q=header",
        reverse("privacy:settings"),
        reverse("account_email"),
    ]


def test_main_pages_have_no_inline_scripts_event_handlers_or_javascript_urls(client, member, space):
    for path in _main_pages(client, member, space):
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), (path, INLINE_SCRIPT.search(html).group(0))
        assert not EVENT_HANDLER.search(html), (path, EVENT_HANDLER.search(html).group(0))
        assert not JAVASCRIPT_URL.search(html), path
        assert "<style" not in html.lower(), path
        assert not STYLE_ATTRIBUTE.search(html), (path, STYLE_ATTRIBUTE.search(html).group(0))


def test_no_page_template_has_a_style_attribute():
    # The CSP sends style-src-attr 'none'. E-mail templates keep inline styles: mail clients
    # drop stylesheets, and a CSP does not apply to a message.
    from pathlib import Path

    import flywheel

    root = Path(flywheel.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if "/email/" not in str(path) and STYLE_ATTRIBUTE.search(path.read_text())
    ]
    assert offenders == []


def test_space_colours_come_from_a_cached_stylesheet_with_validated_colours(client, space):
    from flywheel.community.models import Space

    Space.objects.filter(pk=space.pk).update(color="#A1B2C3")
    short = Space.objects.create(name="Short colour", slug="short-colour", color="#abc")
    # Seven characters, the column's width on PostgreSQL, and an attempt to close the rule.
    hostile = Space.objects.create(name="Hostile", slug="hostile", color="x;}a{b:")

    response = client.get(reverse("community:spaces_css"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert "max-age=" in response["Cache-Control"]
    css = response.content.decode()
    assert f".fw-space-{space.pk} {{ --space-color: #a1b2c3; }}" in css
    assert f".fw-space-{short.pk} {{ --space-color: #aabbcc; }}" in css
    assert f".fw-space-{hostile.pk} " not in css and "a{b:" not in css


def test_space_pages_name_the_space_colour_class(client, space):
    html = client.get(reverse("community:space", kwargs={"slug": space.slug})).content.decode()
    assert f"fw-space-{space.pk}" in html
    assert reverse("community:spaces_css") in html


def test_signed_out_pages_have_no_inline_scripts(client):
    for path in ("/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"):
        html = client.get(path).content.decode()
        assert not INLINE_SCRIPT.search(html), path
        assert not EVENT_HANDLER.search(html), path


def test_the_session_and_csrf_cookies_are_http_only_and_same_site(settings):
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.CSRF_COOKIE_SAMESITE == "Lax"
