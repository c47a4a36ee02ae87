"""Reads for the privacy pages and API."""

from django.db.models import QuerySet

from flywheel.privacy.models import DataExport


def exports_for(member) -> QuerySet[DataExport]:
    return DataExport.objects.filter(member=member).order_by("-requested_at", "-id")
