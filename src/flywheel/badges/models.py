"""Badges members earn from what they do (criteria over the Activity log) or are given by staff."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class BadgeGrade(models.IntegerChoices):
    BRONZE = 1, _("Bronze")
    SILVER = 2, _("Silver")
    GOLD = 3, _("Gold")


GRADE_KEYS = {BadgeGrade.BRONZE: "bronze", BadgeGrade.SILVER: "silver", BadgeGrade.GOLD: "gold"}


class CriterionKind(models.TextChoices):
    VERB_COUNT = "verb_count", _("Did something N times")
    RECEIVED_COUNT = "received_count", _("Was on the receiving end N times")
    REACTIONS_ON_POST = "reactions_on_post", _("N reactions on one post")


validate_icon = RegexValidator(
    r"^[a-z0-9-]{1,40}\Z", _("A Bootstrap Icons name, e.g. award or star-fill.")
)


class Badge(models.Model):
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=80)
    description = models.CharField(_("description"), max_length=300)
    grade = models.PositiveSmallIntegerField(
        _("grade"), choices=BadgeGrade.choices, default=BadgeGrade.BRONZE
    )
    icon = models.CharField(_("icon"), max_length=40, default="award", validators=[validate_icon])
    criterion_kind = models.CharField(
        _("criterion"),
        max_length=30,
        choices=CriterionKind.choices,
        blank=True,
        help_text=_("Leave empty for a badge that staff give by hand."),
    )
    criterion_params = models.JSONField(_("criterion settings"), default=dict, blank=True)
    is_manual = models.BooleanField(
        _("given by staff"), default=False, help_text=_("Staff may give this badge by hand.")
    )
    is_multi_grant = models.BooleanField(
        _("can be earned more than once"),
        default=False,
        help_text=_("E.g. once per post that reached the mark."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        ordering = ["position", "-grade", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(grade__gte=1, grade__lte=3), name="badge_grade_is_known"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("badges:detail", kwargs={"slug": self.slug})

    @property
    def grade_key(self) -> str:
        return GRADE_KEYS.get(self.grade, "bronze")

    def clean(self) -> None:
        from flywheel.badges.criteria import validate_criterion

        if not self.criterion_kind:
            if not self.is_manual:
                raise ValidationError(
                    {
                        "criterion_kind": _(
                            "Choose a criterion, or mark the badge as given by staff."
                        )
                    }
                )
            if self.criterion_params:
                raise ValidationError(
                    {"criterion_params": _("A badge without a criterion takes no settings.")}
                )
            return
        self.criterion_params = validate_criterion(self.criterion_kind, self.criterion_params)


class BadgeGrant(models.Model):
    """A member holds a badge. Once per badge, unless the badge can be earned more than once;
    then once per occasion (e.g. "post:123")."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badge_grants"
    )
    badge = models.ForeignKey(Badge, on_delete=models.CASCADE, related_name="grants")
    occasion = models.CharField(max_length=60, blank=True, default="")
    granted_at = models.DateTimeField(db_index=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    source_activity = models.ForeignKey(
        "core.Activity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("badge grant")
        verbose_name_plural = _("badge grants")
        ordering = ["-granted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "badge", "occasion"], name="badge_granted_once_per_occasion"
            )
        ]
        indexes = [
            models.Index(fields=["badge", "-granted_at"]),
            models.Index(fields=["member", "-granted_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.badge_id} → {self.member_id}"
