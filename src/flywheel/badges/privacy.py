"""Badges in a member's data export, and their erasure (flywheel.core.hooks privacy_exporters and privacy_erasers).

Registered in BadgesConfig.ready() as "badges". Erasure deletes the member's grants, so badge
pages stop listing a "deleted-…" holder; services.recompute_badges skips inactive accounts so
a recompute does not give them back. Grants a staff member gave others keep pointing at the
staff member's tombstone (`granted_by` NULL would read as "earned automatically").
"""

from flywheel.badges.models import BadgeGrant


def export_badges(member) -> list[dict]:
    grants = BadgeGrant.objects.filter(member=member).select_related("badge")
    return [
        {
            "badge": grant.badge.slug,
            "name": grant.badge.name,
            "occasion": grant.occasion,
            "reason": grant.reason,
            "granted_at": grant.granted_at.isoformat(),
        }
        for grant in grants.order_by("granted_at", "pk")
    ]


def erase_badges(member, *, content: str) -> None:
    BadgeGrant.objects.filter(member=member).delete()
