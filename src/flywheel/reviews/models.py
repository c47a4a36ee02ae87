"""Product reviews: one per member (or per store customer) and product, with photos, history,
helpful votes, a brand reply, and the e-mailed requests that invite them (docs/reviews.md)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from flywheel.core.models import Verb

# The one name for the activity a published review logs (rewards and badges read it).
REVIEW_PUBLISHED = Verb.REVIEW_PUBLISHED
MAX_PHOTOS = 6


class ReviewState(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")


class ReviewQuerySet(models.QuerySet):
    def published(self) -> "ReviewQuerySet":
        return self.filter(state=ReviewState.PUBLISHED)


class Review(models.Model):
    """A rating and text about one product. Written by a member, or by a store customer who
    followed a signed review-request link without an account (author empty, customer set)."""

    product = models.ForeignKey(
        "commerce.Product", on_delete=models.CASCADE, related_name="reviews"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    customer = models.ForeignKey(
        "commerce.Customer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviews",
    )
    # Shown instead of a member's name for a customer without an account ("Anna K.").
    guest_name = models.CharField(_("name"), max_length=80, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"))
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("review"))
    body_html = models.TextField(blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=ReviewState.choices, default=ReviewState.PENDING
    )
    # Decided when the review is written or edited (a paid, unrefunded order line of the
    # product), so a list of reviews costs no query per review for the badge.
    verified_buyer = models.BooleanField(_("verified buyer"), default=False)
    helpful_count = models.PositiveIntegerField(default=0)
    photo_count = models.PositiveSmallIntegerField(default=0)
    reply_body = models.TextField(_("brand reply"), blank=True)
    reply_html = models.TextField(blank=True)
    reply_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    replied_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    # A review moved in from another reviews app (csv_formats.py): where from, and a digest of
    # the row that makes importing the same file again change nothing.
    imported_from = models.CharField(_("imported from"), max_length=20, blank=True)
    import_key = models.CharField(max_length=64, blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "product"],
                condition=Q(author__isnull=False),
                name="reviews_one_per_member_and_product",
            ),
            models.UniqueConstraint(
                fields=["customer", "product"],
                condition=Q(customer__isnull=False),
                name="reviews_one_per_customer_and_product",
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="reviews_rating_1_to_5"
            ),
            models.UniqueConstraint(
                fields=["import_key"], condition=~Q(import_key=""), name="reviews_import_once"
            ),
        ]
        indexes = [
            models.Index(fields=["product", "state", "-created_at"], name="reviews_product_new"),
            models.Index(fields=["product", "state", "-helpful_count"], name="reviews_helpful"),
        ]

    def __str__(self) -> str:
        return f"{self.rating}★ {self.title}"

    @property
    def display_name(self) -> str:
        if self.author_id is not None:
            return self.author.display_name or self.author.handle
        return self.guest_name or str(_("A customer"))


def review_photo_path(instance, filename: str) -> str:
    return f"reviews/{instance.review_id}/{filename}"


class ReviewPhoto(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(
        upload_to=review_photo_path, width_field="width", height_field="height"
    )
    # A small variant for lists and the widget, made by a background task (tasks.py).
    thumbnail = models.ImageField(upload_to=review_photo_path, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review photo")
        verbose_name_plural = _("review photos")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.image.name


class ReviewRevision(models.Model):
    """The text as it was before an edit: the review's history."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="revisions")
    rating = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=150)
    body = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("review revision")
        verbose_name_plural = _("review revisions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.review_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class HelpfulVote(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="helpful_votes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("helpful vote")
        verbose_name_plural = _("helpful votes")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "member"], name="reviews_one_helpful_vote_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.review_id}"


class ReviewRequest(models.Model):
    """The e-mail inviting a customer to review what one order brought, sent once, reminded
    once. The link carries a signed `token` (django.core.signing) that expires."""

    order = models.OneToOneField(
        "commerce.Order", on_delete=models.CASCADE, related_name="review_request"
    )
    email = models.EmailField()
    language = models.CharField(max_length=10, blank=True)
    token = models.UUIDField(default=uuid.uuid4, unique=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review request")
        verbose_name_plural = _("review requests")

    def __str__(self) -> str:
        return f"{self.order} → {self.email}"


class ReviewEmailOptOut(models.Model):
    """An address that asked for no more review requests."""

    email = models.EmailField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review e-mail opt-out")
        verbose_name_plural = _("review e-mail opt-outs")

    def __str__(self) -> str:
        return self.email


class ProductType(models.Model):
    """A kind of product the brand asks the same fit or size questions about ("Footwear",
    "Jackets"). The brand team names it and lists its products."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    products = models.ManyToManyField(
        "commerce.Product", blank=True, related_name="review_product_types"
    )

    class Meta:
        verbose_name = _("product type")
        verbose_name_plural = _("product types")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FitQuestion(models.Model):
    """An optional question on reviews of a product type ("How does it fit?") with fixed
    answers ("Runs small", "True to size", "Runs large"); product pages sum the answers."""

    product_type = models.ForeignKey(
        ProductType, on_delete=models.CASCADE, related_name="questions"
    )
    prompt = models.CharField(_("question"), max_length=150)
    choices = models.JSONField(_("answers"), default=list)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("fit question")
        verbose_name_plural = _("fit questions")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["product_type", "prompt"], name="reviews_one_prompt_per_product_type"
            )
        ]

    def __str__(self) -> str:
        return self.prompt


class FitAnswer(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="fit_answers")
    question = models.ForeignKey(FitQuestion, on_delete=models.CASCADE, related_name="answers")
    choice = models.CharField(_("answer"), max_length=80)

    class Meta:
        verbose_name = _("fit answer")
        verbose_name_plural = _("fit answers")
        ordering = ["question__position", "question_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "question"], name="reviews_one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.choice}"
