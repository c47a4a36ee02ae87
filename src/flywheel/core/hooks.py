"""The platform's declared extension points (docs/architecture.md, "Hooks").

A lower app never imports the apps built on it. Where it needs their behaviour ("may this
member post here?", "is this post hidden?", "who consumes this activity?") it calls a hook
declared here, and the higher app registers its function into the hook from its
``AppConfig.ready()``:

    # flywheel/commerce/apps.py
    def ready(self) -> None:
        from flywheel.commerce.queries import passes_purchase_gate
        from flywheel.core import hooks

        hooks.gate_checks.register(passes_purchase_gate)

Modelled on Misago's plugin hooks (misago/plugins/hooks.py): each hook is one object with one
typed signature, one ``register()`` and a docstring that says when it is called and what its
functions must do. Registering under a name that is already taken replaces the earlier
function, so ``ready()`` running twice (tests, autoreload) registers nothing twice.

Models appear as ``Any`` in the signatures because core sits below every app that owns them
(the import contract in pyproject.toml forbids core importing them, even for typing).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

FunctionType = TypeVar("FunctionType", bound=Callable[..., Any])

# Moves whenever any hook's functions change (a test registering one for a while): pages the
# member page cache kept were made with the old set (core/member_cache.py keys on it).
changes = 0


def _changed() -> None:
    global changes  # noqa: PLW0603 - one process-wide counter, read by member_cache
    changes += 1


def dotted_name(function: Callable[..., Any]) -> str:
    """`package.module.function`: the default name a function is registered under."""
    return f"{function.__module__}.{function.__qualname__}"


class Hook(Generic[FunctionType]):
    """A named, ordered set of functions sharing one signature.

    Functions run in ``order`` (lower first), then in registration order (INSTALLED_APPS order,
    as each app's ready() runs)."""

    def __init__(self, name: str, doc: str) -> None:
        self.name = name
        self.__doc__ = doc
        self._entries: dict[str, tuple[int, int, FunctionType]] = {}
        self._sequence = 0

    def register(
        self, function: FunctionType, *, name: str | None = None, order: int = 100
    ) -> FunctionType:
        """Add `function` under `name` (its dotted path by default); a second registration under
        the same name replaces the first. Returns the function, so it works as a decorator."""
        key = name or dotted_name(function)
        self._sequence += 1
        previous = self._entries.get(key)
        sequence = previous[1] if previous else self._sequence
        self._entries[key] = (order, sequence, function)
        _changed()
        return function

    def unregister(self, name: str) -> None:
        self._entries.pop(name, None)
        _changed()

    def items(self) -> list[tuple[str, FunctionType]]:
        """(name, function) pairs in the order they run."""
        ordered = sorted(self._entries.items(), key=lambda item: item[1][:2])
        return [(key, entry[2]) for key, entry in ordered]

    def names(self) -> list[str]:
        return [key for key, _function in self.items()]

    def get(self, name: str) -> FunctionType | None:
        entry = self._entries.get(name)
        return entry[2] if entry else None

    def __iter__(self) -> Iterator[FunctionType]:
        return iter([function for _key, function in self.items()])

    def __len__(self) -> int:
        return len(self._entries)

    def __bool__(self) -> bool:
        return bool(self._entries)

    @contextmanager
    def registered(self, function: FunctionType, *, name: str | None = None, order: int = 100):
        """Register `function` for the duration of a ``with`` block (tests)."""
        key = name or dotted_name(function)
        previous = self._entries.get(key)
        self.register(function, name=key, order=order)
        try:
            yield function
        finally:
            if previous is None:
                self._entries.pop(key, None)
            else:
                self._entries[key] = previous
            _changed()

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {', '.join(self.names()) or 'empty'}>"


# ------------------------------------------------------------------------- posting (community)


@dataclass(frozen=True)
class PostAttempt:
    """What a member is about to write, before anything is written.

    `action` is "topic" (a new topic; `topic` is None), "reply" or "edit" (`topic` is the
    topic written in), or "image" (an image uploaded for a post not yet written; `space` and
    `topic` are None, `body` shows one image of ours). `enforce_rate_limit` is False for imports and the demo replaying
    history, which per-day limits must not refuse."""

    author: Any
    space: Any
    topic: Any
    body: str
    action: str
    enforce_rate_limit: bool = True


PostingCheck = Callable[[PostAttempt], None]
posting_checks: Hook[PostingCheck] = Hook(
    "posting_checks",
    """May this member post here? Called by community.services before a topic, reply or edit
    is written. A check raises a domain error (PermissionDenied, InvalidInput, Conflict,
    RateLimited: the page and API show its message) or returns None to let the post through.
    Registered by moderation (sanctions, guidelines, slow mode) and trust (links and images
    by level, posts per day).""",
)


class NewPostHold(Protocol):
    def __call__(self, *, post: Any, activity: dict[str, Any]) -> bool: ...


new_post_holds: Hook[NewPostHold] = Hook(
    "new_post_holds",
    """Should this new post wait for approval? Called by community.services right after a
    topic or reply is written, with the activity it is about to log (record_activity's keyword
    arguments). A hold that returns True keeps the post out of sight and takes over the
    activity (logging it when the post is approved); community then logs nothing. Registered
    by moderation (pre-moderation of a new member's first posts).""",
)


class PostVisibility(Protocol):
    """Moderation states of posts, as subqueries and annotations (one SQL query per list).
    community.permissions decides from them who sees what (may_see_moderated)."""

    # States whose posts readers do not see; of those, the ones their author still sees.
    hidden_states: Collection[str]
    own_visible_states: Collection[str]

    def hidden_post_ids(self, topic: Any = None) -> Any:
        """A queryset of `post_id` values hidden from readers (in `topic`, or anywhere)."""

    def hidden_post_ids_for(self, topic: Any, *, viewer: Any) -> Any:
        """Like hidden_post_ids(topic), less the hidden posts `viewer` still sees (their own)."""

    def hidden_topic_ids(self) -> Any:
        """A queryset of `topic_id` values of topics hidden as a whole (opening post hidden)."""

    def post_state_annotation(self, post_ref: str = "pk") -> Any:
        """An expression of the state of the post at `post_ref` (for `.annotate()`)."""

    def topic_state_annotation(self, topic_ref: str = "pk") -> Any:
        """An expression of the state of the opening post of the topic at `topic_ref`."""

    def post_state(self, post: Any) -> str:
        """One post's state ("" when untouched); one query."""

    def topic_state(self, topic: Any) -> str:
        """The state of a topic's opening post ("" when untouched); one query."""

    def marker(self, state: str | None) -> str:
        """What a page shows on a post in `state` ("" when nothing holds it)."""


post_visibility: Hook[PostVisibility] = Hook(
    "post_visibility",
    """Posts and topics hidden from readers. Community's lists, topic pages, counts and merges
    and search results leave out what every registered provider hides. Registered by moderation
    (held, hidden and rejected posts).""",
)

TopicReadListener = Callable[..., None]  # (*, member, topic, posts) -> None
topic_reads: Hook[TopicReadListener] = Hook(
    "topic_reads",
    """A signed-in member was shown `posts` of `topic` (keyword arguments member, topic, posts).
    Called by the topic page after it rendered; must be cheap. Registered by trust (read
    tracking for trust levels).""",
)

TopicViewListener = Callable[..., None]  # (*, topic_id, member) -> None
topic_views: Hook[TopicViewListener] = Hook(
    "topic_views",
    """Someone, signed in or not, was shown a topic page (keyword arguments topic_id and
    member, possibly anonymous), a copy from the public page cache included. Called on every
    view: it must not write to the database. Registered by analytics (reads per topic,
    counted in the cache and flushed by a periodic task).""",
)

LinkRewriter = Callable[[str], str | None]  # (absolute href) -> new href, or None to keep it
link_rewriters: Hook[LinkRewriter] = Hook(
    "link_rewriters",
    """Called by core.markup.render_markdown for every absolute http(s) link in member
    content; the first rewriter that returns an href replaces the link's (the original goes
    in its title). Must be cheap and never write. Registered by analytics (links to the
    brand's shop become a first-party redirect that records the click).""",
)

PostListPrefetch = Callable[[Any], Any]  # (QuerySet[Post]) -> QuerySet[Post]
post_list_prefetches: Hook[PostListPrefetch] = Hook(
    "post_list_prefetches",
    """Adds what higher apps show next to each post's author to a page of posts, as a
    prefetch (one query for the page, whatever its size). Registered by badges (the author's
    best badges).""",
)

PostsChanged = Callable[[Collection[int]], None]
posts_changed: Hook[PostsChanged] = Hook(
    "posts_changed",
    """The text or place of these posts changed outside the Activity log (an erasure blanked
    them, a merge moved them). Called after the transaction commits. Registered by search
    (re-index them).""",
)

HomeSection = Callable[[Any], str]  # (request) -> HTML ("" shows nothing)
home_sections: Hook[HomeSection] = Hook(
    "home_sections",
    """Sections the community home page shows under its own lists, each rendered HTML (escaped
    by its template) for this request's viewer, in registration order. Must be cheap (a query
    or two, whatever the data). Registered by showcases (the featured gallery).""",
)


class TopicPanel(Protocol):
    def __call__(self, *, request: Any, topic: Any) -> str: ...


topic_panels: Hook[TopicPanel] = Hook(
    "topic_panels",
    """Extra panels under a topic's opening post (keyword arguments request, topic; the topic
    was already checked by community.permissions.access_topic for request.user). A panel
    returns safe HTML ("" for nothing) and must cost a fixed number of queries, whatever the
    topic holds. The signed-out page is cached until the topic's version changes
    (community.services.mark_topic_changed), so a panel whose anonymous view changes must
    bump it. Called on the topic's first page only. Registered by surveys (the topic's
    poll).""",
)

# ------------------------------------------------------------------------- access (community)

GateCheck = Callable[[Any, Any], bool]  # (user, space) -> True lets the member in
gate_checks: Hook[GateCheck] = Hook(
    "gate_checks",
    """Does this member get into this gated space? community.permissions.passes_gate asks every
    check after staff and SpaceAccessGrant; one True opens the gate. Registered by commerce (a
    purchase of the named product) and rewards (a VIP tier or an early-access perk).""",
)

SignInCheck = Callable[[Any, Any], Any]  # (request, user) -> HttpResponse | None
sign_in_checks: Hook[SignInCheck] = Hook(
    "sign_in_checks",
    """May this member sign in? Called by the accounts adapter before the session starts; a
    check returns a response to show instead (it refuses) or None. Registered by moderation
    (suspensions and bans).""",
)

# ------------------------------------------------------------------------- sign-up (accounts)

SignUpPayload = Callable[[Any, Any], "dict[str, Any] | None"]  # (request, member) -> entries
sign_up_payloads: Hook[SignUpPayload] = Hook(
    "sign_up_payloads",
    """What a new member's `member_signed_up` activity carries from the sign-up request.
    Called by the accounts adapter once per new account (e-mail and social sign-ups alike),
    after the member row is saved and before the activity is logged, with (request, member).
    A function returns a dict of JSON-serialisable entries to merge into the activity's
    payload, or None; it must be cheap and write nothing (the activity's consumers act on the
    entries after commit). Registered by referrals (the share link's attribution cookie).""",
)


TargetViewCheck = Callable[
    [Any, Any], "bool | None"
]  # (user, target) -> True/False, None: not mine
target_view_checks: Hook[TargetViewCheck] = Hook(
    "target_view_checks",
    """May this member see this object? Asked by apps that attach something of their own to
    another app's object without importing it (a chat room attached to an event). A check
    answers None for objects it does not own, else True or False; every answer must be True.
    Registered by the owner of the object's model (events, for its events).""",
)

# ------------------------------------------------------------------------- trust

TrustCounter = Callable[[Any, datetime | None], int]  # (member, since) -> count
upheld_flag_counters: Hook[TrustCounter] = Hook(
    "upheld_flag_counters",
    """Flags against the member that moderators upheld since `since` (None: ever); trust
    levels have a maximum. Registered by moderation.""",
)
sanction_counters: Hook[TrustCounter] = Hook(
    "sanction_counters",
    """Sanctions the member received since `since` (None: ever); trust levels have a maximum.
    Registered by moderation.""",
)

TrustLevelResolver = Callable[[Any], int]  # (member) -> level 0-4
trust_level_resolvers: Hook[TrustLevelResolver] = Hook(
    "trust_level_resolvers",
    """The member's trust level for per-level rate limits (core.ratelimit); the first one
    registered answers, else account age decides. Registered by trust.""",
)

# ------------------------------------------------------------------------- the Activity log

ActivityConsumer = Callable[[Any], None]  # (Activity) -> None; must be idempotent
activity_consumers: Hook[ActivityConsumer] = Hook(
    "activity_consumers",
    """Each logged activity is handed, after commit, to every consumer (core.tasks). The name a
    consumer registers under is stored with its deliveries, so it must never change: use the
    function's dotted path (the default). A consumer must be idempotent (a delivery may run
    again after a crash). Registered by notifications, search, moderation, badges and
    rewards.""",
)

# ------------------------------------------------------------------------- outbound calls


class OutboundSender(Protocol):
    def __call__(self, message: Any) -> None: ...


outbound_senders: Hook[OutboundSender] = Hook(
    "outbound_senders",
    """Sends one core.models.OutboundMessage to the service outside Flywheel; registered under
    the message's `kind` (e.g. "bridges.discord"), which is stored on every message, so it must
    never change. Called by core.outbound inside the transaction that holds the message's row
    lock. Return normally when the far side accepted it; raise core.outbound.RetryLater for
    "slow down" (a rate limit), core.outbound.Rejected for an answer that no retry can change
    (a deleted webhook), anything else for a failure worth retrying with backoff. Registered by
    bridges (Discord, Slack, Telegram), analytics (segment pushes to the brand's webhook) and
    referrals (welcome codes, store credit).""",
)


# ------------------------------------------------------------------------- moderation queue


class ReviewTarget(Protocol):
    """A kind of record, other than posts, topics and members, that waits in the moderation
    queue (moderation.services.open_review_item with it as the target) and that the app owning
    it decides. Registered under "<app_label>.<model_name>" of the target's model."""

    # What the queue calls an item of this kind ("Held referral").
    label: Any

    def may_decide(self, user: Any) -> bool:
        """Whether `user` (already a moderator of the item) may see and decide it."""

    def decide(self, *, target_id: int, approve: bool, by: Any, reason: str) -> None:
        """Approve (True) or reject (False) the target; raises a domain error to refuse."""


review_targets: Hook[ReviewTarget] = Hook(
    "review_targets",
    """Records of other apps that wait in the moderation queue and are decided there. The queue
    (moderation.queries.review_queue, the page and the API) leaves out items whose target's
    `may_decide(user)` is False; approving (or dismissing) such an item calls
    `decide(approve=True)`, rejecting it `decide(approve=False)`, inside the decision's
    transaction, before the item is resolved. Registered by referrals (held referrals, under
    "referrals.referral").""",
)

ProductReviewGrant = Callable[[Any, Any], bool]  # (member, product) -> True lets them review
product_review_grants: Hook[ProductReviewGrant] = Hook(
    "product_review_grants",
    """May this member review this product without having bought it? reviews.permissions asks
    every grant when the buyers-only rule (FLYWHEEL_REVIEWS_BUYERS_ONLY) would refuse a member
    who is not a verified buyer; one True lets them write the review (it is still not marked
    verified). Registered by trials (a selected tester whose product was shipped).""",
)

NotificationsChanged = Callable[[Collection[int]], None]  # (recipient member ids) -> None
notifications_changed: Hook[NotificationsChanged] = Hook(
    "notifications_changed",
    """These members' bells changed (a notification was created or marked read). Called by
    notifications.services after the transaction commits; must be cheap, and one that raises
    is logged and does not stop the others. Registered by chat (pushes the bell over the
    member's live connection instead of the bell polling).""",
)

# ------------------------------------------------------------------------- store orders


@dataclass(frozen=True)
class OrderChanged:
    """A store order was written: created, updated by a webhook, back-fill or reconciliation,
    or refunded. Listeners read the order by id (they may run after later changes) and must be
    idempotent: the same order changes many times, and a replayed webhook changes it again."""

    order_id: int
    store_id: int


OrderChangeListener = Callable[[OrderChanged], None]
order_changes: Hook[OrderChangeListener] = Hook(
    "order_changes",
    """Called by commerce.services after the transaction that stored an order (upsert_order,
    record_refund) commits, for every order, including guest customers' and those of customers
    linked to no member, which never reach the Activity log. A listener must be cheap (hand slow
    work to a task); one that raises is logged and does not stop the others or the write.
    Registered by referrals (attribution of the friend's order).""",
)

# ------------------------------------------------------------------------- member segments


class MemberSegmentProvider(Protocol):
    """Named groups of members ("members of the Trail space", "VIP Gold", "buyers"), each with
    a stable key such as "space:3" or "analytics:12" that a survey stores.

    `segments()` lists (key, label) pairs staff may choose from; `member_ids(key)` is a
    queryset of user ids in the segment now, or None when the key is not this provider's (the
    next provider is asked). A key must keep its meaning while anything refers to it."""

    def segments(self) -> list[tuple[str, str]]: ...

    def member_ids(self, key: str) -> Any: ...


member_segments: Hook[MemberSegmentProvider] = Hook(
    "member_segments",
    """Who a survey is for. surveys asks every provider for its segments (the staff form's
    choices) and the first provider that knows a key for its members (invitations, who may
    answer). Registered by surveys (built-in segments: everyone, a space's members, a VIP tier,
    a trust level and up, buyers and non-buyers); analytics may register its saved
    segments.""",
)

# ------------------------------------------------------------------------- events


@dataclass(frozen=True)
class EventPageLink:
    """Something a higher app adds to an event's page: a labelled link (a chat room for the
    event, a recording). `label` is already translated; `icon` a Bootstrap icon name."""

    label: str
    url: str
    icon: str = "link-45deg"


EventPageLinks = Callable[..., "EventPageLink | None"]  # (*, event, viewer) -> link or None
event_page_links: Hook[EventPageLinks] = Hook(
    "event_page_links",
    """Links higher apps add to an event's page (keyword arguments event, viewer; viewer may be
    anonymous). Return an EventPageLink or None; must be cheap (one query at most), it runs on
    every view of the page. Called by events.views; registered by apps built on events (chat:
    the event's room).""",
)

# ------------------------------------------------------------------------- privacy


@dataclass
class ExportFiles:
    """An exporter's answer when it also has files: JSON data plus {zip name: bytes}."""

    data: Any
    files: dict[str, bytes] = field(default_factory=dict)


PrivacyExporter = Callable[[Any], Any]  # (member) -> JSON-serialisable data | ExportFiles


class PrivacyEraser(Protocol):
    def __call__(self, member: Any, *, content: str) -> None: ...


privacy_exporters: Hook[PrivacyExporter] = Hook(
    "privacy_exporters",
    """What a member's data export holds under each name (data.json, files under
    files/<name>/). Every app storing personal data registers one (docs/security.md).""",
)

# Erasers of rows other erasers read (community's posts, accounts) register with this order,
# so they run after the apps built on them looked up what the member wrote.
ERASE_LAST = 900
privacy_erasers: Hook[PrivacyEraser] = Hook(
    "privacy_erasers",
    """Removes or anonymises a member's data in one app, inside the erasure transaction,
    before the member row becomes a tombstone. `content` is "anonymise" or "delete". Must be
    idempotent. Every app storing personal data registers one.""",
)

ALL_HOOKS: tuple[Hook[Any], ...] = (
    posting_checks,
    new_post_holds,
    post_visibility,
    topic_reads,
    topic_views,
    link_rewriters,
    post_list_prefetches,
    posts_changed,
    home_sections,
    topic_panels,
    gate_checks,
    target_view_checks,
    sign_in_checks,
    sign_up_payloads,
    upheld_flag_counters,
    sanction_counters,
    trust_level_resolvers,
    activity_consumers,
    review_targets,
    product_review_grants,
    notifications_changed,
    order_changes,
    outbound_senders,
    member_segments,
    event_page_links,
    privacy_exporters,
    privacy_erasers,
)
