"""Background work for showcases: the small variant of each photo for the gallery."""

import io

from celery import shared_task
from django.core.files.base import ContentFile
from PIL import Image

from flywheel.core.images import REVIEW_PHOTO_THUMBNAIL
from flywheel.showcases.models import ShowcasePhoto


@shared_task(name="flywheel.showcases.tasks.make_showcase_thumbnails")
def make_showcase_thumbnails(photo_ids: list[int]) -> int:
    """A small WebP per photo. The stored photo was checked and re-encoded by process_image,
    so opening it here is safe and bounded."""
    made = 0
    for photo in ShowcasePhoto.objects.filter(pk__in=photo_ids, thumbnail=""):
        with photo.image.open("rb") as source, Image.open(source) as image:
            image.thumbnail(REVIEW_PHOTO_THUMBNAIL, Image.Resampling.LANCZOS)
            buffer = io.BytesIO()
            image.save(buffer, format="WEBP", quality=80)
        name = photo.image.name.rsplit("/", 1)[-1].replace(".webp", "-thumb.webp")
        photo.thumbnail.save(name, ContentFile(buffer.getvalue()), save=False)
        photo.save(update_fields=["thumbnail"])
        made += 1
    return made
