"""Background work for reviews: photo thumbnails and the review-request e-mails."""

import io

from celery import shared_task
from django.core.files.base import ContentFile
from PIL import Image

from flywheel.core.images import REVIEW_PHOTO_THUMBNAIL
from flywheel.reviews.models import ReviewPhoto


@shared_task(name="flywheel.reviews.tasks.make_review_photo_thumbnails")
def make_review_photo_thumbnails(photo_ids: list[int]) -> int:
    """A small WebP per photo for lists and the widget. The stored photo has already been
    checked and re-encoded by process_image, so opening it here is safe and bounded."""
    made = 0
    for photo in ReviewPhoto.objects.filter(pk__in=photo_ids, thumbnail=""):
        with photo.image.open("rb") as source, Image.open(source) as image:
            image.thumbnail(REVIEW_PHOTO_THUMBNAIL, Image.Resampling.LANCZOS)
            buffer = io.BytesIO()
            image.save(buffer, format="WEBP", quality=80)
        name = photo.image.name.rsplit("/", 1)[-1].replace(".webp", "-thumb.webp")
        photo.thumbnail.save(name, ContentFile(buffer.getvalue()), save=False)
        photo.save(update_fields=["thumbnail"])
        made += 1
    return made


@shared_task(name="flywheel.reviews.tasks.send_review_requests")
def send_review_requests() -> dict[str, int]:
    from flywheel.reviews.services import send_review_requests as send

    return send()
