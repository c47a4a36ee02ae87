"""Analytics rows in a member's data export, and their erasure (flywheel.privacy.registry).

Everything here is derived from other apps' data (activity, orders), so the export lists the
per-day counts we hold and erasure deletes them; a rebuild would not bring them back
because the erased member's activity is gone or anonymised too. The community-wide day
summaries and the stored segments are corrected first, by taking the member's own rows out
of them (services.forget_member_in_summaries), so no rebuild is needed.
"""

from flywheel.analytics.models import (
    CustomerDay,
    MemberDay,
    MemberFact,
    MemberMonth,
    ProductLinkClick,
    SegmentPush,
    StaffReportSent,
)
from flywheel.analytics.services import forget_member_in_summaries


def export_analytics(member) -> dict:
    fact = MemberFact.objects.filter(member=member).first()
    return {
        "joined_on": fact.joined_on.isoformat() if fact else None,
        "source": fact.source if fact else None,
        "active_days": [
            {
                "day": row.day.isoformat(),
                "space_id": row.space_id,
                "topics": row.topics,
                "replies": row.replies,
                "reactions": row.reactions,
                "other": row.other,
            }
            for row in MemberDay.objects.filter(member=member).order_by("day", "space_id")
        ],
        "product_link_clicks": [
            {"url": click.url, "clicked_at": click.clicked_at.isoformat()}
            for click in ProductLinkClick.objects.filter(member=member).order_by("clicked_at")
        ],
    }


def erase_analytics(member, *, content: str = "anonymise") -> None:
    # The summaries and segments first, from the rows about to go (no rebuild needed).
    forget_member_in_summaries(member.pk)
    MemberDay.objects.filter(member=member).delete()
    MemberMonth.objects.filter(member=member).delete()
    CustomerDay.objects.filter(member=member).delete()
    MemberFact.objects.filter(member=member).delete()
    StaffReportSent.objects.filter(recipient=member).delete()
    ProductLinkClick.objects.filter(member=member).delete()
    # Segment pushes keep the members they sent: the erased member leaves every payload.
    email = (member.email or "").lower()
    for push in SegmentPush.objects.all().only("payload"):
        people = push.payload.get("members", [])
        kept = [p for p in people if (p.get("email") or "").lower() != email]
        if email and len(kept) != len(people):
            push.payload = {**push.payload, "members": kept, "count": len(kept)}
            push.save(update_fields=["payload"])
