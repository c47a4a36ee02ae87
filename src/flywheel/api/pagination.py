"""Keyset (cursor) pagination for every API list.

A list is ordered by a few fields that end in a unique one (``-last_posted_at, -id``). The
cursor is the opaque, URL-safe base64 of the last item's values for those fields; the next
page is "everything after that key" in the same order, so pages never repeat or skip items
when rows are added meanwhile, and the database never counts past an OFFSET.
"""

import base64
import binascii
import datetime
import functools
import json
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Schema

from flywheel.core.exceptions import InvalidInput

DEFAULT_LIMIT = 25
MAX_LIMIT = 100
MAX_OFFSET = 10_000  # deep enough for any reader of ranked results
_MAX_DB_INT = 2**63 - 1

ModelT = TypeVar("ModelT", bound=Model)


class PageParams(Schema):
    """Query parameters every list takes."""

    cursor: str | None = Field(
        None,
        max_length=500,
        description="The `next_cursor` of the previous page; leave out for the first page.",
    )
    limit: int = Field(
        DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="How many items to return (1–100)."
    )


@dataclass(frozen=True)
class Page(Generic[ModelT]):
    items: list[ModelT]
    next_cursor: str | None


def _invalid_cursor() -> InvalidInput:
    return InvalidInput(_("This cursor is not valid for this list."), field="cursor")


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return value


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps([_encode_value(value) for value in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *, model: type[Model], names: Sequence[str]) -> list[Any]:
    """The cursor's values, each converted by its model field; InvalidInput when tampered."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError) as error:
        raise _invalid_cursor() from error
    if not isinstance(values, list) or len(values) != len(names):
        raise _invalid_cursor()
    converted = []
    for name, value in zip(names, values, strict=True):
        if value is None or isinstance(value, (list, dict)):
            raise _invalid_cursor()
        try:
            field = model._meta.get_field(name)
            python_value = field.to_python(value)
        except (FieldDoesNotExist, ValidationError, TypeError, ValueError) as error:
            raise _invalid_cursor() from error
        if isinstance(python_value, int) and not -_MAX_DB_INT <= python_value <= _MAX_DB_INT:
            raise _invalid_cursor()
        if isinstance(python_value, str) and "\x00" in python_value:
            raise _invalid_cursor()
        if isinstance(python_value, datetime.datetime) and python_value.tzinfo is None:
            raise _invalid_cursor()
        converted.append(python_value)
    return converted


def _after(ordering: Sequence[str], values: Sequence[Any]) -> Q:
    """Rows strictly after `values` in `ordering` (a lexicographic keyset comparison)."""
    branches = []
    equal_so_far = Q()
    for field, value in zip(ordering, values, strict=True):
        name = field.lstrip("-")
        lookup = "lt" if field.startswith("-") else "gt"
        branches.append(equal_so_far & Q(**{f"{name}__{lookup}": value}))
        equal_so_far &= Q(**{name: value})
    return functools.reduce(operator.or_, branches)


def paginate(
    queryset: QuerySet[ModelT],
    *,
    ordering: Sequence[str],
    cursor: str | None,
    limit: int,
) -> Page[ModelT]:
    """One page of `queryset` in `ordering` (whose last field must be unique, e.g. id)."""
    names = [field.lstrip("-") for field in ordering]
    queryset = queryset.order_by(*ordering)
    if cursor:
        values = decode_cursor(cursor, model=queryset.model, names=names)
        queryset = queryset.filter(_after(ordering, values))
    items = list(queryset[: limit + 1])
    next_cursor = None
    if len(items) > limit:
        items = items[:limit]
        last = items[-1]
        next_cursor = encode_cursor([getattr(last, name) for name in names])
    return Page(items=items, next_cursor=next_cursor)


def encode_offset_cursor(offset: int) -> str:
    """For relevance-ranked lists (search) that have no stable keyset: the cursor hides an offset."""
    return encode_cursor(["offset", offset])


def decode_offset_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError) as error:
        raise _invalid_cursor() from error
    if (
        not isinstance(values, list)
        or len(values) != 2
        or values[0] != "offset"
        or not isinstance(values[1], int)
        or isinstance(values[1], bool)
        or not 0 <= values[1] <= MAX_OFFSET
    ):
        raise _invalid_cursor()
    return values[1]
