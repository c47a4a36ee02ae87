"""Reviews in a member's data export (with their photos) and their erasure
(flywheel.privacy.registry; registered in ReviewsConfig.ready() as "reviews").

Erasure deletes the member's reviews and photo files in both modes: a review is a statement
about a purchase made by a person, and "anonymise" would leave a rating no one stands behind.
Helpful votes go with the account (they cascade)."""

from flywheel.privacy.registry import ExportFiles
from flywheel.reviews.models import Review


def export_reviews(member) -> ExportFiles:
    data, files = [], {}
    for review in (
        Review.objects.filter(author=member)
        .select_related("product")
        .prefetch_related("photos", "revisions")
    ):
        photos = []
        for photo in review.photos.all():
            name = f"{review.pk}-{photo.pk}.webp"
            try:
                with photo.image.open("rb") as handle:
                    files[name] = handle.read()
            except OSError:
                continue
            photos.append(name)
        data.append(
            {
                "product": review.product.title,
                "rating": review.rating,
                "title": review.title,
                "body": review.body,
                "state": review.state,
                "created_at": review.created_at.isoformat(),
                "updated_at": review.updated_at.isoformat(),
                "photos": photos,
                "history": [
                    {"rating": r.rating, "title": r.title, "body": r.body}
                    for r in review.revisions.all()
                ],
            }
        )
    return ExportFiles(data=data, files=files)


def erase_reviews(member, *, content: str) -> None:
    from flywheel.reviews.queries import forget_widget_cache

    for review in Review.objects.filter(author=member).prefetch_related("photos"):
        for photo in review.photos.all():
            photo.image.delete(save=False)
            if photo.thumbnail:
                photo.thumbnail.delete(save=False)
        forget_widget_cache(review.product_id)
        review.delete()
