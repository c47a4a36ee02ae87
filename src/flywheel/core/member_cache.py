"""Whole responses cached per member and for signed-out visitors, invalidated by any write.

A signed-in member's topic, space and home pages, and the API's topic and replies lists read
with a token, show things only that member sees (their reactions, edit buttons, follows,
notifications, gated spaces). Rendering one costs 10-25 ms of CPU; this cache serves the same
member the same page again in about a millisecond, before the authentication, preference,
moderation and message middleware and the view run.

The same path serves signed-out visitors: everyone without a session cookie shares one
identity (`ANONYMOUS`), so the topic, space and home pages are kept once per path, query
string, language, host and scheme, and a hit reads no session and costs no query. A visitor
with a session but no member in it (allauth's sign-up state) gets copies keyed by that
session, like a member. What a signed-out visitor may not read (members-only and gated
spaces) answers 403/404, and only 200s are kept; a member's copies are keyed by their session,
so they never reach anyone else. The surrogate keys the view gave (core/edge_cache.py) are
kept with the entry and given back on a hit, so EdgeCacheMiddleware sends the same
Cache-Control, Surrogate-Key and Cache-Tag (and strips the CSRF token the same way) on a hit
and a miss.

**Freshness: nothing is trusted to remember.** Instead of each service bumping the versions
a page depends on, every statement that writes to the database (INSERT, UPDATE, DELETE, from
the ORM, `QuerySet.update()`, `bulk_create`, raw SQL, a Celery task, the admin) moves one
generation counter in the cache, through a wrapper installed on every database connection
(`install_write_watch`). The generation is part of every key, so after any change anywhere
every member's next request renders afresh: no dependency can be forgotten. It moves right
after the statement (so the next request on the same connection, as in tests, sees it) and
again once the transaction commits (so a page rendered by another process between the write
and the commit, from the old rows, is never asked for again). Writes to `django_session` do
not count (the session data is part of the key instead), nor do writes to the high-churn
tables no cached response reads (`IGNORED_TABLES`: read marks, the activity log and its
deliveries, notifications, search documents, analytics rollups, webhooks, chat, audit logs);
a test renders every cached page with empty caches and fails if one of them reads such a
table.

**Other caches a miss reads.** A miss renders from fragments cached earlier (posts and topic
rows, community/fragments.py; the API's items, community/api.py) and a few cached values
(popular tags, the shop domains). None is keyed by the generation: each key holds
`Topic.version` and a digest of the row it shows (the post's body included, so an UPDATE no
service made still gives a new fragment), or has a lifetime of its own; none is derived from
an ignored table.

The key also holds what else a response can depend on: the path and query string, who asks
(a digest of the whole session, of the bearer token, or `ANONYMOUS`), every cookie but the
CSRF and session cookies, the language LocaleMiddleware picked, host and scheme,
process-local changes (settings overridden, hooks registered: `setting_changed`,
`hooks.changes`). An entry lives
FLYWHEEL_MEMBER_PAGE_CACHE_SECONDS, so relative times ("3 minutes ago") and things that end by
the clock (a silence, an event) are at most that late.

**What a hit still does.** Guards registered by the apps (`hit_guards`) name cache keys that
must or must not exist: trust's "visit counted today" (else the request goes through and is
counted), moderation's "sign this member out", accounts' "token used recently" (else the
request goes through and stamps `last_used_at`). A replay registered by the view
(`hit_replays`, e.g. the topic page's view counter) runs on every hit (with no member for a
signed-out visitor). The CSRF token in the cached body is a placeholder; each response gets
the requester's own. Requests with pending messages, htmx requests and anything but GET
always go through; so do responses that set a cookie or change the session.

The cost is hit rate, not correctness: on a busy community a write every second leaves little
to hit. Finer counters (per topic, per member) would keep more, and are the next step only if
they can be derived as mechanically as this one (docs/benchmarks.md, "Member page cache").
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control
from django.utils.translation import activate, get_language

from flywheel.core import db_routing, edge_cache, hooks

logger = logging.getLogger("flywheel.member_cache")

GENERATION_KEY = "member-cache:generation"
CSRF_PLACEHOLDER = "__flywheel_member_csrf__"
MARK_ATTRIBUTE = "_flywheel_member_cache"
ANONYMOUS = "anonymous"  # the identity of every signed-out visitor without a session
HIT_ATTRIBUTE = "_flywheel_member_cache_hit"  # on a response served from here (tests)
# Tables no cached response reads from, so writes to them move no generation: the session
# (part of the key instead); and the high-churn tables written beside or after the changes a
# page shows, by workers and the periodic jobs: a member's read marks and visit days (trust
# levels only), the activity log, its deliveries and outbound messages, notifications (no
# cached page shows a count), search documents (the search page is not cached), analytics
# rollups and counters, store webhooks and sync cursors, share-link clicks, live chat,
# moderation's and the admin's audit logs, review and survey requests. Rate limits live in
# the cache, not in a table. tests/community/test_member_cache_ignored_tables.py renders
# every cached page family with empty caches and fails when one of them reads a table here.
IGNORED_TABLES = frozenset(
    {
        "django_session",
        "trust_topicread",
        "trust_membervisit",
        "core_activity",
        "core_activitydelivery",
        "core_outboundmessage",
        "notifications_notification",
        "search_searchdocument",
        "analytics_commercedaysummary",
        "analytics_communitycost",
        "analytics_customerday",
        "analytics_daysummary",
        "analytics_memberday",
        "analytics_memberfact",
        "analytics_membermonth",
        "analytics_postvoice",
        "analytics_productlinkclick",
        "analytics_questionfact",
        "analytics_rollupcursor",
        "analytics_segmentmember",
        "analytics_segmentpush",
        "analytics_segmentstate",
        "analytics_staffreportsent",
        "analytics_topicreadday",
        "commerce_webhookdelivery",
        "commerce_synccursor",
        "referrals_referralclick",
        "referrals_ownerdevice",
        "chat_message",
        "chat_messagereaction",
        "chat_messageflag",
        "moderation_moderationaction",
        "django_admin_log",
        "reviews_reviewrequest",
        "surveys_surveyinvitation",
    }
)
WRITE_STATEMENT = re.compile(
    r"\s*(?:INSERT|UPDATE|DELETE|REPLACE|MERGE|TRUNCATE|COPY|ALTER|CREATE|DROP|WITH)\b",
    re.IGNORECASE,
)
WRITTEN_TABLE = re.compile(
    r"\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM)\s+[\"`]?(\w+)", re.IGNORECASE
)
MASKED_TOKEN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
SKIPPED_HEADERS = frozenset({"content-length", "set-cookie"})

# Views whose GET responses may be kept, by view name ("community:topic", "api:list_topics").
# `token_only`: served from the cache only to bearer-token callers (the API lists).
cacheable_views: dict[str, bool] = {}


@dataclass(frozen=True)
class Identity:
    """Who asks: the member's id when the session names one (None for a token: it is in the
    cached entry; None for a signed-out visitor), and the digest that keys their entries."""

    member_id: int | None
    digest: str
    token_digest: str = ""
    signed_out: bool = False


# (identity, member id) -> [(cache key, must exist)]: a hit is served only when each holds.
HitGuard = Callable[[Identity, int], list[tuple[str, bool]]]
hit_guards: dict[str, HitGuard] = {}
# name -> function(request, member_id, *args): runs on every hit (no database writes).
hit_replays: dict[str, Callable[..., None]] = {}

_local_changes = 0


def seconds() -> int:
    return int(getattr(settings, "FLYWHEEL_MEMBER_PAGE_CACHE_SECONDS", 0) or 0)


# Registration --------------------------------------------------------------------------------


def register_view(view_name: str, *, token_only: bool = False) -> None:
    cacheable_views[view_name] = token_only


def allow(response: HttpResponse, *, replay: tuple = ()) -> HttpResponse:
    """The view says this response may be kept for this member; `replay` names a function of
    `hit_replays` and its arguments, run on each hit (the topic page's view counter)."""
    setattr(response, MARK_ATTRIBUTE, tuple(replay))
    return response


# The generation ------------------------------------------------------------------------------


def bump() -> None:
    """Every member's cached responses are out of date (any write anywhere)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        # Never back to a number used before (old entries may still be in the cache).
        cache.add(GENERATION_KEY, time.time_ns())
        cache.incr(GENERATION_KEY)


def _bump_after_commit() -> None:
    bump()


def _on_setting_changed(**kwargs) -> None:
    global _local_changes  # noqa: PLW0603 - process-local, like the settings themselves
    _local_changes += 1


setting_changed.connect(_on_setting_changed, dispatch_uid="flywheel.member_cache.settings")


def _is_counted_write(sql: str) -> bool:
    if not WRITE_STATEMENT.match(sql):
        return False
    table = WRITTEN_TABLE.match(sql)
    return table is None or table.group(1).lower() not in IGNORED_TABLES


class _WriteWatch:
    """A connection's execute wrapper: bumps the generation after each write statement, and
    once more when the transaction it belongs to commits."""

    def __init__(self, connection) -> None:
        self.connection = connection
        self.bumped_since_read = False

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not isinstance(sql, str) or not _is_counted_write(sql):
            self.bumped_since_read = False
            return result
        connection = self.connection
        if connection.in_atomic_block:
            # Consecutive writes need one bump: a read in between is what could cache them.
            if not self.bumped_since_read:
                bump()
                self.bumped_since_read = True
            if not any(entry[1] is _bump_after_commit for entry in connection.run_on_commit):
                transaction.on_commit(_bump_after_commit, using=connection.alias)
        else:
            bump()  # autocommit: the statement has committed
        return result


def install_write_watch(connection, **kwargs) -> None:
    """connection_created receiver (and called for connections already open at start)."""
    if any(isinstance(wrapper, _WriteWatch) for wrapper in connection.execute_wrappers):
        return
    connection.execute_wrappers.append(_WriteWatch(connection))


# Keys ----------------------------------------------------------------------------------------


def _digest(*parts) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def token_digest(raw_token: str) -> str:
    """What keys a bearer token's entries (and accounts' "used recently" mark): never the
    token itself."""
    return hashlib.blake2b(raw_token.strip().encode(), digest_size=16).hexdigest()


def identify(request: HttpRequest, *, token_only: bool) -> Identity | None:
    """Who is behind the request, or None when it may not use the cache."""
    if request.method != "GET" or request.headers.get("HX-Request"):
        return None
    if "messages" in request.COOKIES:
        return None
    authorization = request.headers.get("Authorization", "")
    if authorization.startswith("Bearer "):
        digest = token_digest(authorization[len("Bearer ") :])
        return Identity(member_id=None, digest=f"t{digest}", token_digest=digest)
    if token_only:
        return None
    session = getattr(request, "session", None)
    if session is None:
        return None
    # Without a session cookie this reads nothing (no query) but marks the session accessed,
    # as rendering the page would: SessionMiddleware then adds the same `Vary: Cookie`.
    data = session._get_session()  # noqa: SLF001 - loads it once, as request.user would
    if "_messages" in data:
        return None
    member_id = data.get("_auth_user_id")
    if member_id is None:
        # Signed out: everyone without a session shares one identity; a session without a
        # member (a visitor who changed language, allauth's sign-up state) keys its own.
        digest = f"a{_digest(sorted(data.items()))}" if data else ANONYMOUS
        return Identity(member_id=None, digest=digest, signed_out=True)
    return Identity(member_id=int(member_id), digest=f"s{_digest(sorted(data.items()))}")


def entry_key(request: HttpRequest, identity: Identity, generation) -> str:
    cookies = sorted(
        (name, value)
        for name, value in request.COOKIES.items()
        if name not in (settings.CSRF_COOKIE_NAME, settings.SESSION_COOKIE_NAME)
    )
    varies = _digest(
        request.path,
        sorted(request.GET.lists()),
        cookies,
        get_language(),
        request.get_host(),
        request.is_secure(),
        request.headers.get("Accept", ""),
        _local_changes,
        hooks.changes,
    )
    # "2": entries hold the surrogate keys since signed-out pages are kept too.
    return f"member-page:2:{generation}:{identity.digest}:{varies}"


# The middleware ------------------------------------------------------------------------------


def _view_name(request: HttpRequest) -> str | None:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return None


def _guards(identity: Identity, member_id: int) -> list[tuple[str, bool]]:
    return [pair for guard in hit_guards.values() for pair in guard(identity, member_id)]


def _guards_hold(guards: list[tuple[str, bool]], found: dict) -> bool:
    return all((name in found) == must_exist for name, must_exist in guards)


class MemberPageCacheMiddleware:
    """Placed after the session, locale and CSRF middleware and before authentication: a hit
    costs the session read, two cache reads and the guards' read, and nothing else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if seconds() <= 0 or request.method != "GET":
            return self.get_response(request)
        view_name = _view_name(request)
        if view_name not in cacheable_views:
            return self.get_response(request)
        identity = identify(request, token_only=cacheable_views[view_name])
        if identity is None:
            return self.get_response(request)
        # One round trip for the generation and, when the session names the member, the
        # guards; a token's member is only known from the entry, so its guards come after.
        # A signed-out visitor has no member to guard.
        guards = _guards(identity, identity.member_id) if identity.member_id is not None else []
        found = cache.get_many([GENERATION_KEY, *(name for name, _must_exist in guards)])
        generation = found.get(GENERATION_KEY)
        if generation is None:
            # Never a number used before: entries of an evicted generation may remain.
            cache.add(GENERATION_KEY, time.time_ns())
            generation = cache.get(GENERATION_KEY)
        key = entry_key(request, identity, generation)
        if _guards_hold(guards, found):
            response = self._hit(request, key, identity, guarded=bool(identity.member_id))
            if response is not None:
                return response
        # A lagging replica would render the rows before the write that moved the generation.
        db_routing.read_primary_from_now_on()
        response = self.get_response(request)
        self._store(request, response, key, identity)
        return response

    def _hit(
        self, request: HttpRequest, key: str, identity: Identity, *, guarded: bool
    ) -> HttpResponse | None:
        entry = cache.get(key)
        if entry is None:
            return None
        member_id, language, status, headers, body, replay, surrogate_keys = entry
        if identity.signed_out != (member_id is None):
            return None
        if identity.member_id is not None and identity.member_id != member_id:
            return None
        if not guarded and member_id is not None:
            guards = _guards(identity, member_id)
            if guards and not _guards_hold(guards, cache.get_many([n for n, _e in guards])):
                return None
        activate(language)
        if CSRF_PLACEHOLDER in body:
            body = body.replace(CSRF_PLACEHOLDER, get_token(request))
        response = HttpResponse(body, status=status, headers=headers)
        setattr(response, HIT_ATTRIBUTE, True)
        if surrogate_keys is not None:
            # EdgeCacheMiddleware (outside this one) then sends the same Cache-Control,
            # Surrogate-Key and Cache-Tag as on a miss, and strips the token the same way.
            edge_cache.tag_response(response, surrogate_keys)
        if not identity.signed_out and "Cache-Control" not in response:
            patch_cache_control(response, private=True)
        if replay:
            name, *args = replay
            hit_replays[name](request, member_id, *args)
        return response

    def _store(
        self, request: HttpRequest, response: HttpResponse, key: str, identity: Identity
    ) -> None:
        replay = getattr(response, MARK_ATTRIBUTE, None)
        if replay is None or response.status_code != 200 or response.streaming:
            return
        user = getattr(request, "user", None)
        if user is None or user.is_authenticated == identity.signed_out:
            return
        if identity.member_id is not None and identity.member_id != user.pk:
            return
        if set(response.cookies) - {settings.CSRF_COOKIE_NAME}:
            return
        session = getattr(request, "session", None)
        uses_session = identity.member_id is not None or identity.signed_out
        if uses_session and (session is None or session.modified):
            return
        storage = getattr(request, "_messages", None)
        if storage is not None and (storage.added_new or storage.used):
            return
        body = _with_placeholder(request, response.content.decode(response.charset))
        headers = {
            name: value for name, value in response.items() if name.lower() not in SKIPPED_HEADERS
        }
        owner = None if identity.signed_out else user.pk
        surrogate_keys = getattr(response, edge_cache.KEYS_ATTRIBUTE, None)
        entry = (owner, get_language(), response.status_code, headers, body, replay, surrogate_keys)
        cache.set(key, entry, seconds())


def _with_placeholder(request: HttpRequest, body: str) -> str:
    """The body with every CSRF token of this request swapped for the placeholder."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret:  # get_token() was never called (it sets the secret): no token in the body
        return body

    def swap(match: re.Match) -> str:
        token = match.group(0)
        try:
            return CSRF_PLACEHOLDER if _unmask_cipher_token(token) == secret else token
        except Exception:  # noqa: BLE001 - not a token after all
            return token

    return MASKED_TOKEN.sub(swap, body)
