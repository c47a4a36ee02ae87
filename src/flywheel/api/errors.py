"""One error format for every API failure.

Every error response has the body
``{"error": {"code": "...", "message": "...", "fields": {"field": ["message", ...]}}}``
so clients handle failures in one place. The handlers here are registered on the
NinjaAPI instance in flywheel.api.api.
"""

import json
import logging
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from flywheel.core.exceptions import DomainError, RateLimited

logger = logging.getLogger(__name__)


class InvalidToken(AuthenticationError):
    """An Authorization: Bearer header was sent but names no live token."""


class CsrfFailed(HttpError):
    """A session-authenticated write came without a valid CSRF token."""

    def __init__(self) -> None:
        super().__init__(403, _("CSRF check failed. Send the X-CSRFToken header."))


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _respond(
    api: NinjaAPI,
    request: HttpRequest,
    *,
    status: int,
    code: str,
    message: str,
    fields: dict[str, list[str]] | None = None,
) -> HttpResponse:
    return api.create_response(request, error_body(code, str(message), fields), status=status)


def _field_name(location: tuple[Any, ...] | list[Any]) -> str:
    """('body', 'payload', 'title') → 'title'; ('query', 'limit') → 'limit'; ('body',) → 'body'."""
    parts = [str(part) for part in location]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form", "file"}:
        source, parts = parts[0], parts[1:]
        if source == "body" and parts and parts[0] == "payload":
            parts = parts[1:]
        if not parts:
            return source
    return ".".join(parts) or "body"


def _validation_error(request: HttpRequest, exc: ValidationError, api: NinjaAPI) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        name = _field_name(error.get("loc", ()))
        message = str(error.get("msg", _("This value is not valid.")))
        if error.get("type") == "missing":
            message = _("This field is required.")
        fields.setdefault(name, []).append(message)
    return _respond(
        api,
        request,
        status=422,
        code="validation_error",
        message=_("Some fields are not valid."),
        fields=fields,
    )


def _too_large(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    return _respond(
        api,
        request,
        status=413,
        code="request_too_large",
        message=_("The request body is too large."),
        fields={"body": [_("The request body is too large.")]},
    )


def _http_error(request: HttpRequest, exc: HttpError, api: NinjaAPI) -> HttpResponse:
    cause = exc.__cause__
    if isinstance(cause, RequestDataTooBig):
        return _too_large(request, cause, api)
    if exc.status_code == 400 and isinstance(cause, (json.JSONDecodeError, UnicodeDecodeError)):
        return _respond(
            api,
            request,
            status=400,
            code="malformed_json",
            message=_("The request body is not valid JSON."),
            fields={"body": [_("The request body is not valid JSON.")]},
        )
    if isinstance(exc, InvalidToken):
        response = _respond(api, request, status=401, code="invalid_token", message=exc.message)
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    if isinstance(exc, AuthenticationError):
        response = _respond(
            api,
            request,
            status=401,
            code="not_authenticated",
            message=_("Sign in or send a personal access token to do that."),
        )
        response["WWW-Authenticate"] = "Bearer"
        return response
    if isinstance(exc, CsrfFailed):
        return _respond(api, request, status=403, code="csrf_failed", message=exc.message)
    if isinstance(exc, Throttled):
        return _respond(api, request, status=429, code="rate_limited", message=exc.message)
    codes = {400: "bad_request", 403: "permission_denied", 404: "not_found", 405: "not_allowed"}
    return _respond(
        api,
        request,
        status=exc.status_code,
        code=codes.get(exc.status_code, "error"),
        message=exc.message,
    )


def _domain_error(request: HttpRequest, exc: DomainError, api: NinjaAPI) -> HttpResponse:
    fields = {exc.field: [exc.message]} if exc.field else {}
    response = _respond(
        api, request, status=exc.status, code=exc.code, message=exc.message, fields=fields
    )
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


def _permission_denied(request: HttpRequest, exc: PermissionDenied, api: NinjaAPI) -> HttpResponse:
    message = str(exc) or _("You do not have permission to do that.")
    return _respond(api, request, status=403, code="permission_denied", message=message)


def _not_found(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    # Http404 messages come from our own loaders ("No such topic."); ORM ones name models.
    message = str(exc) if isinstance(exc, Http404) and str(exc) else _("Not found.")
    return _respond(api, request, status=404, code="not_found", message=message)


def _unexpected(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    logger.exception("Unhandled API error on %s %s", request.method, request.path, exc_info=exc)
    return _respond(
        api,
        request,
        status=500,
        code="server_error",
        message=_("Something went wrong on our side. It has been logged."),
    )


def register_error_handlers(api: NinjaAPI) -> None:
    """Route every exception the API can raise to the one error format."""

    def bind(handler):
        return lambda request, exc: handler(request, exc, api)

    api.add_exception_handler(ValidationError, bind(_validation_error))
    api.add_exception_handler(HttpError, bind(_http_error))
    api.add_exception_handler(DomainError, bind(_domain_error))
    api.add_exception_handler(PermissionDenied, bind(_permission_denied))
    api.add_exception_handler(RequestDataTooBig, bind(_too_large))
    api.add_exception_handler(Http404, bind(_not_found))
    api.add_exception_handler(ObjectDoesNotExist, bind(_not_found))
    api.add_exception_handler(Exception, bind(_unexpected))
