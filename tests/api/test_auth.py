"""Who may call the API: tokens, sessions (with CSRF on writes), and nobody."""

import pytest
from django.test import Client

from flywheel.community.models import Topic
from tests.api.conftest import ApiClient, assert_error, token_for

pytestmark = pytest.mark.django_db


def new_topic(space):
    return {"space": space.slug, "title": "Tent pegs for sand", "body": "Which ones hold?"}


def test_a_write_without_credentials_is_refused_with_401(anonymous_api, space):
    response = anonymous_api.post("/topics", new_topic(space))
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Bearer"
    assert not Topic.objects.exists()


def test_a_write_with_a_valid_token_is_made_as_its_member(member_api, member, space):
    response = member_api.post("/topics", new_topic(space))
    assert response.status_code == 201
    assert response.json()["author"]["handle"] == member.handle
    assert Topic.objects.get().author == member


def test_an_unknown_token_is_refused_with_401_even_on_a_public_read(space):
    response = ApiClient(token="fw_not-a-real-token").get("/spaces")
    assert_error(response, 401, "invalid_token")
    assert "invalid_token" in response["WWW-Authenticate"]


def test_a_token_without_the_prefix_is_refused(space):
    assert_error(ApiClient(token="abc").get("/spaces"), 401, "invalid_token")


def test_a_revoked_token_stops_working_at_once(member, space):
    token = token_for(member)
    api = ApiClient(token=token)
    assert api.get("/me").status_code == 200
    token_id = api.get("/me/tokens").json()["items"][0]["id"]

    assert api.delete(f"/me/tokens/{token_id}").status_code == 204

    assert_error(api.get("/me"), 401, "invalid_token")
    assert_error(api.post("/topics", new_topic(space)), 401, "invalid_token")
    assert not Topic.objects.exists()


def test_a_token_of_a_deactivated_member_is_refused(member, member_api):
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert_error(member_api.get("/me"), 401, "invalid_token")


def test_a_signed_in_session_reads_private_endpoints(member):
    client = Client()
    client.force_login(member)
    response = ApiClient(client=client).get("/me")
    assert response.status_code == 200
    assert response.json()["email"] == member.email


def test_a_session_write_without_the_csrf_token_is_refused(member, space):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = ApiClient(client=client).post("/topics", new_topic(space))
    assert_error(response, 403, "csrf_failed")
    assert not Topic.objects.exists()


def test_a_session_write_with_the_csrf_token_is_made(member, space):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    secret = "s3cr3t" * 5 + "ok"  # 32 letters and digits: the shape of a CSRF secret
    client.cookies["csrftoken"] = secret
    response = ApiClient(client=client).post(
        "/topics", new_topic(space), headers={"X-CSRFToken": secret}
    )
    assert response.status_code == 201, response.content
    assert Topic.objects.get().author == member


def test_an_anonymous_write_without_csrf_is_401_not_a_csrf_error(space):
    response = ApiClient(client=Client(enforce_csrf_checks=True)).post("/topics", new_topic(space))
    assert_error(response, 401, "not_authenticated")


def test_private_reads_need_credentials(anonymous_api):
    for path in ["/me", "/me/tokens", "/notifications", "/notifications/unread-count"]:
        assert_error(anonymous_api.get(path), 401, "not_authenticated")


# Token management -------------------------------------------------------------------------


def session_api(member) -> ApiClient:
    client = Client()
    client.force_login(member)
    return ApiClient(client=client)


def test_creating_a_token_shows_its_secret_once_and_the_secret_works(member):
    api = session_api(member)
    response = api.post("/me/tokens", {"name": "Zapier"})
    assert response.status_code == 201
    created = response.json()
    assert created["token"].startswith("fw_")
    assert created["name"] == "Zapier"

    listed = api.get("/me/tokens").json()["items"]
    assert [item["id"] for item in listed] == [created["id"]]
    assert "token" not in listed[0]

    assert ApiClient(token=created["token"]).get("/me").json()["handle"] == member.handle


def test_a_token_cannot_mint_another_token(member_api, member):
    response = member_api.post("/me/tokens", {"name": "sneaky"})
    assert_error(response, 403, "permission_denied")
    assert member.access_tokens.count() == 1


def test_a_member_cannot_revoke_another_members_token(member_api, other_member):
    token_for(other_member)
    other_token = other_member.access_tokens.get()
    response = member_api.delete(f"/me/tokens/{other_token.pk}")
    assert_error(response, 404, "not_found")
    other_token.refresh_from_db()
    assert other_token.revoked_at is None


def test_a_too_long_token_name_is_refused_naming_name(member):
    response = session_api(member).post("/me/tokens", {"name": "x" * 81})
    assert_error(response, 422, field="name")
    assert not member.access_tokens.exists()
