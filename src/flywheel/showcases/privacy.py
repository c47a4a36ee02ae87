"""Showcases in a member's data export (with their photos) and their erasure (registered in
ShowcasesConfig.ready() as "showcases"). Erasure deletes the member's showcases, photo files,
comments and reactions in both modes: photos of a person's things are theirs to take away."""

from django.db.models import F

from flywheel.privacy.registry import ExportFiles
from flywheel.showcases.models import Showcase, ShowcaseComment, ShowcaseReaction


def export_showcases(member) -> ExportFiles:
    data, files = {"showcases": [], "comments": []}, {}
    for showcase in Showcase.objects.filter(author=member).prefetch_related("photos", "products"):
        photos = []
        for photo in showcase.photos.all():
            name = f"{showcase.pk}-{photo.pk}.webp"
            try:
                with photo.image.open("rb") as handle:
                    files[name] = handle.read()
            except OSError:
                continue
            photos.append(name)
        data["showcases"].append(
            {
                "title": showcase.title,
                "story": showcase.story,
                "kind": showcase.kind,
                "state": showcase.state,
                "products": [product.title for product in showcase.products.all()],
                "created_at": showcase.created_at.isoformat(),
                "photos": photos,
            }
        )
    for comment in ShowcaseComment.objects.filter(author=member).select_related("showcase"):
        data["comments"].append(
            {
                "showcase": comment.showcase.title,
                "body": comment.body,
                "created_at": comment.created_at.isoformat(),
            }
        )
    return ExportFiles(data=data, files=files)


def erase_showcases(member, *, content: str) -> None:
    for showcase in Showcase.objects.filter(author=member).prefetch_related("photos"):
        for photo in showcase.photos.all():
            photo.image.delete(save=False)
            if photo.thumbnail:
                photo.thumbnail.delete(save=False)
        showcase.delete()
    for comment in ShowcaseComment.objects.filter(author=member):
        Showcase.objects.filter(pk=comment.showcase_id).update(comment_count=F("comment_count") - 1)
        comment.delete()
    for reaction in ShowcaseReaction.objects.filter(member=member):
        Showcase.objects.filter(pk=reaction.showcase_id).update(
            reaction_count=F("reaction_count") - 1
        )
        reaction.delete()
