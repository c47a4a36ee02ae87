"""Sign in with Discord: the real OAuth 2 exchange (django-allauth's Discord provider) against a
local server answering as Discord's token and /users/@me endpoints do."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from flywheel.accounts.models import User
from flywheel.privacy.services import erase_member
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DISCORD_USER = {
    "id": "80351110224678912",
    "username": "nelly",
    "discriminator": "0",
    "global_name": "Nelly",
    "avatar": "8342729096ea3675442027381ff50dfe",
    "verified": True,
    "email": "nelly@discord-users.example",
    "mfa_enabled": False,
    "locale": "en-US",
}


class FakeDiscord:
    def __init__(self) -> None:
        self.token_requests: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _answer(self, status: int, body: dict) -> None:
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode())
                fake.token_requests.append({key: values[0] for key, values in form.items()})
                if urlsplit(self.path).path != "/api/oauth2/token" or form.get("code") != [
                    "discord-code"
                ]:
                    self._answer(400, {"error": "invalid_grant"})
                    return
                self._answer(
                    200,
                    {
                        "access_token": "6qrZcUqja7812RVdnEKjpzOL4CvHBFG",
                        "token_type": "Bearer",
                        "expires_in": 604800,
                        "refresh_token": "D43f5y0ahjqew82jZ4NViEr2YafMKhue",
                        "scope": "identify email",
                    },
                )

            def do_GET(self) -> None:  # noqa: N802
                authorised = self.headers.get("Authorization") == (
                    "Bearer 6qrZcUqja7812RVdnEKjpzOL4CvHBFG"
                )
                if urlsplit(self.path).path == "/api/users/@me" and authorised:
                    self._answer(200, DISCORD_USER)
                else:
                    self._answer(401, {"message": "401: Unauthorized", "code": 0})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.api_base = f"http://127.0.0.1:{self.server.server_address[1]}/api"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def discord(settings):
    with FakeDiscord() as fake:
        settings.FLYWHEEL_DISCORD_API_BASE_URL = fake.api_base
        settings.SOCIALACCOUNT_PROVIDERS = {
            "discord": {
                "SCOPE": ["identify", "email"],
                "APPS": [{"client_id": "1234567890", "secret": "discord-client-secret"}],
            }
        }
        yield fake


def _authorise(client, discord, *, process: str = "login"):
    """Press "Discord", follow the redirect to Discord, come back with a code."""
    response = client.post(reverse("discord_login"), {"process": process})
    assert response.status_code == 302
    authorise = urlsplit(response["Location"])
    assert f"{authorise.scheme}://{authorise.netloc}{authorise.path}" == (
        f"{discord.api_base}/oauth2/authorize"
    )
    query = parse_qs(authorise.query)
    assert query["client_id"] == ["1234567890"]
    assert set(query["scope"][0].split()) == {"identify", "email"}
    return client.get(
        reverse("discord_callback"), {"code": "discord-code", "state": query["state"][0]}
    )


def test_the_sign_in_page_offers_discord_once_it_is_configured(client, discord):
    page = client.get(reverse("account_login"))
    assert reverse("discord_login") in page.content.decode()


def test_without_a_discord_application_the_sign_in_page_offers_nothing_extra(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"discord": {"APPS": []}}
    page = client.get(reverse("account_login"))
    assert "discord" not in page.content.decode().lower()


def test_a_new_member_signs_up_with_discord(client, discord):
    response = _authorise(client, discord)

    assert response.status_code == 302
    member = User.objects.get(email="nelly@discord-users.example")
    account = SocialAccount.objects.get(user=member)
    assert (account.provider, account.uid) == ("discord", "80351110224678912")
    assert member.handle  # given one, like every member
    assert client.get("/").wsgi_request.user == member
    assert discord.token_requests[0]["client_secret"] == "discord-client-secret"


def test_a_member_links_discord_from_their_account(client, discord):
    member = UserFactory(email="giulia@northtrail.example")
    client.force_login(member)

    _authorise(client, discord, process="connect")

    account = SocialAccount.objects.get()
    assert account.user == member
    assert account.uid == "80351110224678912"


def test_a_discord_email_matching_an_account_does_not_sign_into_it(client, discord):
    existing = UserFactory(email="nelly@discord-users.example")

    _authorise(client, discord)

    assert not SocialAccount.objects.filter(user=existing).exists()
    assert client.get("/").wsgi_request.user != existing


def test_a_forged_callback_signs_nobody_in(client, discord):
    client.post(reverse("discord_login"), {"process": "login"})
    response = client.get(reverse("discord_callback"), {"code": "discord-code", "state": "forged"})

    assert not SocialAccount.objects.exists()
    assert not response.wsgi_request.user.is_authenticated


def test_erasure_removes_the_link_and_what_discord_told_us(client, discord):
    _authorise(client, discord)
    member = User.objects.get(email="nelly@discord-users.example")

    erase_member(member, reason="test")

    assert not SocialAccount.objects.exists()


def test_settings_link_to_linked_accounts_only_when_discord_is_configured(client, settings):
    client.force_login(UserFactory())
    settings.SOCIALACCOUNT_PROVIDERS = {"discord": {"APPS": []}}
    assert (
        reverse("socialaccount_connections")
        not in client.get(reverse("accounts:settings")).content.decode()
    )
    settings.SOCIALACCOUNT_PROVIDERS = {
        "discord": {"APPS": [{"client_id": "1234567890", "secret": "s"}]}
    }
    assert (
        reverse("socialaccount_connections")
        in client.get(reverse("accounts:settings")).content.decode()
    )
