"""Who is calling the API: a personal access token, a browser session, or nobody.

Operations pick one of two lists:

* ``member_required`` for writes and private reads: a bearer token or a signed-in session
  (with its CSRF token on writes); anyone else gets 401.
* ``anyone`` for public reads: the same, falling back to the anonymous user, so one handler
  serves both and the permission functions decide what is visible.

A bearer header that names no live token is always a 401, even on a public read: a client
whose token was revoked should find out, not silently see less.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from flywheel.accounts.services import TOKEN_PREFIX, user_for_token
from flywheel.api.errors import CsrfFailed, InvalidToken

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class PersonalAccessTokenAuth(HttpBearer):
    """``Authorization: Bearer fw_…`` with a token from /settings/tokens/ or POST /me/tokens."""

    def authenticate(self, request: HttpRequest, token: str):
        token = token.strip()
        user = user_for_token(token) if token.startswith(TOKEN_PREFIX) else None
        if user is None:
            raise InvalidToken(message=_("This access token is not valid or was revoked."))
        # Token callers are not CSRF targets (browsers never attach the header on their own).
        request.user = user
        request.api_auth_method = "token"  # type: ignore[attr-defined]
        return user


class SessionCsrfAuth(APIKeyCookie):
    """The browser session of a signed-in member; writes also need the CSRF token."""

    def __init__(self) -> None:
        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            # No session: let the next method try, then 401 (never a CSRF 403 for anonymous).
            return None
        if request.method not in SAFE_METHODS and not getattr(request, "_ninja_csrf_exempt", False):
            if check_csrf(request) is not None:
                raise CsrfFailed()
        request.api_auth_method = "session"  # type: ignore[attr-defined]
        return user

    def authenticate(self, request: HttpRequest, key: str | None):  # pragma: no cover
        return None  # __call__ decides; kept for the abstract base class


def anonymous_reader(request: HttpRequest) -> AnonymousUser:
    """The fallback for public reads: an anonymous viewer (truthy, so ninja lets it through)."""
    return AnonymousUser()


token_auth = PersonalAccessTokenAuth()
session_auth = SessionCsrfAuth()

member_required = [token_auth, session_auth]
anyone = [token_auth, session_auth, anonymous_reader]


def viewer(request: HttpRequest):
    """The member behind this request, or AnonymousUser on a public read."""
    return request.auth  # type: ignore[attr-defined]


def authenticated_by_token(request: HttpRequest) -> bool:
    return getattr(request, "api_auth_method", None) == "token"


# For the OpenAPI document: public reads also work with no credentials at all (ninja lists
# the token and session schemes itself; this adds the empty "none needed" alternative).
PUBLIC_READ_OPENAPI = {"security": [{}]}
