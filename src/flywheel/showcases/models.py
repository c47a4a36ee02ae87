"""Showcases: members' photos and stories of products in use (looks, builds, trips, photo
contest entries), tagged with products; others react and comment; the brand team features
the best in the gallery and on the home page (docs/showcases.md)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from flywheel.core.models import Verb

SHOWCASE_PUBLISHED = Verb.SHOWCASE_PUBLISHED
MAX_PHOTOS = 6


class ShowcaseKind(models.TextChoices):
    LOOK = "look", _("Look")
    BUILD = "build", _("Build")
    TRIP = "trip", _("Trip")
    CONTEST = "contest", _("Photo contest")


class ShowcaseState(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")


class Showcase(models.Model):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="showcases"
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=ShowcaseKind.choices, default=ShowcaseKind.LOOK
    )
    title = models.CharField(_("title"), max_length=120)
    story = models.TextField(_("story"), blank=True)
    story_html = models.TextField(blank=True)
    products = models.ManyToManyField("commerce.Product", blank=True, related_name="showcases")
    state = models.CharField(
        _("state"), max_length=10, choices=ShowcaseState.choices, default=ShowcaseState.PENDING
    )
    featured_at = models.DateTimeField(_("featured"), null=True, blank=True)
    # Kept on the row so the gallery costs no query per card.
    photo_count = models.PositiveSmallIntegerField(default=0)
    reaction_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    cover = models.ImageField(upload_to="showcases/", blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("showcase")
        verbose_name_plural = _("showcases")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "-created_at"], name="showcase_gallery"),
            models.Index(fields=["state", "-featured_at"], name="showcase_featured"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("showcases:detail", args=[self.pk])


class ShowcasePhoto(models.Model):
    showcase = models.ForeignKey(Showcase, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="showcases/", width_field="width", height_field="height")
    thumbnail = models.ImageField(upload_to="showcases/", blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("showcase photo")
        verbose_name_plural = _("showcase photos")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.image.name


class ShowcaseReaction(models.Model):
    showcase = models.ForeignKey(Showcase, on_delete=models.CASCADE, related_name="reactions")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("showcase reaction")
        verbose_name_plural = _("showcase reactions")
        constraints = [
            models.UniqueConstraint(
                fields=["showcase", "member"], name="showcases_one_reaction_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} ♥ {self.showcase_id}"


class ShowcaseComment(models.Model):
    showcase = models.ForeignKey(Showcase, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="showcase_comments"
    )
    body = models.TextField(_("comment"))
    body_html = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("showcase comment")
        verbose_name_plural = _("showcase comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author_id} on {self.showcase_id}"
