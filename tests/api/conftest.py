import json

import pytest
from django.test import Client

from flywheel.accounts.services import create_access_token

API = "/api/v1"


class ApiClient:
    """A JSON client for /api/v1/, optionally sending a personal access token."""

    def __init__(self, *, token: str | None = None, client: Client | None = None):
        self.client = client or Client()
        self.token = token

    def request(self, method: str, path: str, payload=None, *, raw_body=None, headers=None):
        headers = dict(headers or {})
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        body = (
            raw_body
            if raw_body is not None
            else (json.dumps(payload) if payload is not None else "")
        )
        return self.client.generic(
            method, f"{API}{path}", data=body, content_type="application/json", headers=headers
        )

    def get(self, path, params=None, **kwargs):
        headers = dict(kwargs.pop("headers", {}) or {})
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return self.client.get(f"{API}{path}", params or {}, headers=headers)

    def post(self, path, payload=None, **kwargs):
        return self.request("POST", path, payload, **kwargs)

    def patch(self, path, payload=None, **kwargs):
        return self.request("PATCH", path, payload, **kwargs)

    def delete(self, path, payload=None, **kwargs):
        return self.request("DELETE", path, payload, **kwargs)


def token_for(user) -> str:
    _token, raw = create_access_token(user=user, name="tests")
    return raw


@pytest.fixture
def anonymous_api(db):
    return ApiClient()


@pytest.fixture
def member_api(member):
    return ApiClient(token=token_for(member))


@pytest.fixture
def other_api(other_member):
    return ApiClient(token=token_for(other_member))


@pytest.fixture
def moderator_api(moderator):
    return ApiClient(token=token_for(moderator))


def assert_error(response, status: int, code: str | None = None, field: str | None = None):
    """The response is an error in the one API error format."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "fields"}, body
    assert body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code, body
    if field is not None:
        assert field in body["error"]["fields"], body
        assert body["error"]["fields"][field], body
    return body["error"]
