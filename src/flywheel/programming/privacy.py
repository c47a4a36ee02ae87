"""Calendar items in a staff member's data export, and their erasure
(flywheel.privacy.registry; registered in ProgrammingConfig.ready() as "programming").

Erasure deletes the member's planned items in both modes: an unpublished plan is their own
draft text. Topics already published are community posts, erased by community's own rules."""

from flywheel.privacy.registry import ExportFiles
from flywheel.programming.models import CalendarItem


def export_calendar_items(member) -> ExportFiles:
    data = [
        {
            "space": item.space.name,
            "title": item.title,
            "body": item.body,
            "kind": item.kind,
            "label": item.label,
            "state": item.state,
            "scheduled_at": item.scheduled_at.isoformat(),
            "published_at": item.published_at.isoformat() if item.published_at else None,
        }
        for item in CalendarItem.objects.filter(author=member).select_related("space")
    ]
    return ExportFiles(data=data, files={})


def erase_calendar_items(member, *, content: str) -> None:
    CalendarItem.objects.filter(author=member).delete()
