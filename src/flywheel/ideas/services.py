"""Every write about ideas and feature requests (docs/ideas.md).

Support is one row per member and idea (a unique constraint), counted on the idea with F()
updates under a row lock, so the counts, the milestones they reach and the statuses they lead
to stay exact however many members click at once. Every status change is an IdeaStatusChange
row plus an Activity (IDEA_STATUS_CHANGED); the ideas consumer (consumers.py) turns it into a
notification for the creator and every supporter, each in their own language."""

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from flywheel.commerce.queries import is_verified_buyer
from flywheel.core.exceptions import Conflict, InvalidInput
from flywheel.core.images import ImageUse, process_image
from flywheel.core.markup import render_markdown
from flywheel.core.models import Verb
from flywheel.core.ratelimit import check_action_rate_limit
from flywheel.core.services import record_activity
from flywheel.ideas import permissions
from flywheel.ideas.milestones import milestones, review_period_bounds, window_after
from flywheel.ideas.models import (
    STAFF_TRANSITIONS,
    SUPPORTABLE_STATUSES,
    CreatorReward,
    FeatureRequest,
    FeatureVote,
    FeedbackBoard,
    Idea,
    IdeaCategory,
    IdeaComment,
    IdeaImage,
    IdeaStatus,
    IdeaStatusChange,
    RequestStatus,
    ReviewPeriod,
    RewardKind,
    Support,
)

TITLE_MAX = 150
DESCRIPTION_MAX = 10_000
COMMENT_MAX = 5_000
REASON_MAX = 2_000
MAX_IMAGES = 6

IDEA_IMAGE = ImageUse(
    field="images",
    label=gettext_lazy("The image"),
    max_bytes=10 * 1024 * 1024,
    max_pixels=25_000_000,
    max_jpeg_pixels=50_000_000,
    output_size=(1600, 1600),
    crop=False,
)


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def buyer_weight() -> Decimal:
    """FLYWHEEL_IDEAS_BUYER_WEIGHT as a Decimal (1: a buyer's support counts like anyone's)."""
    try:
        weight = Decimal(str(settings.FLYWHEEL_IDEAS_BUYER_WEIGHT))
    except InvalidOperation as error:
        raise ValueError("FLYWHEEL_IDEAS_BUYER_WEIGHT must be a number such as 1 or 2.5") from error
    return max(weight, Decimal(1))


def _clean(value: str, *, field: str, max_length: int, missing: str, required=True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(missing, field=field)
    if len(value) > max_length:
        raise InvalidInput(
            _("Keep it under %(count)d characters.") % {"count": max_length}, field=field
        )
    return value


# ---------------------------------------------------------------- ideas


@transaction.atomic
def submit_idea(
    *,
    author,
    title: str,
    description: str,
    category: IdeaCategory | None = None,
    images=(),
    at: datetime | None = None,
    enforce_rate_limit: bool = True,
) -> Idea:
    """A member proposes a product. Its first milestone window starts now. Every image goes
    through core.images before a row is written (all or nothing)."""
    permissions.check_member(author, _("Sign in to submit an idea."))
    title = _clean(title, field="title", max_length=TITLE_MAX, missing=_("Give your idea a title."))
    description = _clean(
        description,
        field="description",
        max_length=DESCRIPTION_MAX,
        missing=_("Describe your idea."),
    )
    uploads = [upload for upload in (images or []) if upload]
    if len(uploads) > MAX_IMAGES:
        raise InvalidInput(
            _("An idea can have at most %(count)d images.") % {"count": MAX_IMAGES},
            field="images",
        )
    processed = [process_image(upload, use=IDEA_IMAGE) for upload in uploads]
    if enforce_rate_limit:
        check_action_rate_limit(member=author, action="idea")
    now = _now(at)
    idea = Idea.objects.create(
        author=author,
        category=category,
        title=title,
        description=description,
        description_html=render_markdown(description),
        window_ends_at=window_after(0, since=now),
        image_count=len(processed),
        status_changed_at=now,
        created_at=now,
        updated_at=now,
    )
    for position, image in enumerate(processed):
        row = IdeaImage(idea=idea, position=position)
        row.image.save(image.file.name, image.file, save=False)
        row.save()
    record_activity(
        actor=author,
        verb=Verb.IDEA_SUBMITTED,
        target=idea,
        payload={"title": title, "category": category.slug if category else None},
        dedupe_key=f"idea_submitted:{idea.pk}",
        at=now,
    )
    return idea


def _locked(idea: Idea) -> Idea:
    return Idea.objects.select_for_update(of=("self",)).select_related("author").get(pk=idea.pk)


def _set_status(
    idea: Idea, *, status: str, by=None, reason: str = "", at: datetime
) -> IdeaStatusChange:
    """Move a locked idea to `status`, keep the history, log the activity (which notifies)."""
    change = IdeaStatusChange.objects.create(
        idea=idea, from_status=idea.status, to_status=status, reason=reason, by=by, created_at=at
    )
    idea.status = status
    idea.status_changed_at = at
    idea.updated_at = at
    fields = ["status", "status_changed_at", "updated_at"]
    if status == IdeaStatus.DECLINED:
        idea.decline_reason = reason
        fields.append("decline_reason")
    if status == IdeaStatus.RELEASED:
        idea.released_at = at
        fields.append("released_at")
    idea.save(update_fields=fields)
    record_activity(
        actor=by,
        verb=Verb.IDEA_STATUS_CHANGED,
        target=idea,
        payload={"from": change.from_status, "to": status, "title": idea.title},
        dedupe_key=f"idea_status_changed:{change.pk}",
        at=at,
    )
    return change


def _send_to_review(idea: Idea, *, by=None, at: datetime) -> None:
    starts_at, ends_at = review_period_bounds(at)
    period, _created = ReviewPeriod.objects.get_or_create(
        starts_at=starts_at, defaults={"ends_at": ends_at}
    )
    idea.review_period = period
    idea.qualified_at = at
    idea.window_ends_at = None
    idea.save(update_fields=["review_period", "qualified_at", "window_ends_at"])
    _set_status(idea, status=IdeaStatus.IN_REVIEW, by=by, at=at)


def _apply_milestones(idea: Idea, *, at: datetime) -> None:
    """Count milestones the (locked, freshly counted) idea reached within their windows; the
    first moves it to gaining support, the last sends it to review."""
    if idea.status not in SUPPORTABLE_STATUSES:
        return
    schedule = milestones()
    weighted = idea.weighted_support(buyer_weight())
    reached = idea.milestones_reached
    while (
        reached < len(schedule)
        and weighted >= schedule[reached].supporters
        and (idea.window_ends_at is None or at <= idea.window_ends_at)
    ):
        reached += 1
        idea.window_ends_at = window_after(reached, since=at)
    if reached == idea.milestones_reached:
        return
    idea.milestones_reached = reached
    idea.save(update_fields=["milestones_reached", "window_ends_at"])
    if reached >= len(schedule):
        _send_to_review(idea, at=at)
    elif idea.status == IdeaStatus.NEW:
        _set_status(idea, status=IdeaStatus.GAINING_SUPPORT, at=at)


def _expire_if_due(idea: Idea, *, at: datetime) -> bool:
    """Expire an idea whose window closed (the periodic task may not have run yet)."""
    if (
        idea.status in SUPPORTABLE_STATUSES
        and idea.window_ends_at is not None
        and idea.window_ends_at < at
    ):
        with transaction.atomic():
            locked = _locked(idea)
            if locked.status in SUPPORTABLE_STATUSES and locked.window_ends_at < at:
                _set_status(locked, status=IdeaStatus.EXPIRED, at=at)
        return True
    return False


def expire_ideas(*, now: datetime | None = None) -> int:
    """The periodic task: ideas that missed their milestone window expire, visibly (the page
    says which milestone they missed), and their supporters are told. Idempotent."""
    now = _now(now)
    expired = 0
    due = Idea.objects.filter(status__in=SUPPORTABLE_STATUSES, window_ends_at__lt=now)
    for idea in due.order_by("window_ends_at", "pk")[:1000]:
        expired += int(_expire_if_due(idea, at=now))
    return expired


def support_idea(*, idea: Idea, member, at: datetime | None = None) -> Support:
    """A member supports an idea, once (the database refuses a second). A verified buyer's
    support weighs FLYWHEEL_IDEAS_BUYER_WEIGHT towards the milestones."""
    now = _now(at)
    permissions.check_support_permission(member, idea)
    if _expire_if_due(idea, at=now):
        raise Conflict(_("This idea expired; it can no longer be supported."), field="idea")
    check_action_rate_limit(member=member, action="reaction")
    buyer = is_verified_buyer(member)
    with transaction.atomic():
        idea = _locked(idea)
        if not idea.is_supportable:
            raise Conflict(_("This idea is not collecting support."), field="idea")
        try:
            with transaction.atomic():
                support = Support.objects.create(
                    idea=idea, member=member, verified_buyer=buyer, created_at=now
                )
        except IntegrityError as duplicate:
            raise Conflict(_("You already support this idea."), field="idea") from duplicate
        Idea.objects.filter(pk=idea.pk).update(
            support_count=F("support_count") + 1,
            buyer_support_count=F("buyer_support_count") + int(buyer),
            updated_at=now,
        )
        idea.refresh_from_db(fields=["support_count", "buyer_support_count"])
        record_activity(
            actor=member,
            verb=Verb.IDEA_VOTED,
            target=idea,
            payload={"verified_buyer": buyer},
            # Once per member and idea: withdrawing and supporting again earns nothing twice.
            dedupe_key=f"idea_voted:{idea.pk}:{member.pk}",
            at=now,
        )
        _apply_milestones(idea, at=now)
    return support


@transaction.atomic
def withdraw_support(*, idea: Idea, member, at: datetime | None = None) -> Idea:
    """A member takes their support back while the idea still collects support. Milestones
    already reached stay reached (as on LEGO Ideas)."""
    now = _now(at)
    permissions.check_member(member, _("Sign in to support ideas."))
    idea = _locked(idea)
    if idea.status not in SUPPORTABLE_STATUSES:
        raise Conflict(_("This idea is no longer collecting support."), field="idea")
    support = Support.objects.filter(idea=idea, member=member).first()
    if support is None:
        raise Conflict(_("You do not support this idea."), field="idea")
    support.delete()
    Idea.objects.filter(pk=idea.pk).update(
        support_count=F("support_count") - 1,
        buyer_support_count=F("buyer_support_count") - int(support.verified_buyer),
        updated_at=now,
    )
    idea.refresh_from_db(fields=["support_count", "buyer_support_count"])
    record_activity(
        actor=member,
        verb=Verb.IDEA_SUPPORT_WITHDRAWN,
        target=idea,
        payload={"verified_buyer": support.verified_buyer},
        at=now,
    )
    return idea


@transaction.atomic
def comment_on_idea(*, idea: Idea, author, body: str, at: datetime | None = None) -> IdeaComment:
    permissions.check_comment_permission(author, idea)
    body = _clean(body, field="body", max_length=COMMENT_MAX, missing=_("Write a comment."))
    check_action_rate_limit(member=author, action="reply")
    now = _now(at)
    comment = IdeaComment.objects.create(
        idea=idea, author=author, body=body, body_html=render_markdown(body), created_at=now
    )
    Idea.objects.filter(pk=idea.pk).update(comment_count=F("comment_count") + 1)
    record_activity(
        actor=author,
        verb=Verb.IDEA_COMMENTED,
        target=comment,
        payload={"idea_id": idea.pk},
        dedupe_key=f"idea_commented:{comment.pk}",
        at=now,
    )
    return comment


def change_idea_status(
    *, idea: Idea, by, status: str, reason: str = "", at: datetime | None = None
) -> Idea:
    """The brand team moves an idea on (STAFF_TRANSITIONS). Declining needs a reason the page
    shows; decisions on ideas in review wait until their review period has ended."""
    permissions.check_manage_permission(by)
    now = _now(at)
    if status not in IdeaStatus.values:
        raise InvalidInput(_("Choose a status."), field="status")
    reason = _clean(
        reason,
        field="reason",
        max_length=REASON_MAX,
        missing=_("Tell the creator and supporters why the idea is declined."),
        required=status == IdeaStatus.DECLINED,
    )
    with transaction.atomic():
        idea = _locked(idea)
        if status not in STAFF_TRANSITIONS[idea.status]:
            raise Conflict(
                _("An idea that is %(current)s cannot become %(new)s.")
                % {
                    "current": IdeaStatus(idea.status).label,
                    "new": IdeaStatus(status).label,
                },
                field="status",
            )
        if (
            idea.status == IdeaStatus.IN_REVIEW
            and idea.review_period_id is not None
            and status in (IdeaStatus.ACCEPTED, IdeaStatus.DECLINED)
        ):
            period = ReviewPeriod.objects.get(pk=idea.review_period_id)
            if now < period.ends_at:
                raise Conflict(
                    _(
                        "Ideas in review are decided together when the review period ends "
                        "(%(date)s)."
                    )
                    % {"date": period.ends_at.date().isoformat()},
                    field="status",
                )
        if status == IdeaStatus.IN_REVIEW:
            _send_to_review(idea, by=by, at=now)
        else:
            _set_status(idea, status=status, by=by, reason=reason, at=now)
    return idea


@transaction.atomic
def record_creator_reward(
    *,
    idea: Idea,
    by,
    kind: str,
    revenue_share_percent=None,
    description: str = "",
) -> CreatorReward:
    """What the creator of an accepted idea receives (a share of sales or a perk), recorded
    once and editable by the brand team."""
    permissions.check_manage_permission(by)
    idea = _locked(idea)
    if idea.status not in (IdeaStatus.ACCEPTED, IdeaStatus.IN_PRODUCTION, IdeaStatus.RELEASED):
        raise Conflict(_("Only accepted ideas earn their creator a reward."), field="idea")
    if kind not in RewardKind.values:
        raise InvalidInput(_("Choose a kind of reward."), field="kind")
    description = _clean(
        description, field="description", max_length=300, missing="", required=False
    )
    percent = None
    if kind == RewardKind.REVENUE_SHARE:
        try:
            percent = Decimal(str(revenue_share_percent)).quantize(Decimal("0.01"))
        except (InvalidOperation, TypeError, ValueError):
            percent = None
        if percent is None or not Decimal(0) < percent <= Decimal(100):
            raise InvalidInput(
                _("Give the share of sales as a percentage above 0 and at most 100."),
                field="revenue_share_percent",
            )
    elif not description:
        raise InvalidInput(_("Describe the perk."), field="description")
    reward, _created = CreatorReward.objects.update_or_create(
        idea=idea,
        defaults={
            "kind": kind,
            "revenue_share_percent": percent,
            "description": description,
            "recorded_by": by,
            "recorded_at": timezone.now(),
        },
    )
    return reward


# ---------------------------------------------------------------- moderation


def _flag(*, target, flagger, reason: str, text: str, hide) -> object:
    """Through the moderation app's one flag path (raise_flag opens or updates the queue
    item); past FLYWHEEL_FLAG_HIDE_THRESHOLD the content is hidden pending a decision."""
    from flywheel.moderation import services as moderation

    flag = moderation.raise_flag(flagger=flagger, target=target, reason=reason, text=text)
    from flywheel.moderation.models import ReviewItem

    # raise_flag links the flag to its queue item with an update(): read the link back.
    item = ReviewItem.objects.filter(flags__pk=flag.pk).first()
    if item is not None and item.flag_weight >= moderation.hide_threshold():
        hide()
    return flag


@transaction.atomic
def flag_idea(*, idea: Idea, flagger, reason: str, text: str = ""):
    def hide() -> None:
        Idea.objects.filter(pk=idea.pk, hidden_at__isnull=True).update(hidden_at=timezone.now())

    return _flag(target=idea, flagger=flagger, reason=reason, text=text, hide=hide)


@transaction.atomic
def flag_comment(*, comment: IdeaComment, flagger, reason: str, text: str = ""):
    def hide() -> None:
        IdeaComment.objects.filter(pk=comment.pk, hidden_at__isnull=True).update(
            hidden_at=timezone.now()
        )

    return _flag(target=comment, flagger=flagger, reason=reason, text=text, hide=hide)


@transaction.atomic
def set_idea_hidden(*, idea: Idea, by, hidden: bool) -> Idea:
    """A moderator hides an idea, or shows one that flags hid (after dismissing them)."""
    permissions.check_manage_permission(by)
    Idea.objects.filter(pk=idea.pk).update(hidden_at=timezone.now() if hidden else None)
    idea.refresh_from_db(fields=["hidden_at"])
    return idea


@transaction.atomic
def set_comment_hidden(*, comment: IdeaComment, by, hidden: bool) -> IdeaComment:
    permissions.check_manage_permission(by)
    IdeaComment.objects.filter(pk=comment.pk).update(hidden_at=timezone.now() if hidden else None)
    comment.refresh_from_db(fields=["hidden_at"])
    return comment


# ---------------------------------------------------------------- categories and boards


@transaction.atomic
def create_category(*, name: str, by, position: int = 0) -> IdeaCategory:
    permissions.check_manage_permission(by)
    name = _clean(name, field="name", max_length=80, missing=_("Name the category."))
    category, _created = IdeaCategory.objects.get_or_create(
        slug=slugify(name)[:80], defaults={"name": name, "position": position}
    )
    return category


@transaction.atomic
def create_board(*, name: str, by, description: str = "", position: int = 0) -> FeedbackBoard:
    permissions.check_manage_permission(by)
    name = _clean(name, field="name", max_length=80, missing=_("Name the board."))
    description = _clean(
        description, field="description", max_length=300, missing="", required=False
    )
    board, _created = FeedbackBoard.objects.get_or_create(
        slug=slugify(name)[:80],
        defaults={"name": name, "description": description, "position": position},
    )
    return board


# ---------------------------------------------------------------- feature requests


@transaction.atomic
def request_feature(
    *, board: FeedbackBoard, author, title: str, body: str = "", at: datetime | None = None
) -> FeatureRequest:
    """A member asks for a feature on a board; their own vote comes with it."""
    permissions.check_member(author, _("Sign in to request a feature."))
    title = _clean(
        title, field="title", max_length=TITLE_MAX, missing=_("Give the request a title.")
    )
    body = _clean(body, field="body", max_length=DESCRIPTION_MAX, missing="", required=False)
    check_action_rate_limit(member=author, action="idea")
    now = _now(at)
    request = FeatureRequest.objects.create(
        board=board,
        author=author,
        title=title,
        body=body,
        body_html=render_markdown(body) if body else "",
        vote_count=1,
        created_at=now,
        updated_at=now,
    )
    FeatureVote.objects.create(request=request, member=author, created_at=now)
    record_activity(
        actor=author,
        verb=Verb.FEATURE_REQUESTED,
        target=request,
        payload={"board": board.slug, "title": title},
        dedupe_key=f"feature_requested:{request.pk}",
        at=now,
    )
    return request


def _locked_request(request: FeatureRequest) -> FeatureRequest:
    return FeatureRequest.objects.select_for_update().get(pk=request.pk)


@transaction.atomic
def vote_for_request(*, request: FeatureRequest, member, at: datetime | None = None) -> FeatureVote:
    permissions.check_vote_permission(member, request)
    check_action_rate_limit(member=member, action="reaction")
    now = _now(at)
    request = _locked_request(request)
    permissions.check_vote_permission(member, request)
    if request.status in (RequestStatus.DONE, RequestStatus.DECLINED):
        raise Conflict(_("This request is closed."), field="request")
    try:
        with transaction.atomic():
            vote = FeatureVote.objects.create(request=request, member=member, created_at=now)
    except IntegrityError as duplicate:
        raise Conflict(_("You already voted for this."), field="request") from duplicate
    FeatureRequest.objects.filter(pk=request.pk).update(vote_count=F("vote_count") + 1)
    record_activity(
        actor=member,
        verb=Verb.FEATURE_VOTED,
        target=request,
        dedupe_key=f"feature_voted:{request.pk}:{member.pk}",
        at=now,
    )
    return vote


@transaction.atomic
def withdraw_vote(*, request: FeatureRequest, member) -> FeatureRequest:
    permissions.check_member(member, _("Sign in to vote."))
    request = _locked_request(request)
    deleted, _rows = FeatureVote.objects.filter(request=request, member=member).delete()
    if not deleted:
        raise Conflict(_("You have not voted for this."), field="request")
    FeatureRequest.objects.filter(pk=request.pk).update(vote_count=F("vote_count") - 1)
    request.refresh_from_db(fields=["vote_count"])
    return request


@transaction.atomic
def merge_requests(
    *, source: FeatureRequest, into: FeatureRequest, by, at: datetime | None = None
) -> FeatureRequest:
    """Merge a duplicate into the request it repeats. Each member's vote is carried over
    exactly once: a voter of both keeps one vote, and merging the same pair again is refused.
    The target's count is recomputed from the vote rows, never added up."""
    permissions.check_manage_permission(by)
    if source.pk == into.pk:
        raise InvalidInput(_("Choose another request to merge into."), field="into")
    # Lock both in id order so two merges of the same pair cannot deadlock.
    locked = {
        row.pk: row
        for row in FeatureRequest.objects.select_for_update()
        .filter(pk__in=[source.pk, into.pk])
        .order_by("pk")
    }
    source, into = locked[source.pk], locked[into.pk]
    if source.status == RequestStatus.MERGED:
        raise Conflict(_("This request was already merged."), field="source")
    if into.status == RequestStatus.MERGED:
        raise Conflict(_("Merge into the request it was merged into instead."), field="into")
    already = FeatureVote.objects.filter(request=into).values("member_id")
    FeatureVote.objects.filter(request=source, member_id__in=already).delete()
    FeatureVote.objects.filter(request=source).update(request=into)
    now = _now(at)
    into.vote_count = FeatureVote.objects.filter(request=into).count()
    into.updated_at = now
    into.save(update_fields=["vote_count", "updated_at"])
    previous = source.status
    source.status = RequestStatus.MERGED
    source.merged_into = into
    source.vote_count = 0
    source.updated_at = now
    source.save(update_fields=["status", "merged_into", "vote_count", "updated_at"])
    record_activity(
        actor=by,
        verb=Verb.FEATURE_STATUS_CHANGED,
        target=source,
        payload={"from": previous, "to": RequestStatus.MERGED, "into": into.pk},
        dedupe_key=f"feature_merged:{source.pk}",
        at=now,
    )
    return into


@transaction.atomic
def change_request_status(
    *, request: FeatureRequest, by, status: str, at: datetime | None = None
) -> FeatureRequest:
    """Planned, in progress, done or declined; voters hear of each change, and of "done" as
    "you asked, we built it"."""
    permissions.check_manage_permission(by)
    if status not in RequestStatus.values or status == RequestStatus.MERGED:
        raise InvalidInput(_("Choose a status."), field="status")
    request = _locked_request(request)
    if request.status == RequestStatus.MERGED:
        raise Conflict(_("This request was merged."), field="status")
    if request.status == status:
        return request
    previous = request.status
    now = _now(at)
    request.status = status
    request.updated_at = now
    request.done_at = now if status == RequestStatus.DONE else None
    request.save(update_fields=["status", "updated_at", "done_at"])
    record_activity(
        actor=by,
        verb=Verb.FEATURE_STATUS_CHANGED,
        target=request,
        payload={"from": previous, "to": status},
        at=now,
    )
    return request


def check_staff(user) -> None:
    """For views that show staff-only forms."""
    if not permissions.can_manage_ideas(user):
        raise PermissionDenied(_("Only the brand team can do this."))
