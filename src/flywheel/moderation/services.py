"""Every moderation write. Each function is one business action, in one transaction, and
leaves a row in the audit log (ModerationAction)."""

import hashlib
import logging
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from flywheel.community import services as community_services
from flywheel.community.models import Post, Space, Topic
from flywheel.community.permissions import can_view_space
from flywheel.core import hooks
from flywheel.core.exceptions import Conflict, InvalidInput
from flywheel.core.markup import render_markdown
from flywheel.core.models import Verb
from flywheel.core.ratelimit import check_action_rate_limit
from flywheel.core.services import record_activity
from flywheel.moderation import permissions
from flywheel.moderation.models import (
    HIDDEN_POST_STATES,
    MEMBER_FLAG_REASONS,
    SIGN_IN_BLOCKED_BY,
    ActionKind,
    Appeal,
    AppealState,
    Flag,
    FlagReason,
    FlagState,
    Guidelines,
    GuidelinesAcceptance,
    ModeratedPost,
    ModerationAction,
    ModerationNotice,
    PostState,
    ReviewItem,
    ReviewState,
    Sanction,
    SanctionKind,
    TopicRedirect,
    TopicSlowMode,
)

logger = logging.getLogger(__name__)

GUIDELINES_CACHE_KEY = "moderation:guidelines:current"
SIGN_OUT_CACHE_KEY = "moderation:sign-out:{member_id}"
MAX_REASON_LENGTH = 2000
MAX_SLOW_MODE_SECONDS = 24 * 3600


# ---------------------------------------------------------------- settings with defaults


def hide_threshold() -> float:
    return float(settings.FLYWHEEL_FLAG_HIDE_THRESHOLD)


def premoderated_post_count() -> int:
    return int(settings.FLYWHEEL_PREMODERATE_FIRST_POSTS)


def toxicity_hide_threshold() -> float:
    return float(settings.FLYWHEEL_TOXICITY_HIDE)


def toxicity_flag_threshold() -> float:
    return float(settings.FLYWHEEL_TOXICITY_FLAG)


def spam_flag_threshold() -> float:
    return float(settings.FLYWHEEL_SPAM_FLAG)


def spam_hide_threshold() -> float:
    return float(settings.FLYWHEEL_SPAM_HIDE)


# ---------------------------------------------------------------- audit log and notices


def hash_ip(ip: str | None) -> str:
    """A keyed hash of the moderator's IP: comparable between rows, not reversible."""
    if not ip:
        return ""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{ip}".encode()).hexdigest()


def _clean_reason(reason: str | None, *, required: bool = False) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise InvalidInput(_("Give a reason; the member will read it."), field="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidInput(
            _("A reason can have at most %(limit)d characters.") % {"limit": MAX_REASON_LENGTH},
            field="reason",
        )
    return reason


def log_action(
    *,
    actor,
    action: str,
    target: models.Model | None,
    reason: str = "",
    before: dict | None = None,
    after: dict | None = None,
    space: Space | None = None,
    ip_hash: str = "",
) -> ModerationAction:
    """Append one row to the audit log."""
    fields = {
        "actor": actor if actor is not None and actor.is_authenticated else None,
        "action": action,
        "reason": reason,
        "before": before or {},
        "after": after or {},
        "space": space,
        "ip_hash": ip_hash,
    }
    if target is not None:
        fields["target_type"] = ContentType.objects.get_for_model(target)
        fields["target_id"] = target.pk
        fields["target_repr"] = str(target)[:200]
    return ModerationAction.objects.create(**fields)


def notify_member(
    *,
    recipient,
    action: ModerationAction,
    kind: str,
    summary: str,
    reason: str = "",
    topic: Topic | None = None,
    post: Post | None = None,
    sanction: Sanction | None = None,
) -> ModerationNotice | None:
    """Tell a member what moderation did and why: a notice with the reason, and the bell."""
    if recipient is None or (action.actor_id and recipient.pk == action.actor_id):
        return None
    notice = ModerationNotice.objects.create(
        recipient=recipient, action=action, sanction=sanction, summary=summary, reason=reason
    )
    from flywheel.notifications.services import notify_moderation

    notify_moderation(recipient=recipient, kind=kind, actor=action.actor, topic=topic, post=post)
    return notice


# ---------------------------------------------------------------- guidelines


def current_guidelines_version() -> int:
    """The version members must have accepted to post; 0 when none is published yet."""
    version = cache.get(GUIDELINES_CACHE_KEY)
    if version is None:
        version = (
            Guidelines.objects.filter(published_at__lte=timezone.now())
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
            or 0
        )
        cache.set(GUIDELINES_CACHE_KEY, version, 300)
    return version


def current_guidelines() -> Guidelines | None:
    version = current_guidelines_version()
    return Guidelines.objects.filter(version=version).first() if version else None


def has_accepted_current_guidelines(member) -> bool:
    version = current_guidelines_version()
    if not version:
        return True
    return GuidelinesAcceptance.objects.filter(member=member, version=version).exists()


@transaction.atomic
def publish_guidelines(*, body: str, by, ip_hash: str = "") -> Guidelines:
    """Publish a new version of the guidelines; every member accepts it again before posting."""
    permissions.check_staff_permission(by)
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_("Write the guidelines first."), field="body")
    if len(body) > 50_000:
        raise InvalidInput(_("The guidelines are too long."), field="body")
    latest = Guidelines.objects.select_for_update().order_by("-version").first()
    previous_version = latest.version if latest else 0
    now = timezone.now()
    guidelines = Guidelines.objects.create(
        version=previous_version + 1,
        body=body,
        body_html=render_markdown(body),
        published_at=now,
        created_by=by,
        created_at=now,
    )
    log_action(
        actor=by,
        action=ActionKind.GUIDELINES,
        target=guidelines,
        before={"version": previous_version},
        after={"version": guidelines.version},
        ip_hash=ip_hash,
    )
    # Now for this request, and again after commit in case a reader cached the old version.
    cache.delete(GUIDELINES_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(GUIDELINES_CACHE_KEY))
    return guidelines


@transaction.atomic
def accept_guidelines(*, member, version: int | None = None) -> GuidelinesAcceptance:
    """Record that the member accepted the current guidelines (idempotent)."""
    if not member.is_authenticated:
        raise PermissionDenied(_("Sign in first."))
    current = current_guidelines_version()
    if not current:
        raise InvalidInput(_("There are no guidelines to accept yet."), field="guidelines")
    if version is not None and version != current:
        raise Conflict(
            _("The guidelines changed meanwhile; read the new version and accept it."),
            field="guidelines",
        )
    acceptance, created = GuidelinesAcceptance.objects.get_or_create(
        member=member, version=current, defaults={"accepted_at": timezone.now()}
    )
    if created:
        record_activity(
            actor=member,
            verb=Verb.GUIDELINES_ACCEPTED,
            target=acceptance,
            dedupe_key=f"guidelines_accepted:{member.pk}:{current}",
            payload={"version": current},
        )
    return acceptance


# ---------------------------------------------------------------- hiding posts


def _moderated_post(post: Post) -> ModeratedPost | None:
    return ModeratedPost.objects.select_for_update().filter(post=post).first()


def set_post_state(post: Post, state: str, *, deferred_activity: dict | None = None) -> str:
    """Put a post into a moderation state; the topic page changes, so its version is bumped.

    Returns the state it had before ("" when moderation had not touched it).
    """
    row = _moderated_post(post)
    before = row.state if row else ""
    if row is None:
        ModeratedPost.objects.create(
            post=post,
            topic_id=post.topic_id,
            is_opening_post=post.is_opening_post,
            state=state,
            deferred_activity=deferred_activity,
        )
    elif row.state != state or deferred_activity is not None:
        row.state = state
        row.updated_at = timezone.now()
        fields = ["state", "updated_at"]
        if deferred_activity is not None:
            row.deferred_activity = deferred_activity
            fields.append("deferred_activity")
        row.save(update_fields=fields)
    was_hidden, is_hidden = before in HIDDEN_POST_STATES, state in HIDDEN_POST_STATES
    if was_hidden != is_hidden:
        if post.is_opening_post or post.deleted_at is not None:
            community_services.mark_topic_changed(topic_id=post.topic_id)
        else:
            # Topic.reply_count counts the replies readers see: a held reply (created and
            # counted a moment ago by create_reply, in the same transaction) or a hidden one
            # comes off, an approved or restored one goes back on.
            community_services.adjust_reply_count(
                topic_id=post.topic_id, delta=-1 if is_hidden else 1
            )
    return before


def is_post_hidden(post: Post) -> bool:
    return ModeratedPost.objects.filter(post=post, state__in=HIDDEN_POST_STATES).exists()


# ---------------------------------------------------------------- targets and the queue


def _target_context(target) -> tuple[Post | None, object | None, Space | None]:
    """(post shown in the queue, member concerned, space) for a flag target."""
    user_model = get_user_model()
    if isinstance(target, Post):
        post = Post.objects.select_related("topic__space", "author").get(pk=target.pk)
        return post, post.author, post.topic.space
    if isinstance(target, Topic):
        topic = Topic.objects.select_related("space").get(pk=target.pk)
        post = Post.objects.select_related("author").filter(topic=topic, number=1).first()
        return post, topic.author, topic.space
    if isinstance(target, user_model):
        return None, target, None
    # Other apps' content (reviews, ideas): an author and a space if they have them.
    return None, getattr(target, "author", None), getattr(target, "space", None)


def open_review_item(
    *,
    target,
    reason: str,
    weight: float = 0.0,
    flags: int = 0,
    toxicity: float | None = None,
    spam_score: float | None = None,
    is_premoderation: bool = False,
) -> ReviewItem:
    """The open queue item for a target, created or updated with one more reason."""
    target_type = ContentType.objects.get_for_model(target)
    post, subject, space = _target_context(target)
    item = (
        ReviewItem.objects.select_for_update()
        .filter(target_type=target_type, target_id=target.pk, state=ReviewState.OPEN)
        .first()
    )
    now = timezone.now()
    if item is None:
        try:
            with transaction.atomic():
                item = ReviewItem.objects.create(
                    target_type=target_type,
                    target_id=target.pk,
                    post=post,
                    subject=subject,
                    space=space,
                    created_at=now,
                    updated_at=now,
                )
        except IntegrityError:  # a concurrent flag opened it first
            item = ReviewItem.objects.select_for_update().get(
                target_type=target_type, target_id=target.pk, state=ReviewState.OPEN
            )
    if reason and reason not in item.reasons:
        item.reasons = [*item.reasons, reason]
    item.flag_weight = round(item.flag_weight + weight, 4)
    item.flag_count += flags
    if toxicity is not None:
        item.toxicity = max(item.toxicity or 0.0, toxicity)
    if spam_score is not None:
        item.spam_score = max(item.spam_score or 0.0, spam_score)
    item.is_premoderation = item.is_premoderation or is_premoderation
    item.updated_at = now
    item.save(
        update_fields=[
            "reasons",
            "flag_weight",
            "flag_count",
            "toxicity",
            "spam_score",
            "is_premoderation",
            "updated_at",
        ]
    )
    return item


# ---------------------------------------------------------------- flags


def flag_weight_of(member) -> float:
    """How much one flag from this member counts (trust app; 1.0 until it is installed)."""
    try:
        from flywheel.trust.permissions import flag_weight
    except ImportError:
        return 1.0
    try:
        return float(flag_weight(member))
    except Exception:  # the trust app must never stop a member from flagging
        logger.exception("trust.permissions.flag_weight failed; counting the flag as 1.0")
        return 1.0


def _flaggable_space(target) -> Space | None:
    if isinstance(target, Post):
        return target.topic.space
    if isinstance(target, Topic):
        return target.space
    return getattr(target, "space", None)


@transaction.atomic
def raise_flag(*, flagger, target, reason: str, text: str = "") -> Flag:
    """A member flags a post, topic, member (or another app's content) once.

    The flag weighs what the flagger's trust earns; when the open flags on the target weigh
    FLYWHEEL_FLAG_HIDE_THRESHOLD or more, the content is hidden pending review.
    """
    if not flagger.is_authenticated:
        raise PermissionDenied(_("Sign in to flag."))
    if reason not in dict(MEMBER_FLAG_REASONS):
        raise InvalidInput(_("Choose a reason for the flag."), field="reason")
    text = (text or "").strip()
    if reason == FlagReason.OTHER and not text:
        raise InvalidInput(_("Tell the moderators what is wrong."), field="text")
    if len(text) > 1000:
        raise InvalidInput(_("Keep the details under 1000 characters."), field="text")
    user_model = get_user_model()
    if isinstance(target, user_model):
        if target.pk == flagger.pk:
            raise InvalidInput(_("You cannot flag yourself."), field="target")
    else:
        space = _flaggable_space(target)
        if space is not None and not can_view_space(flagger, space):
            raise PermissionDenied(_("This space is open to its members only."))
        author_id = getattr(target, "author_id", None)
        if author_id is not None and author_id == flagger.pk:
            raise InvalidInput(_("You cannot flag your own post."), field="target")
        if getattr(target, "deleted_at", None) is not None:
            raise InvalidInput(_("This was deleted."), field="target")
    # The allowance grows with trust (FLYWHEEL_RATE_LIMITS["flag"]; the brand team is free).
    check_action_rate_limit(member=flagger, action="flag")
    weight = flag_weight_of(flagger)
    target_type = ContentType.objects.get_for_model(target)
    try:
        with transaction.atomic():
            flag = Flag.objects.create(
                target_type=target_type,
                target_id=target.pk,
                flagger=flagger,
                reason=reason,
                text=text,
                weight=weight,
            )
    except IntegrityError as duplicate:
        raise Conflict(_("You already flagged this."), field="target") from duplicate
    item = open_review_item(target=target, reason=f"flag: {reason}", weight=weight, flags=1)
    Flag.objects.filter(pk=flag.pk).update(review_item=item)
    record_activity(
        actor=flagger,
        verb=Verb.FLAG_RAISED,
        target=flag,
        space=item.space,
        dedupe_key=f"flag_raised:{flag.pk}",
        payload={"reason": reason, "target_type": target_type.model, "target_id": target.pk},
    )
    if item.flag_weight >= hide_threshold() and item.post_id is not None:
        post = Post.objects.get(pk=item.post_id)
        if not is_post_hidden(post):
            before = set_post_state(post, PostState.HIDDEN)
            log_action(
                actor=None,
                action=ActionKind.FLAG_HIDE,
                target=post,
                reason=_("Flags weighing %(weight).1f passed the threshold of %(threshold).1f.")
                % {"weight": item.flag_weight, "threshold": hide_threshold()},
                before={"state": before or "visible"},
                after={"state": PostState.HIDDEN},
                space=item.space,
            )
    return flag


# ---------------------------------------------------------------- queue decisions


def _load_item(item: ReviewItem) -> ReviewItem:
    item = (
        # Lock only the item: PostgreSQL cannot lock the nullable side of the outer joins.
        ReviewItem.objects.select_for_update(of=("self",))
        .select_related("post__topic__space", "post__author", "space", "subject")
        .get(pk=item.pk)
    )
    if item.state != ReviewState.OPEN:
        raise Conflict(_("Another moderator already dealt with this."), field="item")
    return item


def _review_target(item: ReviewItem):
    """The app deciding this item's target (hooks.review_targets), when it is not a post."""
    if item.post_id is not None:
        return None
    target_type = ContentType.objects.get_for_id(item.target_type_id)
    return hooks.review_targets.get(f"{target_type.app_label}.{target_type.model}")


def _decide_target(item: ReviewItem, *, by, approve: bool, reason: str) -> bool:
    """Let the owning app approve or reject its record (a held referral); False when no app
    decides this item's target."""
    target = _review_target(item)
    if target is None:
        return False
    if not target.may_decide(by):
        raise PermissionDenied(_("You may not decide this item."))
    target.decide(target_id=item.target_id, approve=approve, by=by, reason=reason)
    return True


def resolve_review_items(*, target, by, resolution: str) -> int:
    """The owning app decided `target` outside the queue (the referrals staff page): its open
    queue item is resolved too, so nobody decides it twice. Returns how many were open."""
    return ReviewItem.objects.filter(
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        state=ReviewState.OPEN,
    ).update(
        state=ReviewState.RESOLVED,
        resolved_at=timezone.now(),
        resolved_by=by,
        resolution=resolution,
    )


def _resolve(item: ReviewItem, *, by, resolution: str, flag_state: str) -> None:
    now = timezone.now()
    ReviewItem.objects.filter(pk=item.pk).update(
        state=ReviewState.RESOLVED, resolved_at=now, resolved_by=by, resolution=resolution
    )
    Flag.objects.filter(review_item=item, state=FlagState.OPEN).update(state=flag_state)
    item.state = ReviewState.RESOLVED


def _record_deferred_activity(moderated: ModeratedPost | None, post: Post) -> None:
    """A pre-moderated post is announced (notifications, rewards, search) once approved."""
    if moderated is None or not moderated.deferred_activity:
        return
    deferred = moderated.deferred_activity
    target = post.topic if deferred.get("target") == "topic" else post
    record_activity(
        actor=post.author,
        verb=deferred["verb"],
        target=target,
        space=post.topic.space,
        payload=deferred.get("payload") or {},
        dedupe_key=deferred.get("dedupe_key"),
    )
    ModeratedPost.objects.filter(pk=moderated.pk).update(deferred_activity=None)


def _post_summary(post: Post | None) -> dict:
    if post is None:
        return {}
    return {"post_id": post.pk, "topic_id": post.topic_id, "number": post.number}


@transaction.atomic
def approve(*, item: ReviewItem, by, reason: str = "", ip_hash: str = "") -> ReviewItem:
    """The content is fine: show it (again), dismiss the flags, announce a held post. Another
    app's record (hooks.review_targets) is approved by that app."""
    item = _load_item(item)
    permissions.check_review_item_permission(by, item)
    reason = _clean_reason(reason)
    _decide_target(item, by=by, approve=True, reason=reason)
    post = item.post
    before_state = ""
    if post is not None:
        moderated = _moderated_post(post)
        before_state = moderated.state if moderated else ""
        set_post_state(post, PostState.APPROVED)
        _record_deferred_activity(moderated, post)
    _resolve(item, by=by, resolution="approved", flag_state=FlagState.DISMISSED)
    action = log_action(
        actor=by,
        action=ActionKind.APPROVE,
        target=item.target,
        reason=reason,
        before={"state": before_state or "visible", **_post_summary(post)},
        after={"state": PostState.APPROVED},
        space=item.space,
        ip_hash=ip_hash,
    )
    if post is not None and before_state in HIDDEN_POST_STATES:
        from flywheel.notifications.models import NotificationKind

        notify_member(
            recipient=post.author,
            action=action,
            kind=NotificationKind.MOD_APPROVED,
            summary=_("Your post in “%(topic)s” was approved.") % {"topic": post.topic.title},
            reason=reason,
            topic=post.topic,
            post=post,
        )
    return item


@transaction.atomic
def reject(*, item: ReviewItem, by, reason: str, ip_hash: str = "") -> ReviewItem:
    """The content breaks the guidelines: it stays hidden and the author is told why."""
    item = _load_item(item)
    permissions.check_review_item_permission(by, item)
    reason = _clean_reason(reason, required=True)
    post = item.post
    if post is None:
        if _decide_target(item, by=by, approve=False, reason=reason):
            return _rejected_target(item, by=by, reason=reason, ip_hash=ip_hash)
        raise InvalidInput(
            _("Only posts and topics can be rejected; dismiss the flags or sanction the member."),
            field="action",
        )
    before = set_post_state(post, PostState.REJECTED)
    _resolve(item, by=by, resolution="rejected", flag_state=FlagState.UPHELD)
    action = log_action(
        actor=by,
        action=ActionKind.REJECT,
        target=item.target,
        reason=reason,
        before={"state": before or "visible", **_post_summary(post)},
        after={"state": PostState.REJECTED},
        space=item.space,
        ip_hash=ip_hash,
    )
    from flywheel.notifications.models import NotificationKind

    notify_member(
        recipient=post.author,
        action=action,
        kind=NotificationKind.MOD_REJECTED,
        summary=_("Your post in “%(topic)s” was removed by a moderator.")
        % {"topic": post.topic.title},
        reason=reason,
        topic=post.topic,
        post=post,
    )
    return item


def _rejected_target(item: ReviewItem, *, by, reason: str, ip_hash: str) -> ReviewItem:
    """Another app's record rejected by its app (a held referral): resolve and log it."""
    _resolve(item, by=by, resolution="rejected", flag_state=FlagState.UPHELD)
    log_action(
        actor=by,
        action=ActionKind.REJECT,
        target=item.target,
        reason=reason,
        before={"state": "held"},
        after={"state": "rejected"},
        space=item.space,
        ip_hash=ip_hash,
    )
    return item


@transaction.atomic
def dismiss(*, item: ReviewItem, by, reason: str = "", ip_hash: str = "") -> ReviewItem:
    """Nothing to act on (flags about a member, or an unfounded report)."""
    item = _load_item(item)
    permissions.check_review_item_permission(by, item)
    if item.post_id is not None or _review_target(item) is not None:
        # A post, or another app's record: nothing wrong with it means approving it.
        return approve(item=item, by=by, reason=reason, ip_hash=ip_hash)
    reason = _clean_reason(reason)
    _resolve(item, by=by, resolution="dismissed", flag_state=FlagState.DISMISSED)
    log_action(
        actor=by,
        action=ActionKind.DISMISS,
        target=item.target,
        reason=reason,
        before={"flags": item.flag_count},
        after={"state": "dismissed"},
        space=item.space,
        ip_hash=ip_hash,
    )
    return item


@transaction.atomic
def edit_and_approve(
    *, item: ReviewItem, by, body: str, reason: str, ip_hash: str = ""
) -> ReviewItem:
    """Fix the post's text (history is kept) and show it; the author is told why."""
    item = _load_item(item)
    permissions.check_review_item_permission(by, item)
    reason = _clean_reason(reason, required=True)
    post = item.post
    if post is None:
        raise InvalidInput(_("Only posts can be edited."), field="action")
    old_body = post.body
    community_services.edit_post(post=post, editor=by, body=body)
    post.refresh_from_db(fields=["body"])
    moderated = _moderated_post(post)
    set_post_state(post, PostState.APPROVED)
    _record_deferred_activity(moderated, post)
    _resolve(item, by=by, resolution="edited", flag_state=FlagState.UPHELD)
    action = log_action(
        actor=by,
        action=ActionKind.EDIT,
        target=post,
        reason=reason,
        before={"body": old_body, **_post_summary(post)},
        after={"body": post.body, "state": PostState.APPROVED},
        space=item.space,
        ip_hash=ip_hash,
    )
    from flywheel.notifications.models import NotificationKind

    notify_member(
        recipient=post.author,
        action=action,
        kind=NotificationKind.MOD_EDITED,
        summary=_("A moderator edited your post in “%(topic)s”.") % {"topic": post.topic.title},
        reason=reason,
        topic=post.topic,
        post=post,
    )
    return item


@transaction.atomic
def delete_content(*, item: ReviewItem, by, reason: str, ip_hash: str = "") -> ReviewItem:
    """Delete the post (an opening post takes its topic with it); the author is told why."""
    item = _load_item(item)
    permissions.check_review_item_permission(by, item)
    reason = _clean_reason(reason, required=True)
    post = item.post
    if post is None:
        raise InvalidInput(_("Only posts and topics can be deleted."), field="action")
    community_services.delete_post(post=post, by=by)
    _resolve(item, by=by, resolution="deleted", flag_state=FlagState.UPHELD)
    action = log_action(
        actor=by,
        action=ActionKind.DELETE,
        target=item.target,
        reason=reason,
        before={"body": post.body, **_post_summary(post)},
        after={"deleted": True},
        space=item.space,
        ip_hash=ip_hash,
    )
    from flywheel.notifications.models import NotificationKind

    notify_member(
        recipient=post.author,
        action=action,
        kind=NotificationKind.MOD_DELETED,
        summary=_("A moderator deleted your post in “%(topic)s”.") % {"topic": post.topic.title},
        reason=reason,
    )
    return item


def _resolve_open_items_for_topic(topic: Topic, *, by, resolution: str) -> None:
    ReviewItem.objects.filter(post__topic=topic, state=ReviewState.OPEN).update(
        state=ReviewState.RESOLVED,
        resolved_at=timezone.now(),
        resolved_by=by,
        resolution=resolution,
    )


def _reindex_on_commit(post_ids: list[int]) -> None:
    def reindex() -> None:
        from flywheel.search.services import index_posts

        index_posts(post_ids)

    transaction.on_commit(reindex, robust=True)


@transaction.atomic
def move_topic(*, topic: Topic, to_space: Space, by, reason: str, ip_hash: str = "") -> Topic:
    """Move a topic to another space (a moderator of both spaces); the author is told why."""
    permissions.check_space_moderation_permission(by, topic.space)
    reason = _clean_reason(reason, required=True)
    from_space = Space.objects.get(pk=topic.space_id)
    topic = community_services.move_topic(topic=topic, to_space=to_space, by=by)
    ReviewItem.objects.filter(post__topic=topic).update(space=to_space)
    _reindex_on_commit(list(topic.posts.values_list("pk", flat=True)))
    action = log_action(
        actor=by,
        action=ActionKind.MOVE,
        target=topic,
        reason=reason,
        before={"space": from_space.slug},
        after={"space": to_space.slug},
        space=to_space,
        ip_hash=ip_hash,
    )
    from flywheel.notifications.models import NotificationKind

    notify_member(
        recipient=topic.author,
        action=action,
        kind=NotificationKind.MOD_MOVED,
        summary=_("Your topic “%(topic)s” was moved to %(space)s.")
        % {"topic": topic.title, "space": to_space.name},
        reason=reason,
        topic=topic,
    )
    return topic


@transaction.atomic
def merge_topics(*, source: Topic, into: Topic, by, reason: str, ip_hash: str = "") -> Topic:
    """Append the posts of `source` to `into`; `source`'s address then redirects to `into`."""
    if source.pk == into.pk:
        raise InvalidInput(_("Choose a different topic to merge into."), field="into")
    permissions.check_space_moderation_permission(by, source.space)
    permissions.check_space_moderation_permission(by, into.space)
    reason = _clean_reason(reason, required=True)
    merge = community_services.merge_topics(source=source, into=into, by=by)
    into, moved_ids = merge.into, merge.moved_post_ids
    ModeratedPost.objects.filter(post_id__in=moved_ids).update(topic=into, is_opening_post=False)
    ReviewItem.objects.filter(post_id__in=moved_ids).update(space=into.space)
    TopicRedirect.objects.filter(to_topic=source).update(to_topic=into)
    TopicRedirect.objects.update_or_create(from_topic=source, defaults={"to_topic": into})
    _reindex_on_commit(moved_ids)
    action = log_action(
        actor=by,
        action=ActionKind.MERGE,
        target=source,
        reason=reason,
        before={"topic_id": source.pk, "post_ids": moved_ids},
        after={"topic_id": into.pk, "first_number": merge.first_number},
        space=into.space,
        ip_hash=ip_hash,
    )
    from flywheel.notifications.models import NotificationKind

    notify_member(
        recipient=source.author,
        action=action,
        kind=NotificationKind.MOD_MERGED,
        summary=_("Your topic “%(source)s” was merged into “%(into)s”.")
        % {"source": source.title, "into": into.title},
        reason=reason,
        topic=into,
    )
    return into


# ---------------------------------------------------------------- heated topics


@transaction.atomic
def set_slow_mode(
    *, topic: Topic, seconds: int, by, reason: str = "", ip_hash: str = ""
) -> TopicSlowMode | None:
    """One post per member every `seconds` in this topic (0 turns slow mode off)."""
    topic = Topic.objects.select_related("space").get(pk=topic.pk)
    permissions.check_space_moderation_permission(by, topic.space)
    if not 0 <= seconds <= MAX_SLOW_MODE_SECONDS:
        raise InvalidInput(
            _("Slow mode is between 0 (off) and %(limit)d seconds.")
            % {"limit": MAX_SLOW_MODE_SECONDS},
            field="seconds",
        )
    reason = _clean_reason(reason)
    existing = TopicSlowMode.objects.select_for_update().filter(topic=topic).first()
    before = {"seconds": existing.seconds if existing else 0}
    slow_mode = None
    if seconds == 0:
        TopicSlowMode.objects.filter(topic=topic).delete()
    else:
        slow_mode, _created = TopicSlowMode.objects.update_or_create(
            topic=topic, defaults={"seconds": seconds, "set_by": by, "set_at": timezone.now()}
        )
    community_services.mark_topic_changed(topic_id=topic.pk)
    log_action(
        actor=by,
        action=ActionKind.SLOW_MODE,
        target=topic,
        reason=reason,
        before=before,
        after={"seconds": seconds},
        space=topic.space,
        ip_hash=ip_hash,
    )
    return slow_mode


@transaction.atomic
def set_topic_locked(
    *, topic: Topic, locked: bool, by, reason: str = "", ip_hash: str = ""
) -> Topic:
    """Lock a heated topic: no new replies except from moderators."""
    before = {"locked": topic.is_closed}
    topic = community_services.set_topic_flags(topic=topic, by=by, closed=locked)
    log_action(
        actor=by,
        action=ActionKind.LOCK if locked else ActionKind.UNLOCK,
        target=topic,
        reason=_clean_reason(reason),
        before=before,
        after={"locked": locked},
        space=topic.space,
        ip_hash=ip_hash,
    )
    return topic


# ---------------------------------------------------------------- sanctions and appeals


def sanctions_in_force(member, kinds) -> models.QuerySet[Sanction]:
    return Sanction.objects.in_force().filter(member=member, kind__in=kinds)


def sign_in_block(member) -> Sanction | None:
    """The suspension or ban that keeps this member from signing in, if any."""
    return sanctions_in_force(member, SIGN_IN_BLOCKED_BY).order_by("-ends_at").first()


def _sign_out_key(member_id: int) -> str:
    return SIGN_OUT_CACHE_KEY.format(member_id=member_id)


def sign_out_guard(identity, member_id: int) -> list[tuple[str, bool]]:
    """core.member_cache serves no cached page to a member the middleware must sign out."""
    return [(_sign_out_key(member_id), False)]


def must_sign_out(member) -> bool:
    """Cheap per-request check (a cache read) used by the middleware; the DB confirms it."""
    return bool(cache.get(_sign_out_key(member.pk)))


@transaction.atomic
def issue_sanction(
    *,
    member,
    kind: str,
    reason: str,
    by,
    ends_at: datetime | None = None,
    ip_hash: str = "",
) -> Sanction:
    """Warn, silence (no posting until), suspend (no signing in until) or ban a member."""
    permissions.check_staff_permission(by)
    if kind not in SanctionKind.values:
        raise InvalidInput(_("Choose a kind of sanction."), field="kind")
    if member.pk == by.pk:
        raise InvalidInput(_("You cannot sanction yourself."), field="member")
    if member.is_superuser or (member.is_brand_team and not by.is_community_admin):
        raise PermissionDenied(_("Only an admin can sanction a member of the brand team."))
    reason = _clean_reason(reason, required=True)
    now = timezone.now()
    if kind in (SanctionKind.SILENCE, SanctionKind.SUSPENSION):
        if ends_at is None:
            raise InvalidInput(_("Choose until when."), field="ends_at")
        if timezone.is_naive(ends_at):
            ends_at = timezone.make_aware(ends_at)
        if ends_at <= now:
            raise InvalidInput(_("The end must be in the future."), field="ends_at")
    else:
        ends_at = None
    sanction = Sanction.objects.create(
        member=member, kind=kind, reason=reason, starts_at=now, ends_at=ends_at, issued_by=by
    )
    if kind in SIGN_IN_BLOCKED_BY:
        timeout = None if ends_at is None else int((ends_at - now).total_seconds()) + 60
        transaction.on_commit(lambda: cache.set(_sign_out_key(member.pk), sanction.pk, timeout))
    action = log_action(
        actor=by,
        action=ActionKind.SANCTION,
        target=member,
        reason=reason,
        before={},
        after={
            "sanction_id": sanction.pk,
            "kind": kind,
            "ends_at": ends_at.isoformat() if ends_at else None,
        },
        ip_hash=ip_hash,
    )
    from flywheel.notifications.models import NotificationKind

    summaries = {
        SanctionKind.WARNING: _("You received a warning from the moderators."),
        SanctionKind.SILENCE: _("You cannot post until %(until)s."),
        SanctionKind.SUSPENSION: _("Your account is suspended until %(until)s."),
        SanctionKind.BAN: _("Your account is banned."),
    }
    until = ends_at.strftime("%Y-%m-%d %H:%M UTC") if ends_at else ""
    notify_member(
        recipient=member,
        action=action,
        kind=NotificationKind.MOD_SANCTION,
        summary=summaries[kind] % {"until": until} if ends_at else summaries[kind],
        reason=reason,
        sanction=sanction,
    )
    return sanction


@transaction.atomic
def revoke_sanction(*, sanction: Sanction, by, reason: str = "", ip_hash: str = "") -> Sanction:
    permissions.check_staff_permission(by)
    sanction = Sanction.objects.select_for_update().get(pk=sanction.pk)
    if sanction.revoked_at is not None:
        return sanction
    sanction.revoked_at = timezone.now()
    sanction.revoked_by = by
    sanction.save(update_fields=["revoked_at", "revoked_by"])
    member_id = sanction.member_id
    transaction.on_commit(lambda: cache.delete(_sign_out_key(member_id)))
    log_action(
        actor=by,
        action=ActionKind.REVOKE_SANCTION,
        target=sanction.member,
        reason=_clean_reason(reason),
        before={"sanction_id": sanction.pk, "kind": sanction.kind, "revoked": False},
        after={"revoked": True},
        ip_hash=ip_hash,
    )
    return sanction


@transaction.atomic
def submit_appeal(*, sanction: Sanction, member, text: str) -> Appeal:
    """The sanctioned member asks the brand team to reconsider, once per sanction."""
    if sanction.member_id != member.pk:
        raise PermissionDenied(_("You can only appeal your own sanctions."))
    text = (text or "").strip()
    if len(text) < 10:
        raise InvalidInput(_("Explain your appeal in a sentence or two."), field="text")
    if len(text) > 4000:
        raise InvalidInput(_("Keep the appeal under 4000 characters."), field="text")
    if sanction.revoked_at is not None:
        raise Conflict(_("This sanction was already lifted."), field="sanction")
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(sanction=sanction, member=member, text=text)
    except IntegrityError as duplicate:
        raise Conflict(_("You already appealed this sanction."), field="sanction") from duplicate
    record_activity(
        actor=member,
        verb=Verb.APPEAL_SUBMITTED,
        target=appeal,
        dedupe_key=f"appeal_submitted:{appeal.pk}",
        payload={"sanction_id": sanction.pk, "kind": sanction.kind},
    )
    return appeal


@transaction.atomic
def decide_appeal(*, appeal: Appeal, by, grant: bool, reason: str, ip_hash: str = "") -> Appeal:
    """Staff grant (the sanction is lifted) or deny an appeal; the member is told why."""
    permissions.check_staff_permission(by)
    appeal = Appeal.objects.select_for_update().select_related("sanction").get(pk=appeal.pk)
    if appeal.state != AppealState.PENDING:
        raise Conflict(_("This appeal was already decided."), field="appeal")
    if appeal.sanction.issued_by_id == by.pk and not by.is_community_admin:
        raise PermissionDenied(_("Someone other than the issuer decides the appeal."))
    reason = _clean_reason(reason, required=True)
    appeal.state = AppealState.GRANTED if grant else AppealState.DENIED
    appeal.decided_by = by
    appeal.decided_at = timezone.now()
    appeal.decision_reason = reason
    appeal.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
    if grant:
        revoke_sanction(sanction=appeal.sanction, by=by, reason=reason, ip_hash=ip_hash)
    action = log_action(
        actor=by,
        action=ActionKind.APPEAL_DECIDED,
        target=appeal,
        reason=reason,
        before={"state": AppealState.PENDING},
        after={"state": appeal.state},
        ip_hash=ip_hash,
    )
    from flywheel.notifications.models import NotificationKind

    notify_member(
        recipient=appeal.member,
        action=action,
        kind=NotificationKind.MOD_APPEAL,
        summary=_("Your appeal was granted: the sanction is lifted.")
        if grant
        else _("Your appeal was denied."),
        reason=reason,
        sanction=appeal.sanction,
    )
    return appeal
