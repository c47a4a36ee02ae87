"""Privacy records: data exports, erasure requests, consent, and the sign-up domain blocklist."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready to download")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


class DataExport(models.Model):
    """A zip of everything a member has here, built in the background, kept for a week.

    The file lives in private storage (settings.FLYWHEEL_PRIVATE_ROOT, never under MEDIA_URL)
    and is only served by the download view, to its owner.
    """

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    file_name = models.CharField(max_length=200, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    requested_at = models.DateTimeField()
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        ordering = ["-requested_at", "-id"]
        constraints = [
            # One export in progress per member: a double click cannot start two builds.
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(status="pending"),
                name="one_pending_export_per_member",
            )
        ]

    def __str__(self) -> str:
        return f"export {self.pk} for {self.member_id} ({self.status})"


class ErasureContent(models.TextChoices):
    ANONYMISE = "anonymise", _("Keep my posts, shown as by a former member")
    DELETE = "delete", _("Delete my posts")


class ErasureStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ErasureRequest(models.Model):
    """A request to erase a member's personal data (by the member, staff or a store webhook).

    The member row stays as a tombstone ("deleted-<id>") so foreign keys and counts hold; this
    row records that and when it was erased, without any personal data.
    """

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="erasure_requests"
    )
    content = models.CharField(max_length=10, choices=ErasureContent.choices)
    reason = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=10, choices=ErasureStatus.choices, default=ErasureStatus.PENDING
    )
    requested_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"erasure of {self.member_id} ({self.status})"


class ConsentPurpose(models.TextChoices):
    MARKETING_EMAIL = "marketing_email", _("Marketing e-mail")


class Consent(models.Model):
    """One consent decision, as given: the exact wording shown, its version, and when.

    Rows are never updated; the latest row per purpose is the member's current choice.
    """

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(max_length=40, choices=ConsentPurpose.choices)
    granted = models.BooleanField()
    wording = models.TextField()
    wording_version = models.CharField(max_length=20)
    recorded_at = models.DateTimeField(db_index=True)
    # HMAC of the IP address (never the address); cleared by the retention policy.
    ip_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["member", "purpose", "-recorded_at"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.purpose} {'granted' if self.granted else 'withdrawn'}"


class BlockedEmailDomain(models.Model):
    """A domain sign-ups may not use, added by staff (on top of the shipped disposable list)."""

    domain = models.CharField(_("domain"), max_length=253, unique=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("blocked e-mail domain")
        verbose_name_plural = _("blocked e-mail domains")
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain

    def save(self, *args, **kwargs):
        # Stored in the one form lookups use; not a business rule, just normalisation.
        self.domain = self.domain.strip().lower().lstrip("@").rstrip(".")
        super().save(*args, **kwargs)
