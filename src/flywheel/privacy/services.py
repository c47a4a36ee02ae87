"""Every privacy write: data exports, account erasure, consent records, the retention policy."""

import hashlib
import hmac
import io
import json
import logging
import uuid
import zipfile
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from flywheel.core.exceptions import Conflict, InvalidInput
from flywheel.core.ratelimit import check_rate_limit
from flywheel.privacy import registry
from flywheel.privacy.models import (
    Consent,
    ConsentPurpose,
    DataExport,
    ErasureContent,
    ErasureRequest,
    ErasureStatus,
    ExportStatus,
)
from flywheel.privacy.storage import private_storage

logger = logging.getLogger(__name__)

EXPORT_RATE = "3/d"
EXPORT_FORMAT_VERSION = 1

# The wording a member sees next to the marketing e-mail checkbox. Change the text, change the
# version: each Consent row keeps the exact words the member agreed to.
MARKETING_EMAIL_WORDING_VERSION = "2025-01"


def marketing_email_wording() -> str:
    return _(
        "E-mail me news, offers and product updates from %(brand)s. "
        "I can withdraw this at any time in my privacy settings."
    ) % {"brand": settings.BRAND_NAME}


def hash_ip(ip_address: str | None) -> str:
    """A keyed hash of an IP address: enough to spot abuse from one address, not to recover it."""
    if not ip_address:
        return ""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, ip_address.encode(), hashlib.sha256).hexdigest()


def _absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


# Data export ---------------------------------------------------------------------------------


@transaction.atomic
def request_data_export(*, member) -> DataExport:
    """Queue a data export; one at a time, and at most three a day (each one is heavy)."""
    if DataExport.objects.filter(member=member, status=ExportStatus.PENDING).exists():
        raise Conflict(_("Your data export is already being prepared."), field="export")
    check_rate_limit(key=f"data-export:{member.pk}", rate=EXPORT_RATE)
    try:
        with transaction.atomic():
            export = DataExport.objects.create(member=member, requested_at=timezone.now())
    except IntegrityError as error:  # a second request raced this one
        raise Conflict(_("Your data export is already being prepared."), field="export") from error
    transaction.on_commit(lambda: _queue_export(export.pk))
    return export


def _queue_export(export_id: int) -> None:
    from flywheel.privacy.tasks import build_data_export

    build_data_export.delay(export_id)


def collect_member_data(member) -> tuple[dict, dict[str, bytes]]:
    """Run every registered exporter: (data for data.json, {path in zip: bytes})."""
    data: dict = {
        "format_version": EXPORT_FORMAT_VERSION,
        "generated_at": timezone.now().isoformat(),
        "site": settings.SITE_URL,
    }
    files: dict[str, bytes] = {}
    for name, exporter in registry.exporters().items():
        result = exporter(member)
        if isinstance(result, registry.ExportFiles):
            data[name] = result.data
            for file_name, content in result.files.items():
                files[f"files/{name}/{file_name}"] = content
        else:
            data[name] = result
    return data, files


def build_export_zip(member) -> bytes:
    data, files = collect_member_data(member)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data.json", json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        )
        for path, content in files.items():
            archive.writestr(path, content)
    return buffer.getvalue()


def build_data_export(*, export_id: int) -> DataExport | None:
    """Build the zip, store it privately, mark it ready for a week and e-mail the member."""
    export = DataExport.objects.select_related("member").filter(pk=export_id).first()
    if export is None or export.status != ExportStatus.PENDING:
        return export
    storage = private_storage()
    try:
        content = build_export_zip(export.member)
        name = storage.save(
            f"exports/{export.member_id}/{uuid.uuid4().hex}.zip", ContentFile(content)
        )
    except Exception:
        logger.exception("Data export %s failed", export_id)
        DataExport.objects.filter(pk=export_id).update(
            status=ExportStatus.FAILED, error="build failed"
        )
        raise
    now = timezone.now()
    export.status = ExportStatus.READY
    export.file_name = name
    export.size_bytes = len(content)
    export.ready_at = now
    export.expires_at = now + timedelta(days=settings.FLYWHEEL_EXPORT_DAYS)
    export.save(update_fields=["status", "file_name", "size_bytes", "ready_at", "expires_at"])
    _email_export_ready(export)
    return export


def _email_export_ready(export: DataExport) -> None:
    member = export.member
    with translation.override(member.language or settings.LANGUAGE_CODE):
        context = {
            "member": member,
            "brand_name": settings.BRAND_NAME,
            "download_url": _absolute_url(reverse("privacy:download_export", args=[export.pk])),
            "expires_at": export.expires_at,
        }
        subject = _("Your %(brand)s data export is ready") % {"brand": settings.BRAND_NAME}
        body = render_to_string("privacy/email/export_ready.txt", context)
    send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, None, [member.email])


def downloadable_export(*, member, export_id: int) -> DataExport | None:
    """The member's own ready, unexpired export, or None (never someone else's)."""
    return DataExport.objects.filter(
        pk=export_id,
        member=member,
        status=ExportStatus.READY,
        expires_at__gt=timezone.now(),
    ).first()


# Erasure -------------------------------------------------------------------------------------


def allowed_erasure_contents() -> list[str]:
    """What members may choose for their posts, by settings.FLYWHEEL_ERASURE_CONTENT_CHOICE."""
    policy = settings.FLYWHEEL_ERASURE_CONTENT_CHOICE
    if policy == "always_delete":
        return [ErasureContent.DELETE]
    if policy == "always_anonymise":
        return [ErasureContent.ANONYMISE]
    return [ErasureContent.ANONYMISE, ErasureContent.DELETE]


@transaction.atomic
def request_account_erasure(*, member, password: str, content: str) -> ErasureRequest:
    """The member deletes their account: the password confirms it is them.

    Sign-in stops at once (the account is deactivated here); the erasure itself runs in the
    background after commit.
    """
    user_model = get_user_model()
    member = user_model.objects.select_for_update().get(pk=member.pk)
    if not member.is_active:
        raise Conflict(_("This account is already being deleted."), field="password")
    allowed = allowed_erasure_contents()
    if len(allowed) == 1:
        content = allowed[0]
    if content not in allowed:
        raise InvalidInput(_("Choose what happens to your posts."), field="content")
    if not password or not member.check_password(password):
        raise InvalidInput(_("The password is not correct."), field="password")
    erasure = ErasureRequest.objects.create(
        member=member, content=content, reason="member request", requested_at=timezone.now()
    )
    member.is_active = False
    member.save(update_fields=["is_active"])
    transaction.on_commit(lambda: _queue_erasure(erasure.pk))
    return erasure


def _queue_erasure(erasure_id: int) -> None:
    from flywheel.privacy.tasks import run_erasure

    run_erasure.delay(erasure_id)


def run_erasure_request(*, erasure_id: int) -> ErasureRequest | None:
    erasure = ErasureRequest.objects.select_related("member").filter(pk=erasure_id).first()
    if erasure is None or erasure.status == ErasureStatus.DONE:
        return erasure
    _erase(erasure.member, content=erasure.content)
    ErasureRequest.objects.filter(pk=erasure.pk).update(
        status=ErasureStatus.DONE, completed_at=timezone.now()
    )
    erasure.refresh_from_db()
    return erasure


def erase_member(member, *, content: str = "anonymise", reason: str) -> ErasureRequest:
    """Erase a member's personal data now. The one path for members, staff and store webhooks
    (e.g. Shopify customers/redact): call it from a task; it is idempotent.

    ``content``: "anonymise" keeps their posts as by a former member, "delete" removes them;
    settings.FLYWHEEL_ERASURE_CONTENT_CHOICE can force one or the other.
    """
    if content not in ErasureContent.values:
        raise InvalidInput(_("Choose what happens to the posts."), field="content")
    allowed = allowed_erasure_contents()
    if content not in allowed:
        content = allowed[0]
    with transaction.atomic():
        erasure = ErasureRequest.objects.create(
            member=member, content=content, reason=(reason or "")[:200], requested_at=timezone.now()
        )
        _erase(member, content=content)
        erasure.status = ErasureStatus.DONE
        erasure.completed_at = timezone.now()
        erasure.save(update_fields=["status", "completed_at"])
    return erasure


def tombstone_email(member_id: int) -> str:
    return f"deleted-{member_id}@erased.invalid"


@transaction.atomic
def _erase(member, *, content: str) -> None:
    from allauth.account.models import EmailAddress

    from flywheel.accounts.models import PersonalAccessToken, Role

    user_model = get_user_model()
    member = user_model.objects.select_for_update().get(pk=member.pk)
    for name, eraser in registry.erasers().items():
        try:
            eraser(member, content=content)
        except Exception:
            logger.exception("Eraser %s failed for member %s", name, member.pk)
            raise
    now = timezone.now()
    PersonalAccessToken.objects.filter(user=member, revoked_at__isnull=True).update(revoked_at=now)
    PersonalAccessToken.objects.filter(user=member).update(name="revoked")
    EmailAddress.objects.filter(user=member).delete()
    old_avatar = member.avatar.name if member.avatar else ""
    member.email = tombstone_email(member.pk)
    member.handle = f"deleted-{member.pk}"
    member.display_name = ""
    member.bio = ""
    member.avatar = ""
    member.role = Role.MEMBER
    member.is_staff = False
    member.is_superuser = False
    member.is_active = False
    member.digest_enabled = False
    member.mention_emails_enabled = False
    member.last_login = None
    member.timezone = "UTC"
    # An unusable password also changes the session hash, so every open session ends.
    member.set_unusable_password()
    member.save()
    if old_avatar:
        storage = user_model._meta.get_field("avatar").storage
        transaction.on_commit(lambda: storage.delete(old_avatar))


# Consent -------------------------------------------------------------------------------------


def current_consent(*, member, purpose: str) -> Consent | None:
    return (
        Consent.objects.filter(member=member, purpose=purpose)
        .order_by("-recorded_at", "-id")
        .first()
    )


def has_consent(*, member, purpose: str) -> bool:
    """Whether the member's latest decision for `purpose` is a yes (no record means no)."""
    latest = current_consent(member=member, purpose=purpose)
    return bool(latest and latest.granted)


def record_consent(
    *,
    member,
    purpose: str,
    granted: bool,
    wording: str,
    wording_version: str,
    ip_address: str | None = None,
) -> Consent:
    """Record one consent decision with the exact wording shown. Unchanged decisions add no row."""
    if purpose not in ConsentPurpose.values:
        raise InvalidInput(_("Unknown consent purpose."), field="purpose")
    if not (wording or "").strip():
        raise InvalidInput(_("The consent wording is required."), field="wording")
    latest = current_consent(member=member, purpose=purpose)
    if (
        latest is not None
        and latest.granted == bool(granted)
        and latest.wording_version == wording_version
    ):
        return latest
    return Consent.objects.create(
        member=member,
        purpose=purpose,
        granted=bool(granted),
        wording=wording,
        wording_version=wording_version[:20],
        recorded_at=timezone.now(),
        ip_hash=hash_ip(ip_address),
    )


def set_marketing_email_consent(*, member, granted: bool, ip_address: str | None = None) -> Consent:
    return record_consent(
        member=member,
        purpose=ConsentPurpose.MARKETING_EMAIL,
        granted=granted,
        wording=marketing_email_wording(),
        wording_version=MARKETING_EMAIL_WORDING_VERSION,
        ip_address=ip_address,
    )


# Retention -----------------------------------------------------------------------------------


def apply_retention_policy(*, now=None) -> dict[str, int]:
    """Delete what we no longer need (settings.FLYWHEEL_RETENTION_DAYS; docs/security.md):

    * IP hashes on consent records older than the retention period (the decision stays);
    * read notifications older than the retention period;
    * data exports past their expiry (file and row).
    """
    from flywheel.notifications.models import Notification

    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.FLYWHEEL_RETENTION_DAYS)
    counts = {
        "consent_ip_hashes": Consent.objects.filter(recorded_at__lt=cutoff)
        .exclude(ip_hash="")
        .update(ip_hash=""),
        "read_notifications": Notification.objects.filter(
            read_at__isnull=False, created_at__lt=cutoff
        ).delete()[0],
    }
    storage = private_storage()
    expired = DataExport.objects.filter(status=ExportStatus.READY, expires_at__lte=now)
    names = [name for name in expired.values_list("file_name", flat=True) if name]
    for name in names:
        storage.delete(name)
    counts["expired_exports"] = expired.update(status=ExportStatus.EXPIRED, file_name="")
    stale = DataExport.objects.filter(
        status__in=[ExportStatus.EXPIRED, ExportStatus.FAILED], requested_at__lt=cutoff
    )
    counts["old_export_rows"] = stale.delete()[0]
    return counts
