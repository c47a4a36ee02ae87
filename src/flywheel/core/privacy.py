"""The Activity log in a member's data export, and its erasure (registered in
CoreConfig.ready())."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from flywheel.core import hooks
from flywheel.core.models import Activity


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export_activity(member) -> list[dict]:
    """Entries the member made, and entries whose target is the member (follows, sign-up)."""
    user_type = ContentType.objects.get_for_model(type(member))
    entries = Activity.objects.filter(
        Q(actor=member) | Q(target_type=user_type, target_id=member.pk)
    ).select_related("target_type")
    return [
        {
            "verb": entry.verb,
            "by_you": entry.actor_id == member.pk,
            "target_type": entry.target_type.model if entry.target_type_id else None,
            "target_id": entry.target_id,
            "space_id": entry.space_id,
            "created_at": _iso(entry.created_at),
        }
        for entry in entries.order_by("created_at", "pk")
    ]


def erase_activity(member, *, content: str) -> None:
    """Analytics keep the counts (verb, time, space); the entries lose who did them."""
    Activity.objects.filter(actor=member).update(actor=None)


def register_privacy_handlers() -> None:
    hooks.privacy_exporters.register(export_activity, name="activity")
    hooks.privacy_erasers.register(erase_activity, name="activity", order=hooks.ERASE_LAST)
