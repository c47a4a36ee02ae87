"""Trust data in a member's data export, and its erasure (flywheel.core.hooks privacy_exporters and privacy_erasers).

Registered in TrustConfig.ready() as "trust". Visits and reads say when a person was here and
what they read, so erasure deletes them with the level and its history; a tombstone account
has no level to keep. Changes a staff member made to *others'* levels keep pointing at the
staff member's tombstone (`changed_by` NULL would read as an automatic change).
"""

from flywheel.trust.models import MemberTrust, MemberVisit, TopicRead, TrustLevelChange


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export_trust(member) -> dict:
    trust = MemberTrust.objects.filter(member=member).first()
    return {
        "level": trust.level if trust else 0,
        "locked_level": trust.locked_level if trust else None,
        "level_history": [
            {
                "from_level": change.from_level,
                "to_level": change.to_level,
                "reason": change.reason,
                "at": _iso(change.created_at),
            }
            for change in TrustLevelChange.objects.filter(member=member).order_by(
                "created_at", "pk"
            )
        ],
        "visits": [
            date.isoformat()
            for date in MemberVisit.objects.filter(member=member)
            .order_by("date")
            .values_list("date", flat=True)
        ],
        "topics_read": [
            {
                "topic_id": topic_id,
                "last_post_number": last_post_number,
                "first_read_at": _iso(first_read_at),
                "last_read_at": _iso(last_read_at),
            }
            for topic_id, last_post_number, first_read_at, last_read_at in TopicRead.objects.filter(
                member=member
            )
            .order_by("first_read_at", "pk")
            .values_list("topic_id", "last_post_number", "first_read_at", "last_read_at")
        ],
    }


def erase_trust(member, *, content: str) -> None:
    """Delete the member's visits, reads, level and level history (whatever `content` says)."""
    MemberVisit.objects.filter(member=member).delete()
    TopicRead.objects.filter(member=member).delete()
    TrustLevelChange.objects.filter(member=member).delete()
    MemberTrust.objects.filter(member=member).delete()
