"""A POST without the CSRF token is refused everywhere a browser session could be abused."""

import re

import pytest
from django.test import Client

from tests.security.test_authorization_matrix import API_MATRIX, PAGE_MATRIX, _fill

pytestmark = pytest.mark.django_db

# Machine-to-machine endpoints: no cookies are involved, each request is authenticated by
# its own signature (store webhooks) or the endpoint is off unless benchmarking.
CSRF_EXEMPT = {
    "webhooks/shopify/": "HMAC-signed by the store",
    "webhooks/woocommerce/": "HMAC-signed by the store",
    "webhooks/bigcommerce/": "signed by the store",
    "healthz": "GET only, changes nothing",
    "bench/bare": "GET only, changes nothing",
}
ALLAUTH_FORMS = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/logout/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/password/reset/",
    "/i18n/setlang/",
]


@pytest.fixture
def signed_in_without_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.member)
    return client


def test_every_page_refuses_a_post_without_the_csrf_token(world, signed_in_without_token):
    accepted = {}
    seen = set()
    for row in PAGE_MATRIX:
        if row.route in seen or row.route in CSRF_EXEMPT:
            continue
        seen.add(row.route)
        response = signed_in_without_token.post(row.url(world), {"body": "x", "action": "pin"})
        if response.status_code != 403:
            accepted[row.route] = response.status_code
    assert accepted == {}


def test_allauth_and_language_forms_refuse_a_post_without_the_token(signed_in_without_token):
    for path in ALLAUTH_FORMS:
        assert signed_in_without_token.post(path, {}).status_code == 403, path


def test_api_writes_with_a_session_need_the_csrf_header(world, signed_in_without_token):
    accepted = {}
    for operation in API_MATRIX:
        method, path = operation.split(" ", 1)
        if method == "GET":
            continue
        response = signed_in_without_token.generic(
            method, _fill(path, world), data="{}", content_type="application/json"
        )
        if response.status_code != 403:
            accepted[operation] = response.status_code
        elif API_MATRIX[operation] == "member":
            assert response.json()["error"]["code"] == "csrf_failed", operation
    assert accepted == {}


def test_htmx_requests_send_the_token_from_the_body_attribute(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.member)
    page = client.get(world.public_topic.get_absolute_url()).content.decode()
    token = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', page).group(1)

    response = client.post(
        f"/p/{world.reply.pk}/react/",
        {"kind": "like"},
        headers={"X-CSRFToken": token, "HX-Request": "true"},
    )

    assert response.status_code == 200
    assert world.reply.reactions.filter(member=world.member, kind="like").exists()


def test_every_post_form_on_the_main_pages_carries_the_token(world):
    client = Client()
    client.force_login(world.member)
    for path in (
        "/",
        world.public_topic.get_absolute_url(),
        "/settings/profile/",
        "/settings/tokens/",
        "/settings/privacy/",
        "/members/stranger/",
        "/accounts/email/",
    ):
        html = client.get(path).content.decode()
        for form in re.findall(r"<form\b[^>]*>.*?</form>", html, flags=re.S | re.I):
            if re.search(r'method="post"', form, flags=re.I):
                assert "csrfmiddlewaretoken" in form, (path, form[:120])
