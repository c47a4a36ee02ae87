"""Reads from a PostgreSQL read replica, writes to the primary, every change seen at once.

With FLYWHEEL_DATABASE_REPLICA_URL set, settings.py adds a database alias "replica" and this
router. It sends a read to the replica only when all of these hold:

- the read happens inside a web request whose method is GET or HEAD (ReplicaRoutingMiddleware
  marks it): background tasks, management commands and POST/PUT/PATCH/DELETE requests read
  the primary, because they usually read what was just written (a task queued on commit
  would otherwise look for a row the replica has not received yet);
- nothing has been written during this request yet: after the first write (anything that
  asks the router for a write database) the rest of the request reads the primary, so a
  request always sees its own writes;
- no transaction is open on the primary (services read, then write, inside one);
- the visitor did not write in the last FLYWHEEL_REPLICA_PIN_SECONDS: a request that wrote
  leaves a short-lived cookie, and requests carrying it read the primary, so the page a
  member is sent to after posting shows the post even while the replica lags;
- the model is not a session (signing in must be seen by the very next request).

Without the setting there is one database and this router is not installed.
"""

from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PRIMARY = "default"
PIN_COOKIE = "fw_primary"
PRIMARY_ONLY_APPS = frozenset({"sessions"})
SAFE_METHODS = frozenset({"GET", "HEAD"})


@dataclass
class _RequestState:
    may_use_replica: bool
    wrote: bool = False


_state: ContextVar[_RequestState | None] = ContextVar("flywheel_replica_routing", default=None)


def replica_configured() -> bool:
    return REPLICA in connections.settings


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        state = _state.get()
        if state is None or not state.may_use_replica or state.wrote:
            return PRIMARY
        if not replica_configured():
            return PRIMARY
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return PRIMARY
        if connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints):
        state = _state.get()
        if state is not None:
            state.wrote = True
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same data: a row read from either may point at the other's.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # `migrate` runs against the primary; a replica follows it by replication.
        return None


def read_primary_from_now_on() -> None:
    """The rest of this request reads the primary: what it renders is kept in a cache keyed
    by a counter that moves when the primary commits (core/member_cache.py), so it must not
    come from a replica that has not replayed the commit yet."""
    state = _state.get()
    if state is not None:
        state.may_use_replica = False


class ReplicaRoutingMiddleware:
    """Marks which requests may read the replica and leaves the pin cookie after a write."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        state = _RequestState(
            may_use_replica=request.method in SAFE_METHODS and PIN_COOKIE not in request.COOKIES
        )
        token = _state.set(state)
        try:
            response = self.get_response(request)
        finally:
            _state.reset(token)
        if request.method not in SAFE_METHODS and state.wrote:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.FLYWHEEL_REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


class reading_replica:  # noqa: N801 - used like a function: `with reading_replica():`
    """Route reads as a GET request would, outside a request (tests, benchmarks)."""

    def __enter__(self):
        self._token = _state.set(_RequestState(may_use_replica=True))
        return self

    def __exit__(self, *exc_info):
        _state.reset(self._token)
