"""Export and erasure for the privacy app's own tables (consents, data exports). Every other
app registers its own handlers from its own privacy.py (flywheel.core.hooks)."""

from django.db import transaction

from flywheel.core import hooks
from flywheel.privacy.models import Consent, DataExport


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export_consents(member) -> list[dict]:
    return [
        {
            "purpose": consent.purpose,
            "granted": consent.granted,
            "wording": consent.wording,
            "wording_version": consent.wording_version,
            "recorded_at": _iso(consent.recorded_at),
        }
        for consent in Consent.objects.filter(member=member).order_by("recorded_at", "pk")
    ]


def erase_consents(member, *, content: str) -> None:
    Consent.objects.filter(member=member).update(ip_hash="")


def erase_exports(member, *, content: str) -> None:
    from flywheel.privacy.storage import private_storage

    storage = private_storage()
    names = [
        name
        for name in DataExport.objects.filter(member=member).values_list("file_name", flat=True)
        if name
    ]
    DataExport.objects.filter(member=member).delete()
    transaction.on_commit(lambda: [storage.delete(name) for name in names])


def register_builtin() -> None:
    hooks.privacy_exporters.register(export_consents, name="consents")
    hooks.privacy_erasers.register(erase_consents, name="consents", order=hooks.ERASE_LAST)
    hooks.privacy_erasers.register(erase_exports, name="data_exports", order=hooks.ERASE_LAST)
