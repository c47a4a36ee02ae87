"""Moderation data in a member's data export, and its erasure (flywheel.core.hooks privacy_exporters and privacy_erasers).

Registered in ModerationConfig.ready() as "moderation".

What erasure keeps, and why: the audit log (ModerationAction), sanctions, appeals, flags and
review items are the community's record of what moderators did and why. They stay, pointing
at the erased member's tombstone account (handle ``deleted-<id>``, no e-mail, name or
password), which is all the identity they keep. Foreign keys are *not* set to NULL: in this
app a NULL actor (audit log) or flagger (flag) means "done automatically", so nulling them
would misattribute a person's action to auto-moderation. Instead erasure removes the personal
data the rows carry as text:

* audit rows about the member (a sanction, a member flag) lose the name copied into
  ``target_repr``; rows the member made as a moderator lose their IP hash;
* with content "delete", what the member wrote goes: flag details, appeal texts, and the copies
  of their posts' bodies (and their topics' titles) kept in audit rows' before/after;
  with "anonymise" those stay, without the identity, as their posts do;
* moderation notices to the member and their guidelines acceptances are deleted (a tombstone
  never posts again, and notices are like notifications).
"""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from flywheel.community.models import Post, Topic
from flywheel.moderation.models import (
    Appeal,
    Flag,
    GuidelinesAcceptance,
    ModerationAction,
    ModerationNotice,
    Sanction,
)

# Keys of before/after in the audit log that hold a copy of what a member wrote.
WRITTEN_KEYS = ("body", "title")


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export_moderation(member) -> dict:
    """Flags the member raised, sanctions on them, their appeals, notices to them and the
    guidelines they accepted. Who flagged them and which moderator acted are other people's
    data and are left out."""
    flags = Flag.objects.filter(flagger=member).select_related("target_type").order_by("pk")
    sanctions = Sanction.objects.filter(member=member).order_by("pk")
    appeals = Appeal.objects.filter(member=member).order_by("pk")
    notices = ModerationNotice.objects.filter(recipient=member).order_by("pk")
    acceptances = GuidelinesAcceptance.objects.filter(member=member).order_by("version")
    return {
        "flags_raised": [
            {
                "target_type": flag.target_type.model,
                "target_id": flag.target_id,
                "reason": flag.reason,
                "details": flag.text,
                "state": flag.state,
                "created_at": _iso(flag.created_at),
            }
            for flag in flags
        ],
        "sanctions": [
            {
                "id": sanction.pk,
                "kind": sanction.kind,
                "reason": sanction.reason,
                "starts_at": _iso(sanction.starts_at),
                "ends_at": _iso(sanction.ends_at),
                "revoked_at": _iso(sanction.revoked_at),
            }
            for sanction in sanctions
        ],
        "appeals": [
            {
                "sanction_id": appeal.sanction_id,
                "text": appeal.text,
                "state": appeal.state,
                "decision_reason": appeal.decision_reason,
                "decided_at": _iso(appeal.decided_at),
                "created_at": _iso(appeal.created_at),
            }
            for appeal in appeals
        ],
        "notices": [
            {
                "summary": notice.summary,
                "reason": notice.reason,
                "created_at": _iso(notice.created_at),
            }
            for notice in notices
        ],
        "guidelines_accepted": [
            {"version": acceptance.version, "accepted_at": _iso(acceptance.accepted_at)}
            for acceptance in acceptances
        ],
    }


def _scrub_written_copies(member) -> None:
    """Blank the copies of the member's posts and topic titles kept in audit rows."""
    post_type = ContentType.objects.get_for_model(Post)
    topic_type = ContentType.objects.get_for_model(Topic)
    topic_ids = set(Topic.objects.filter(author=member).values_list("pk", flat=True))
    post_ids = set(Post.objects.filter(author=member).values_list("pk", flat=True))
    topic_ids |= set(
        Post.objects.filter(pk__in=post_ids, number=1).values_list("topic_id", flat=True)
    )
    actions = ModerationAction.objects.filter(
        Q(target_type=post_type, target_id__in=post_ids)
        | Q(target_type=topic_type, target_id__in=topic_ids)
    )
    for action in actions:
        before = {key: "" if key in WRITTEN_KEYS else value for key, value in action.before.items()}
        after = {key: "" if key in WRITTEN_KEYS else value for key, value in action.after.items()}
        target_repr = "" if action.target_type_id == topic_type.pk else action.target_repr
        if (before, after, target_repr) != (action.before, action.after, action.target_repr):
            action.before, action.after, action.target_repr = before, after, target_repr
            action.save(update_fields=["before", "after", "target_repr"])


def erase_moderation(member, *, content: str) -> None:
    """Keep the moderation record without the member's identity (see the module docstring)."""
    user_type = ContentType.objects.get_for_model(get_user_model())
    ModerationAction.objects.filter(target_type=user_type, target_id=member.pk).update(
        target_repr=f"deleted-{member.pk}"
    )
    ModerationAction.objects.filter(actor=member).update(ip_hash="")
    ModerationNotice.objects.filter(recipient=member).delete()
    GuidelinesAcceptance.objects.filter(member=member).delete()
    if content == "delete":
        Flag.objects.filter(flagger=member).update(text="")
        Appeal.objects.filter(member=member).update(text="")
        _scrub_written_copies(member)
