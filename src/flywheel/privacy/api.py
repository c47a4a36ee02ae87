"""JSON API for the caller's privacy: data exports, marketing consent, deleting the account."""

from datetime import datetime

from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from flywheel.api.auth import member_required, viewer
from flywheel.api.schemas import READ_ERRORS, WRITE_ERRORS, CleanStr, ensure_id
from flywheel.privacy import queries, services
from flywheel.privacy.models import ConsentPurpose, DataExport, ErasureContent, ExportStatus
from flywheel.privacy.storage import private_storage
from flywheel.privacy.views import client_ip

router = Router(tags=["privacy"])


class ExportOut(Schema):
    id: int
    status: ExportStatus
    requested_at: datetime
    ready_at: datetime | None
    expires_at: datetime | None
    size_bytes: int
    download_url: str | None = Field(description="Only while the export is ready and unexpired.")


class ExportList(Schema):
    items: list[ExportOut]


class ConsentOut(Schema):
    purpose: ConsentPurpose
    granted: bool
    wording: str
    wording_version: str
    recorded_at: datetime | None


class ConsentIn(Schema):
    granted: bool


class ErasureIn(Schema):
    password: CleanStr = Field(description="The account password, to confirm.")
    content: ErasureContent = Field(
        ErasureContent.ANONYMISE,
        description="`anonymise` keeps your posts as by a former member; `delete` removes them.",
    )


class ErasureOut(Schema):
    status: str
    content: ErasureContent


def _export_out(export: DataExport, *, now) -> dict:
    ready = export.status == ExportStatus.READY and export.expires_at and export.expires_at > now
    return {
        "id": export.pk,
        "status": export.status,
        "requested_at": export.requested_at,
        "ready_at": export.ready_at,
        "expires_at": export.expires_at,
        "size_bytes": export.size_bytes,
        "download_url": reverse("api:download_export", kwargs={"export_id": export.pk})
        if ready
        else None,
    }


@router.get(
    "/exports",
    response={200: ExportList, **READ_ERRORS},
    auth=member_required,
    summary="List my data exports",
)
def list_exports(request: HttpRequest):
    exports = queries.exports_for(viewer(request))[:20]
    now = timezone.now()
    return {"items": [_export_out(export, now=now) for export in exports]}


@router.post(
    "/exports",
    response={202: ExportOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Request a data export",
)
def create_export(request: HttpRequest):
    """Build a zip of all your data in the background; you get an e-mail when it is ready."""
    export = services.request_data_export(member=viewer(request))
    export.refresh_from_db()
    return Status(202, _export_out(export, now=timezone.now()))


@router.get(
    "/exports/{export_id}/download",
    response={200: None, **READ_ERRORS},
    auth=member_required,
    url_name="download_export",
    summary="Download a data export",
)
def download_export(request: HttpRequest, export_id: int):
    """The zip itself (application/zip). Only yours, and only for 7 days after it is built."""
    ensure_id(export_id, message=_("No such data export."))
    member = viewer(request)
    export = services.downloadable_export(member=member, export_id=export_id)
    if export is None:
        raise Http404(_("No such data export, or it has expired."))
    try:
        handle = private_storage().open(export.file_name, "rb")
    except OSError as error:
        raise Http404(_("No such data export, or it has expired.")) from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{member.handle}-data-{export.ready_at:%Y%m%d}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@router.get(
    "/consents",
    response={200: list[ConsentOut], **READ_ERRORS},
    auth=member_required,
    summary="List my consent decisions",
)
def list_consents(request: HttpRequest):
    member = viewer(request)
    latest = services.current_consent(member=member, purpose=ConsentPurpose.MARKETING_EMAIL)
    return [
        {
            "purpose": ConsentPurpose.MARKETING_EMAIL,
            "granted": bool(latest and latest.granted),
            "wording": latest.wording if latest else services.marketing_email_wording(),
            "wording_version": latest.wording_version
            if latest
            else services.MARKETING_EMAIL_WORDING_VERSION,
            "recorded_at": latest.recorded_at if latest else None,
        }
    ]


@router.put(
    "/consents/marketing_email",
    response={200: ConsentOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Give or withdraw marketing e-mail consent",
)
def set_marketing_consent(request: HttpRequest, payload: ConsentIn):
    """Recorded with the current wording and its version, and when."""
    consent = services.set_marketing_email_consent(
        member=viewer(request), granted=payload.granted, ip_address=client_ip(request)
    )
    return {
        "purpose": consent.purpose,
        "granted": consent.granted,
        "wording": consent.wording,
        "wording_version": consent.wording_version,
        "recorded_at": consent.recorded_at,
    }


@router.post(
    "/erasure",
    response={202: ErasureOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Delete my account",
)
def request_erasure(request: HttpRequest, payload: ErasureIn):
    """Erase your account and personal data; confirm with your password. Runs in the
    background; sign-in and tokens stop working at once."""
    erasure = services.request_account_erasure(
        member=viewer(request), password=payload.password, content=payload.content
    )
    return Status(202, {"status": "accepted", "content": erasure.content})
