"""Schemas and small builders shared by every app's API router."""

from typing import Annotated

from django.http import Http404
from ninja import Field, Schema
from pydantic import AfterValidator

MAX_DB_ID = 2**63 - 1


def _reject_nul(value: str) -> str:
    # PostgreSQL cannot store NUL characters; refuse them as input, not with a 500.
    if "\x00" in value:
        raise ValueError("NUL characters are not allowed.")
    return value


CleanStr = Annotated[str, AfterValidator(_reject_nul)]
ObjectId = Annotated[int, Field(ge=1, le=MAX_DB_ID)]


def ensure_id(value: int, *, message: str) -> int:
    """Ids from the URL that cannot exist (0, or too big for the database) are simply not found."""
    if not 1 <= value <= MAX_DB_ID:
        raise Http404(message)
    return value


class ErrorDetail(Schema):
    code: str = Field(description="A stable machine-readable code, e.g. `validation_error`.")
    message: str = Field(description="A human-readable message in the member's language.")
    fields: dict[str, list[str]] = Field(
        description="Messages per input field, when the error is about specific fields."
    )


class ErrorOut(Schema):
    """The body of every error response."""

    error: ErrorDetail


class MemberSummary(Schema):
    """A member as shown next to their posts."""

    id: int
    handle: str
    name: str = Field(description="Display name, or the handle when none is set.")
    avatar_url: str | None
    role: str


def member_summary(user) -> dict | None:
    if user is None:
        return None
    return {
        "id": user.pk,
        "handle": user.handle,
        "name": user.name,
        "avatar_url": user.avatar.url if user.avatar else None,
        "role": user.role,
    }


class FollowOut(Schema):
    following: bool = Field(description="Whether the caller follows it now.")


# Error responses each kind of operation can give, for the OpenAPI document.
READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}
