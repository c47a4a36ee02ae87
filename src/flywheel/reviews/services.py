"""Every write about reviews: writing, editing, publishing, votes, brand replies, flags and the
e-mailed review requests. Photos go through core.images.process_image before anything is
stored, so a refused upload leaves nothing behind."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from flywheel.commerce.models import Customer, FulfillmentStatus, Order, OrderLine, Product
from flywheel.core.exceptions import Conflict, InvalidInput
from flywheel.core.images import REVIEW_PHOTO, ProcessedImage, process_image
from flywheel.core.markup import render_markdown
from flywheel.core.ratelimit import check_action_rate_limit, check_upload_allowance
from flywheel.core.services import record_activity
from flywheel.reviews import permissions
from flywheel.reviews.models import (
    MAX_PHOTOS,
    REVIEW_PUBLISHED,
    FitAnswer,
    FitQuestion,
    HelpfulVote,
    ProductType,
    Review,
    ReviewEmailOptOut,
    ReviewPhoto,
    ReviewRequest,
    ReviewRevision,
    ReviewState,
)

logger = logging.getLogger(__name__)

TITLE_MAX = 150
BODY_MAX = 5000
LINK_SALT = "flywheel.reviews.request"
UNSUBSCRIBE_SALT = "flywheel.reviews.unsubscribe"


# ---------------------------------------------------------------- checks


def _clean_text(*, rating, title: str, body: str) -> tuple[int, str, str]:
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise InvalidInput(_("Choose a rating from 1 to 5 stars."), field="rating")
    title = (title or "").strip()
    body = (body or "").strip()
    if not title:
        raise InvalidInput(_("Give your review a title."), field="title")
    if len(title) > TITLE_MAX:
        raise InvalidInput(
            _("Keep the title under %(count)d characters.") % {"count": TITLE_MAX}, field="title"
        )
    if not body:
        raise InvalidInput(_("Tell others what you think of the product."), field="body")
    if len(body) > BODY_MAX:
        raise InvalidInput(
            _("Keep the review under %(count)d characters.") % {"count": BODY_MAX}, field="body"
        )
    return rating, title, body


def _clean_fit_answers(product: Product, answers) -> list[tuple[FitQuestion, str]]:
    """Answers keyed by question id, each one of the question's choices; questions of another
    product type are refused, a blank answer is skipped (every question is optional)."""
    if not answers:
        return []
    from flywheel.reviews.queries import fit_questions_for

    questions = {question.pk: question for question in fit_questions_for(product)}
    cleaned = []
    for key, choice in answers.items():
        choice = (choice or "").strip()
        if not choice:
            continue
        try:
            question = questions[int(key)]
        except (KeyError, TypeError, ValueError):
            raise InvalidInput(
                _("That question is not asked about this product."), field="fit"
            ) from None
        if choice not in question.choices:
            raise InvalidInput(
                _("Choose one of the answers to “%(question)s”.") % {"question": question.prompt},
                field=f"fit_{question.pk}",
            )
        cleaned.append((question, choice))
    return cleaned


def _store_fit_answers(review: Review, answers: list[tuple[FitQuestion, str]]) -> None:
    FitAnswer.objects.filter(review=review).exclude(
        question__in=[question for question, _choice in answers]
    ).delete()
    for question, choice in answers:
        FitAnswer.objects.update_or_create(
            review=review, question=question, defaults={"choice": choice}
        )


@transaction.atomic
def define_fit_question(
    *, product_type: str, prompt: str, choices: list[str], products=(), position: int = 0
) -> FitQuestion:
    """The brand team asks `prompt` on reviews of every product of `product_type` (created if
    new; `products` are added to it). Idempotent: the same type and prompt update in place."""
    name = (product_type or "").strip()
    prompt = (prompt or "").strip()
    choices = [str(choice).strip() for choice in choices or [] if str(choice).strip()]
    if not name:
        raise InvalidInput(_("Name the product type."), field="product_type")
    if not prompt:
        raise InvalidInput(_("Write the question."), field="prompt")
    if len(choices) < 2 or len(set(choices)) != len(choices):
        raise InvalidInput(_("Give at least two different answers."), field="choices")
    kind, _created = ProductType.objects.get_or_create(name=name[:80])
    if products:
        kind.products.add(*products)
    question, _created = FitQuestion.objects.update_or_create(
        product_type=kind,
        prompt=prompt[:150],
        defaults={"choices": [choice[:80] for choice in choices], "position": position},
    )
    return question


def _process_photos(uploads, *, already: int = 0, member=None) -> list[ProcessedImage]:
    """Every photo checked and re-encoded before a row is written (all or nothing)."""
    uploads = [upload for upload in (uploads or []) if upload]
    if already + len(uploads) > MAX_PHOTOS:
        raise InvalidInput(
            _("A review can have at most %(count)d photos.") % {"count": MAX_PHOTOS},
            field="photos",
        )
    # Counted before decoding: the allowance also bounds the work a member can make us do.
    check_upload_allowance(member=member, count=len(uploads))
    return [process_image(upload, use=REVIEW_PHOTO) for upload in uploads]


def _store_photos(review: Review, processed: list[ProcessedImage], *, start: int = 0) -> None:
    photo_ids = []
    for offset, image in enumerate(processed):
        photo = ReviewPhoto(review=review, position=start + offset)
        photo.image.save(image.file.name, image.file, save=False)
        photo.save()
        photo_ids.append(photo.pk)
    if photo_ids:
        from flywheel.reviews.tasks import make_review_photo_thumbnails

        transaction.on_commit(lambda: make_review_photo_thumbnails.delay(photo_ids))


def _auto_moderation_flagged(review: Review, *, source_key: str) -> bool:
    """Score the text with the moderation app's classifier; past the flag threshold the review
    goes to the queue with an automatic flag (and so is not auto-published)."""
    from flywheel.moderation import services as moderation
    from flywheel.moderation.automod import score_text
    from flywheel.moderation.models import Flag, FlagReason, FlagState

    language = (review.author.language if review.author_id else None) or "en"
    scores = score_text(f"{review.title}\n{review.body}", language)
    if scores.toxicity < moderation.toxicity_flag_threshold():
        return False
    summary = "; ".join(scores.reasons[:5]) or _("toxicity")
    if not Flag.objects.filter(source_key=source_key).exists():
        item = moderation.open_review_item(
            target=review, reason=f"auto: {summary}", toxicity=scores.toxicity
        )
        Flag.objects.create(
            target_type=ContentType.objects.get_for_model(Review),
            target_id=review.pk,
            flagger=None,
            review_item=item,
            reason=FlagReason.AUTOMATIC,
            text=summary[:1000],
            weight=0.0,
            state=FlagState.OPEN,
            source_key=source_key,
        )
    return True


def _auto_publishes(review: Review, *, flagged: bool) -> bool:
    rule = settings.FLYWHEEL_REVIEWS_AUTO_PUBLISH
    if flagged or rule == "never":
        return False
    if rule == "all":
        return True
    return review.verified_buyer


def _mark_published(review: Review, *, at=None) -> None:
    now = at or timezone.now()
    review.state = ReviewState.PUBLISHED
    review.published_at = review.published_at or now
    review.save(update_fields=["state", "published_at"])
    _forget_widget(review.product_id)
    if review.author_id is None:
        return  # a customer without an account earns nothing (no member to credit)
    record_activity(
        actor=review.author,
        verb=REVIEW_PUBLISHED,
        target=review,
        payload={
            "product_id": review.product_id,
            "rating": review.rating,
            "verified_buyer": review.verified_buyer,
            # rewards/defaults.py's photo bonus and badges' photo-reviewer read this flag.
            "has_photos": review.photo_count > 0,
        },
        # Once per review: re-publishing after an edit or a moderator's decision earns nothing.
        dedupe_key=f"{REVIEW_PUBLISHED}:{review.pk}",
        at=now,
    )


def _forget_widget(product_id: int) -> None:
    from flywheel.reviews.queries import forget_widget_cache

    transaction.on_commit(lambda: forget_widget_cache(product_id))


# ---------------------------------------------------------------- writing


@transaction.atomic
def write_review(
    *,
    product: Product,
    rating,
    title: str,
    body: str,
    photos=(),
    author=None,
    request: ReviewRequest | None = None,
    guest_name: str = "",
    fit_answers=None,
    at=None,
) -> Review:
    """A member (author) or a customer following a review-request link (request) reviews a
    product. Refusals raise before anything is stored. `at` backdates it (the demo only)."""
    rating, title, body = _clean_text(rating=rating, title=title, body=body)
    customer = None
    if request is not None:
        order = request.order
        if not order.counts_as_purchase:
            raise PermissionDenied(_("This order was refunded or cancelled."))
        if not reviewable_lines(order).filter(product=product).exists():
            raise PermissionDenied(_("This product is not part of the order."))
        customer = order.customer
        author = author or (customer.member if customer is not None else None)
        verified = True
        if author is None and customer is None:
            raise PermissionDenied(_("This order has no customer to review as."))
        guest_name = guest_name.strip()[:80] or (customer.first_name if customer else "")
    else:
        verified = permissions.check_can_review_product(author, product)
    existing = Review.objects.filter(product=product)
    if (author is not None and existing.filter(author=author).exists()) or (
        author is None and existing.filter(customer=customer).exists()
    ):
        raise Conflict(
            _("You already reviewed this product; edit your review instead."), field="product"
        )
    answers = _clean_fit_answers(product, fit_answers)
    if author is not None and at is None:
        check_action_rate_limit(member=author, action="review")
    processed = _process_photos(photos, member=author if at is None else None)
    now = at or timezone.now()
    review = Review(
        product=product,
        author=author,
        customer=customer,
        guest_name=guest_name if author is None else "",
        rating=rating,
        title=title,
        body=body,
        body_html=render_markdown(body),
        verified_buyer=verified,
        photo_count=len(processed),
        created_at=now,
        updated_at=now,
    )
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError as duplicate:
        raise Conflict(
            _("You already reviewed this product; edit your review instead."), field="product"
        ) from duplicate
    _store_photos(review, processed)
    _store_fit_answers(review, answers)
    flagged = _auto_moderation_flagged(review, source_key=f"review:{review.pk}:0")
    if _auto_publishes(review, flagged=flagged):
        _mark_published(review, at=at)
    if request is not None and request.completed_at is None:
        ReviewRequest.objects.filter(pk=request.pk).update(completed_at=now)
    return review


@transaction.atomic
def edit_review(
    *,
    review: Review,
    by,
    rating,
    title: str,
    body: str,
    photos=(),
    remove_photo_ids=(),
    fit_answers=None,
) -> Review:
    """The author changes their review; the old text is kept as a revision. A text that
    auto-moderation flags goes back to pending."""
    review = (
        Review.objects.select_for_update(of=("self",)).select_related("author").get(pk=review.pk)
    )
    permissions.check_edit_review_permission(by, review)
    rating, title, body = _clean_text(rating=rating, title=title, body=body)
    answers = _clean_fit_answers(review.product, fit_answers)
    removing = list(review.photos.filter(pk__in=[int(pk) for pk in remove_photo_ids or []]))
    kept = review.photo_count - len(removing)
    processed = _process_photos(photos, already=kept, member=by)
    now = timezone.now()
    ReviewRevision.objects.create(
        review=review,
        rating=review.rating,
        title=review.title,
        body=review.body,
        created_at=review.updated_at,
    )
    for photo in removing:
        photo.image.delete(save=False)
        if photo.thumbnail:
            photo.thumbnail.delete(save=False)
        photo.delete()
    _store_photos(review, processed, start=review.photo_count + 1)
    if fit_answers is not None:
        _store_fit_answers(review, answers)
    review.rating, review.title, review.body = rating, title, body
    review.body_html = render_markdown(body)
    review.photo_count = kept + len(processed)
    review.verified_buyer = review.verified_buyer or permissions.is_verified_buyer(
        by, product=review.product
    )
    review.updated_at = now
    review.save(
        update_fields=[
            "rating",
            "title",
            "body",
            "body_html",
            "photo_count",
            "verified_buyer",
            "updated_at",
        ]
    )
    revision = review.revisions.count()
    if _auto_moderation_flagged(review, source_key=f"review:{review.pk}:{revision}"):
        if review.state == ReviewState.PUBLISHED:
            review.state = ReviewState.PENDING
            review.save(update_fields=["state"])
    elif review.state == ReviewState.PENDING and _auto_publishes(review, flagged=False):
        _mark_published(review)
    _forget_widget(review.product_id)
    return review


@transaction.atomic
def publish_review(*, review: Review, by, at=None) -> Review:
    """A moderator publishes a pending review (`at`: imports and the demo's history)."""
    permissions.check_moderate_review_permission(by)
    review = (
        Review.objects.select_for_update(of=("self",)).select_related("author").get(pk=review.pk)
    )
    if review.state != ReviewState.PUBLISHED:
        _mark_published(review, at=at)
    return review


@transaction.atomic
def reject_review(*, review: Review, by) -> Review:
    permissions.check_moderate_review_permission(by)
    Review.objects.filter(pk=review.pk).update(state=ReviewState.REJECTED)
    review.state = ReviewState.REJECTED
    _forget_widget(review.product_id)
    return review


@transaction.atomic
def vote_helpful(*, review: Review, member) -> Review:
    """One "helpful" per member and review (a database constraint); a second is refused."""
    permissions.check_vote_permission(member, review)
    try:
        with transaction.atomic():
            HelpfulVote.objects.create(review=review, member=member)
    except IntegrityError as duplicate:
        raise Conflict(_("You already found this review helpful."), field="review") from duplicate
    Review.objects.filter(pk=review.pk).update(helpful_count=F("helpful_count") + 1)
    review.refresh_from_db(fields=["helpful_count"])
    return review


@transaction.atomic
def reply_to_review(*, review: Review, by, body: str) -> Review:
    """The brand's official answer, shown under the review (one, editable)."""
    permissions.check_moderate_review_permission(by)
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_("Write the reply."), field="reply")
    if len(body) > BODY_MAX:
        raise InvalidInput(
            _("Keep the reply under %(count)d characters.") % {"count": BODY_MAX}, field="reply"
        )
    review.reply_body = body
    review.reply_html = render_markdown(body)
    review.reply_by = by
    review.replied_at = timezone.now()
    review.save(update_fields=["reply_body", "reply_html", "reply_by", "replied_at"])
    _forget_widget(review.product_id)
    return review


@transaction.atomic
def flag_review(*, review: Review, flagger, reason: str, text: str = ""):
    """A member reports a review to the moderation queue (moderation.services.raise_flag);
    flags weighing FLYWHEEL_FLAG_HIDE_THRESHOLD take it off the page until a decision."""
    from flywheel.moderation import services as moderation

    flag = moderation.raise_flag(flagger=flagger, target=review, reason=reason, text=text)
    item = flag.review_item if flag.review_item_id else None
    if item is None:
        from flywheel.moderation.models import Flag

        item = Flag.objects.select_related("review_item").get(pk=flag.pk).review_item
    if item is not None and item.flag_weight >= moderation.hide_threshold():
        if Review.objects.filter(pk=review.pk, state=ReviewState.PUBLISHED).update(
            state=ReviewState.PENDING
        ):
            _forget_widget(review.product_id)
    return flag


# ---------------------------------------------------------------- review requests


def reviewable_lines(order: Order):
    return OrderLine.objects.filter(
        order=order,
        product__isnull=False,
        product__deleted=False,
        quantity__gt=F("refunded_quantity"),
    ).select_related("product")


def make_request_token(request: ReviewRequest) -> str:
    return signing.dumps({"request": str(request.token)}, salt=LINK_SALT, compress=True)


def request_from_token(token: str) -> ReviewRequest:
    """The review request a link names, refusing expired and altered links."""
    try:
        data = signing.loads(
            token, salt=LINK_SALT, max_age=timedelta(days=settings.FLYWHEEL_REVIEWS_LINK_DAYS)
        )
    except signing.SignatureExpired as error:
        raise InvalidInput(
            _("This review link has expired. Sign in to review the products you bought."),
            field="token",
        ) from error
    except signing.BadSignature as error:
        raise InvalidInput(
            _("This review link is not valid. Copy the whole link from the e-mail."),
            field="token",
        ) from error
    request = (
        ReviewRequest.objects.select_related("order__customer__member", "order__store")
        .filter(token=data.get("request"))
        .first()
    )
    if request is None:
        raise InvalidInput(_("This review link is not valid any more."), field="token")
    return request


def make_unsubscribe_token(email: str) -> str:
    return signing.dumps(email.lower(), salt=UNSUBSCRIBE_SALT)


def unsubscribe_from_review_requests(*, token: str) -> str:
    try:
        email = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature as error:
        raise InvalidInput(_("This unsubscribe link is not valid."), field="token") from error
    ReviewEmailOptOut.objects.get_or_create(email=email)
    return email


def _order_email(order: Order) -> str:
    if order.customer_id and order.customer.email:
        return order.customer.email
    return order.email


def _language_of(order: Order) -> str:
    member = order.customer.member if order.customer_id else None
    return (member.language if member else "") or settings.LANGUAGE_CODE


def _send_request_email(request: ReviewRequest, *, reminder: bool) -> None:
    order = request.order
    base = settings.SITE_URL.rstrip("/")
    with translation.override(request.language or settings.LANGUAGE_CODE):
        link = base + reverse("reviews:request", args=[make_request_token(request)])
        unsubscribe = base + reverse(
            "reviews:unsubscribe", args=[make_unsubscribe_token(request.email)]
        )
        context = {
            "order": order,
            "products": [line.product for line in reviewable_lines(order)],
            "link": link,
            "unsubscribe": unsubscribe,
            "reminder": reminder,
            "days": settings.FLYWHEEL_REVIEWS_LINK_DAYS,
        }
        subject = (
            _("A reminder: how did your order %(number)s work out?")
            if reminder
            else _("How did your order %(number)s work out?")
        ) % {"number": order.number or order.external_id}
        body = render_to_string("reviews/email_request.txt", context)
    send_mail(subject, body, None, [request.email], fail_silently=False)


def send_review_requests(*, now=None) -> dict[str, int]:
    """Ask customers of fulfilled, paid orders for reviews N days on, and remind once.

    Idempotent: one request row per order, stamped when sent and when reminded. Refunded,
    cancelled and test orders (outside Order.objects.counting()) and opted-out addresses get
    nothing. The fulfilment time is the order's last platform update once it is fulfilled."""
    now = now or timezone.now()
    due = now - timedelta(days=settings.FLYWHEEL_REVIEWS_REQUEST_DAYS)
    opted_out = set(ReviewEmailOptOut.objects.values_list("email", flat=True))
    sent = reminded = 0
    orders = (
        Order.objects.counting()
        .filter(
            fulfillment_status=FulfillmentStatus.FULFILLED,
            review_request__isnull=True,
            lines__product__isnull=False,
        )
        .filter(platform_updated_at__lte=due)
        .select_related("customer__member")
        .distinct()
    )
    for order in orders[:500]:
        email = (_order_email(order) or "").lower()
        if not email or email in opted_out:
            continue
        with transaction.atomic():
            request, created = ReviewRequest.objects.get_or_create(
                order=order, defaults={"email": email, "language": _language_of(order)}
            )
            if not created or request.sent_at is not None:
                continue
            _send_request_email(request, reminder=False)
            ReviewRequest.objects.filter(pk=request.pk).update(sent_at=now)
            sent += 1
    remind_before = now - timedelta(days=settings.FLYWHEEL_REVIEWS_REMINDER_DAYS)
    pending = ReviewRequest.objects.filter(
        sent_at__lte=remind_before, reminded_at__isnull=True, completed_at__isnull=True
    ).select_related("order__customer")
    for request in pending[:500]:
        if request.email in opted_out or not request.order.counts_as_purchase:
            continue
        with transaction.atomic():
            if not ReviewRequest.objects.filter(pk=request.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue
            _send_request_email(request, reminder=True)
            reminded += 1
    return {"sent": sent, "reminded": reminded}


# ---------------------------------------------------------------- import from other apps


def _imported_product(store, row) -> Product:
    products = Product.objects.filter(store=store, deleted=False)
    product = None
    if row.product_external_id:
        product = products.filter(external_id=row.product_external_id).first()
    if product is None and row.product_handle:
        product = products.filter(handle=row.product_handle).first()
    if product is None and row.sku:
        product = products.filter(variants__sku=row.sku).first()
    if product is None:
        named = row.product_external_id or row.product_handle or row.sku
        if not named:
            raise InvalidInput(_("The row names no product (id, handle or SKU)."), field="product")
        raise InvalidInput(
            _("No product “%(product)s” in %(store)s; import the store's products first.")
            % {"product": named[:80], "store": store.domain},
            field="product",
        )
    return product


@transaction.atomic
def import_review(*, store, row, source: str) -> tuple[Review, bool]:
    """A review another reviews app exported (reviews/csv_formats.py) joins the product's
    reviews: matched to the store's product by id, handle or SKU, to the store's customer (and
    through it the member) by e-mail, verified when that customer bought the product here.
    Kept published or pending as the source had it; no activity is logged (points are for
    reviews written here, not for history). Importing the same row again changes nothing:
    (review, False)."""
    key = row.key(source)
    existing = Review.objects.filter(import_key=key).first()
    if existing is not None:
        return existing, False
    product = _imported_product(store, row)
    name = (row.name or "").strip()[:80]
    if not name:
        raise InvalidInput(_("The reviewer's name is missing."), field="name")
    body = (row.body or "").strip()
    title = (row.title or "").strip() or body.split("\n", 1)[0][:60].strip()
    rating, title, body = _clean_text(rating=row.rating, title=title, body=body)
    email = (row.email or "").strip().lower()
    customer = None
    if email:
        from django.core.exceptions import ValidationError
        from django.core.validators import validate_email

        try:
            validate_email(email)
        except ValidationError:
            raise InvalidInput(
                _("“%(email)s” is not an e-mail address.") % {"email": email[:80]}, field="email"
            ) from None
        customer = (
            Customer.objects.filter(store=store, email__iexact=email)
            .select_related("member")
            .first()
        )
    author = customer.member if customer is not None and customer.member_id else None
    verified = customer is not None and (
        OrderLine.objects.filter(
            order__in=Order.objects.counting(),
            order__customer=customer,
            product=product,
            quantity__gt=F("refunded_quantity"),
        ).exists()
    )
    taken = Review.objects.filter(product=product)
    if (author is not None and taken.filter(author=author).exists()) or (
        author is None and customer is not None and taken.filter(customer=customer).exists()
    ):
        raise Conflict(
            _("%(name)s already has a review of this product.") % {"name": name}, field="email"
        )
    now = timezone.now()
    written = min(row.created_at or now, now)
    reply = (row.reply or "").strip()[:BODY_MAX]
    review = Review.objects.create(
        product=product,
        author=author,
        customer=customer,
        guest_name=name if author is None else "",
        rating=rating,
        title=title,
        body=body,
        body_html=render_markdown(body),
        state=ReviewState.PUBLISHED if row.published else ReviewState.PENDING,
        verified_buyer=verified,
        reply_body=reply,
        reply_html=render_markdown(reply) if reply else "",
        replied_at=written if reply else None,
        published_at=written if row.published else None,
        created_at=written,
        updated_at=written,
        imported_from=source,
        import_key=key,
    )
    _forget_widget(product.pk)
    return review, True
