"""Ideas, supports, comments, feature requests and votes in a member's data export, and their
erasure (registered in IdeasConfig.ready() as "ideas").

Erasure withdraws the member's supports and votes (the counts drop with them: a supporter who
left is no longer a supporter) and, as the member chose, deletes their ideas, comments and
requests or keeps them without a name."""

from django.db.models import F

from flywheel.ideas.models import (
    FeatureRequest,
    FeatureVote,
    Idea,
    IdeaComment,
    Support,
)
from flywheel.privacy.registry import ExportFiles


def export_ideas(member) -> ExportFiles:
    files = {}
    ideas = []
    for idea in Idea.objects.filter(author=member).prefetch_related("images"):
        images = []
        for image in idea.images.all():
            name = f"{idea.pk}-{image.pk}.webp"
            try:
                with image.image.open("rb") as handle:
                    files[name] = handle.read()
            except OSError:
                continue
            images.append(name)
        ideas.append(
            {
                "title": idea.title,
                "description": idea.description,
                "status": idea.status,
                "created_at": idea.created_at.isoformat(),
                "images": images,
            }
        )
    data = {
        "ideas": ideas,
        "supported": [
            {"idea": title, "at": at.isoformat()}
            for title, at in Support.objects.filter(member=member).values_list(
                "idea__title", "created_at"
            )
        ],
        "comments": [
            {"idea": title, "body": body, "at": at.isoformat()}
            for title, body, at in IdeaComment.objects.filter(author=member).values_list(
                "idea__title", "body", "created_at"
            )
        ],
        "feature_requests": [
            {"title": title, "body": body, "status": status}
            for title, body, status in FeatureRequest.objects.filter(author=member).values_list(
                "title", "body", "status"
            )
        ],
        "feature_votes": list(
            FeatureVote.objects.filter(member=member).values_list("request__title", flat=True)
        ),
    }
    return ExportFiles(data=data, files=files)


def erase_ideas(member, *, content: str) -> None:
    for support in Support.objects.filter(member=member):
        Idea.objects.filter(pk=support.idea_id).update(
            support_count=F("support_count") - 1,
            buyer_support_count=F("buyer_support_count") - int(support.verified_buyer),
        )
        support.delete()
    for vote in FeatureVote.objects.filter(member=member):
        FeatureRequest.objects.filter(pk=vote.request_id).update(vote_count=F("vote_count") - 1)
        vote.delete()
    if content == "delete":
        for idea in Idea.objects.filter(author=member).prefetch_related("images"):
            for image in idea.images.all():
                image.image.delete(save=False)
            idea.delete()
        for comment in IdeaComment.objects.filter(author=member):
            Idea.objects.filter(pk=comment.idea_id).update(comment_count=F("comment_count") - 1)
            comment.delete()
        FeatureRequest.objects.filter(author=member).delete()
    else:
        Idea.objects.filter(author=member).update(author=None)
        IdeaComment.objects.filter(author=member).update(author=None)
        FeatureRequest.objects.filter(author=member).update(author=None)
