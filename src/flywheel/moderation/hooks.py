"""What moderation registers into the community's hooks (flywheel.core.hooks), in
ModerationConfig.ready().

``check_post_attempt`` (hooks.posting_checks) runs before anything is written: sanctions,
guidelines, slow mode. ``hold_new_post`` (hooks.new_post_holds) runs after the post exists:
pre-moderation of a new member's first posts. Both are cheap when nothing applies (one query
for sanctions, the guidelines version is cached, slow mode only costs a query in a topic that
has it). ``ModeratedPostVisibility`` (hooks.post_visibility) tells the community's lists and
search which posts are held or hidden.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from flywheel.core.exceptions import Conflict, RateLimited
from flywheel.moderation.models import (
    HIDDEN_POST_STATES,
    OWN_VISIBLE_HIDDEN_STATES,
    ModeratedPost,
    PostState,
)


class GuidelinesNotAccepted(Conflict):
    """The member has not accepted the current community guidelines (HTTP 409)."""

    code = "guidelines_not_accepted"

    def __init__(self, version: int):
        super().__init__(
            _(
                "Please read and accept the community guidelines (version %(version)d) "
                "before posting."
            )
            % {"version": version},
            field="guidelines",
        )
        self.version = version


class PostingBlocked(PermissionDenied):
    """A silence, suspension or ban keeps the member from posting."""


def check_post_attempt(attempt) -> None:
    """hooks.posting_checks: new topics and replies (edits are not refused by sanctions)."""
    if attempt.action == "topic":
        check_can_post(author=attempt.author, space=attempt.space)
    elif attempt.action == "reply":
        check_can_post(author=attempt.author, space=attempt.space, topic=attempt.topic)


def check_can_post(*, author, space, topic=None) -> None:
    from flywheel.community.permissions import is_moderator_of
    from flywheel.moderation import services
    from flywheel.moderation.models import POSTING_BLOCKED_BY, SanctionKind

    block = (
        services.sanctions_in_force(author, POSTING_BLOCKED_BY)
        .order_by("kind", "-ends_at")
        .only("kind", "ends_at")
        .first()
    )
    if block is not None:
        if block.ends_at is None or block.kind == SanctionKind.BAN:
            raise PostingBlocked(_("Your account cannot post any more."))
        until = date_format(timezone.localtime(block.ends_at), "DATETIME_FORMAT")
        if block.kind == SanctionKind.SUSPENSION:
            message = _("Your account is suspended until %(until)s.")
        else:
            message = _("A moderator silenced your account: you cannot post until %(until)s.")
        raise PostingBlocked(message % {"until": until})
    if not author.is_brand_team and not services.has_accepted_current_guidelines(author):
        raise GuidelinesNotAccepted(services.current_guidelines_version())
    if topic is not None:
        _check_slow_mode(author=author, topic=topic, is_moderator=is_moderator_of)


def _check_slow_mode(*, author, topic, is_moderator) -> None:
    from flywheel.community.models import Post
    from flywheel.moderation.models import TopicSlowMode

    seconds = TopicSlowMode.objects.filter(topic=topic).values_list("seconds", flat=True).first()
    if not seconds or is_moderator(author, topic.space):
        return
    last = (
        Post.objects.filter(topic=topic, author=author)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if last is None:
        return
    waited = (timezone.now() - last).total_seconds()
    if waited < seconds:
        retry_after = max(1, int(seconds - waited + 0.999))
        error = RateLimited(
            _(
                "This topic is in slow mode: one post every %(seconds)d seconds. "
                "You can post again in %(retry)d seconds."
            )
            % {"seconds": seconds, "retry": retry_after},
            retry_after=retry_after,
        )
        error.field = "topic"
        raise error


def hold_new_post(*, post, activity: dict) -> bool:
    """Hold a new member's first FLYWHEEL_PREMODERATE_FIRST_POSTS posts for approval.

    Returns True when the post is held: it is hidden, waits in the queue, and `activity` (what
    community.services would have logged) is kept and logged when a moderator approves it.
    """
    from flywheel.moderation import services

    first_posts = services.premoderated_post_count()
    if first_posts <= 0:
        return False
    from flywheel.community.models import Post
    from flywheel.community.permissions import is_moderator_of
    from flywheel.moderation.models import HIDDEN_POST_STATES, ActionKind, PostState

    author = post.author
    if author is None or is_moderator_of(author, post.topic.space):
        return False
    shown_before = (
        Post.objects.filter(author=author, deleted_at__isnull=True)
        .exclude(pk=post.pk)
        .exclude(moderation__state__in=HIDDEN_POST_STATES)
        .count()
    )
    if shown_before >= first_posts:
        return False
    deferred = {
        "verb": str(activity["verb"]),
        "target": "topic" if post.is_opening_post else "post",
        "payload": activity.get("payload") or {},
        "dedupe_key": activity.get("dedupe_key"),
    }
    services.set_post_state(post, PostState.PENDING, deferred_activity=deferred)
    target = post.topic if post.is_opening_post else post
    item = services.open_review_item(
        target=target, reason="pre-moderation: new member", is_premoderation=True
    )
    services.log_action(
        actor=None,
        action=ActionKind.PREMODERATE,
        target=target,
        reason=_("One of the member's first %(count)d posts.") % {"count": first_posts},
        before={},
        after={"state": PostState.PENDING, "post_id": post.pk},
        space=item.space,
    )
    return True


class ModeratedPostVisibility:
    """hooks.post_visibility: posts moderation holds, hides or rejected. Who may see them is
    decided by community.permissions (may_see_moderated) from these states."""

    hidden_states = HIDDEN_POST_STATES
    # What an author still sees of their own posts, marked: held for approval or hidden on
    # flags. Rejected posts are gone for everyone but moderators (the author was told why).
    own_visible_states = OWN_VISIBLE_HIDDEN_STATES

    def hidden_post_ids(self, topic=None):
        from flywheel.moderation import queries

        return queries.hidden_post_ids(topic)

    def hidden_post_ids_for(self, topic, *, viewer):
        rows = self.hidden_post_ids(topic)
        if viewer is not None and viewer.is_authenticated:
            rows = rows.exclude(post__author=viewer, state__in=OWN_VISIBLE_HIDDEN_STATES)
        return rows

    def hidden_topic_ids(self):
        return ModeratedPost.objects.filter(
            is_opening_post=True, state__in=HIDDEN_POST_STATES
        ).values("topic_id")

    def post_state_annotation(self, post_ref: str = "pk"):
        return Subquery(ModeratedPost.objects.filter(post=OuterRef(post_ref)).values("state")[:1])

    def topic_state_annotation(self, topic_ref: str = "pk"):
        return Subquery(
            ModeratedPost.objects.filter(topic=OuterRef(topic_ref), is_opening_post=True).values(
                "state"
            )[:1]
        )

    def post_state(self, post) -> str:
        return ModeratedPost.objects.filter(post=post).values_list("state", flat=True).first() or ""

    def topic_state(self, topic) -> str:
        return (
            ModeratedPost.objects.filter(topic=topic, is_opening_post=True)
            .values_list("state", flat=True)
            .first()
            or ""
        )

    def marker(self, state: str | None) -> str:
        markers = {
            PostState.PENDING: _("Pending review"),
            PostState.HIDDEN: _("Hidden by moderators"),
            PostState.REJECTED: _("Rejected by moderators"),
        }
        return str(markers.get(state, "")) if state else ""
