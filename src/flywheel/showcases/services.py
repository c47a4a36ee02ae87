"""Every write about showcases: sharing one, reacting, commenting, featuring, moderating and
flagging. Photos go through core.images.process_image before anything is stored, so a refused
upload leaves nothing behind."""

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from flywheel.commerce.models import Product
from flywheel.core.exceptions import Conflict, InvalidInput
from flywheel.core.images import SHOWCASE_PHOTO, process_image
from flywheel.core.markup import render_markdown
from flywheel.core.ratelimit import check_action_rate_limit, check_upload_allowance
from flywheel.core.services import record_activity
from flywheel.showcases import permissions
from flywheel.showcases.models import (
    MAX_PHOTOS,
    SHOWCASE_PUBLISHED,
    Showcase,
    ShowcaseComment,
    ShowcaseKind,
    ShowcasePhoto,
    ShowcaseReaction,
    ShowcaseState,
)

TITLE_MAX = 120
STORY_MAX = 5000
COMMENT_MAX = 2000


def _auto_moderation_flagged(showcase: Showcase) -> bool:
    """The moderation app's text classifier; past the flag threshold the showcase waits in the
    queue with an automatic flag instead of going live."""
    from flywheel.moderation import services as moderation
    from flywheel.moderation.automod import score_text
    from flywheel.moderation.models import Flag, FlagReason, FlagState

    scores = score_text(f"{showcase.title}\n{showcase.story}", showcase.author.language or "en")
    if scores.toxicity < moderation.toxicity_flag_threshold():
        return False
    summary = "; ".join(scores.reasons[:5]) or _("toxicity")
    source_key = f"showcase:{showcase.pk}:0"
    if not Flag.objects.filter(source_key=source_key).exists():
        item = moderation.open_review_item(
            target=showcase, reason=f"auto: {summary}", toxicity=scores.toxicity
        )
        Flag.objects.create(
            target_type=ContentType.objects.get_for_model(Showcase),
            target_id=showcase.pk,
            flagger=None,
            review_item=item,
            reason=FlagReason.AUTOMATIC,
            text=summary[:1000],
            weight=0.0,
            state=FlagState.OPEN,
            source_key=source_key,
        )
    return True


def _mark_published(showcase: Showcase, *, at=None) -> None:
    now = at or timezone.now()
    showcase.state = ShowcaseState.PUBLISHED
    showcase.save(update_fields=["state"])
    record_activity(
        actor=showcase.author,
        verb=SHOWCASE_PUBLISHED,
        target=showcase,
        payload={
            "kind": showcase.kind,
            "photo_count": showcase.photo_count,
            "product_ids": sorted(showcase.products.values_list("pk", flat=True)),
        },
        dedupe_key=f"{SHOWCASE_PUBLISHED}:{showcase.pk}",
        at=now,
    )


@transaction.atomic
def share_showcase(
    *,
    author,
    title: str,
    story: str = "",
    kind: str = ShowcaseKind.LOOK,
    photos=(),
    product_ids=(),
    at=None,
) -> Showcase:
    """A member shares photos (1 to 6) and a story of products in use. It goes live at once
    unless auto-moderation flags the text; then it waits for the brand team. `at` backdates it
    (the demo only, which also skips the per-level allowances)."""
    permissions.check_post_permission(author)
    title = (title or "").strip()
    story = (story or "").strip()
    if not title:
        raise InvalidInput(_("Give your showcase a title."), field="title")
    if len(title) > TITLE_MAX:
        raise InvalidInput(
            _("Keep the title under %(count)d characters.") % {"count": TITLE_MAX}, field="title"
        )
    if len(story) > STORY_MAX:
        raise InvalidInput(
            _("Keep the story under %(count)d characters.") % {"count": STORY_MAX}, field="story"
        )
    if kind not in ShowcaseKind.values:
        raise InvalidInput(_("Choose what kind of showcase this is."), field="kind")
    uploads = [upload for upload in (photos or []) if upload]
    if not uploads:
        raise InvalidInput(_("Add at least one photo."), field="photos")
    if len(uploads) > MAX_PHOTOS:
        raise InvalidInput(
            _("A showcase can have at most %(count)d photos.") % {"count": MAX_PHOTOS},
            field="photos",
        )
    try:
        wanted = {int(pk) for pk in product_ids or [] if str(pk).strip()}
    except (TypeError, ValueError):
        raise InvalidInput(_("Choose products from the list."), field="products") from None
    products = list(Product.objects.filter(pk__in=wanted, deleted=False))
    if len(products) != len(wanted):
        raise InvalidInput(_("Choose products from the list."), field="products")
    if at is None:
        check_action_rate_limit(member=author, action="showcase")
        check_upload_allowance(member=author, count=len(uploads))
    processed = [process_image(upload, use=SHOWCASE_PHOTO) for upload in uploads]
    now = at or timezone.now()
    showcase = Showcase.objects.create(
        author=author,
        kind=kind,
        title=title,
        story=story,
        story_html=render_markdown(story) if story else "",
        photo_count=len(processed),
        created_at=now,
        updated_at=now,
    )
    showcase.products.set(products)
    photo_ids = []
    for position, image in enumerate(processed):
        photo = ShowcasePhoto(showcase=showcase, position=position)
        photo.image.save(image.file.name, image.file, save=False)
        photo.save()
        photo_ids.append(photo.pk)
    from flywheel.showcases.tasks import make_showcase_thumbnails

    transaction.on_commit(lambda: make_showcase_thumbnails.delay(photo_ids))
    if not _auto_moderation_flagged(showcase):
        _mark_published(showcase, at=at)
    return showcase


@transaction.atomic
def react_to_showcase(*, showcase: Showcase, member) -> bool:
    """One ♥ per member and showcase (a database constraint); a second call takes it back.
    Answers whether the member now reacts."""
    permissions.check_take_part_permission(member, showcase)
    check_action_rate_limit(member=member, action="reaction")
    removed, _kinds = ShowcaseReaction.objects.filter(showcase=showcase, member=member).delete()
    if removed:
        Showcase.objects.filter(pk=showcase.pk).update(reaction_count=F("reaction_count") - 1)
        return False
    try:
        with transaction.atomic():
            ShowcaseReaction.objects.create(showcase=showcase, member=member)
    except IntegrityError:
        return True  # a double click raced us: the reaction is there
    Showcase.objects.filter(pk=showcase.pk).update(reaction_count=F("reaction_count") + 1)
    return True


@transaction.atomic
def comment_on_showcase(*, showcase: Showcase, author, body: str) -> ShowcaseComment:
    permissions.check_take_part_permission(author, showcase)
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_("Write a comment."), field="body")
    if len(body) > COMMENT_MAX:
        raise InvalidInput(
            _("Keep the comment under %(count)d characters.") % {"count": COMMENT_MAX},
            field="body",
        )
    check_action_rate_limit(member=author, action="comment")
    comment = ShowcaseComment.objects.create(
        showcase=showcase,
        author=author,
        body=body,
        body_html=render_markdown(body),
        created_at=timezone.now(),
    )
    Showcase.objects.filter(pk=showcase.pk).update(comment_count=F("comment_count") + 1)
    return comment


@transaction.atomic
def feature_showcase(*, showcase: Showcase, by, featured: bool = True) -> Showcase:
    """The brand team puts a published showcase in the featured gallery and on the home page
    (or takes it out)."""
    permissions.check_brand_team_permission(by)
    if featured and showcase.state != ShowcaseState.PUBLISHED:
        raise Conflict(_("Only a published showcase can be featured."), field="state")
    showcase.featured_at = timezone.now() if featured else None
    showcase.save(update_fields=["featured_at"])
    return showcase


@transaction.atomic
def publish_showcase(*, showcase: Showcase, by) -> Showcase:
    permissions.check_brand_team_permission(by)
    showcase = Showcase.objects.select_for_update().select_related("author").get(pk=showcase.pk)
    if showcase.state != ShowcaseState.PUBLISHED:
        _mark_published(showcase)
    return showcase


@transaction.atomic
def reject_showcase(*, showcase: Showcase, by) -> Showcase:
    permissions.check_brand_team_permission(by)
    Showcase.objects.filter(pk=showcase.pk).update(state=ShowcaseState.REJECTED, featured_at=None)
    showcase.state, showcase.featured_at = ShowcaseState.REJECTED, None
    return showcase


@transaction.atomic
def flag_showcase(*, showcase: Showcase, flagger, reason: str, text: str = ""):
    """A member reports a showcase to the moderation queue (moderation.services.raise_flag);
    flags weighing FLYWHEEL_FLAG_HIDE_THRESHOLD take it out of the gallery until a decision."""
    from flywheel.moderation import services as moderation
    from flywheel.moderation.models import Flag

    flag = moderation.raise_flag(flagger=flagger, target=showcase, reason=reason, text=text)
    item = Flag.objects.select_related("review_item").get(pk=flag.pk).review_item
    if item is not None and item.flag_weight >= moderation.hide_threshold():
        Showcase.objects.filter(pk=showcase.pk, state=ShowcaseState.PUBLISHED).update(
            state=ShowcaseState.PENDING, featured_at=None
        )
    return flag
