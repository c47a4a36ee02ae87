"""Background work for images in posts: the variant pages show, and the clean-up of uploads
no post ever used."""

import io
from datetime import timedelta

from celery import shared_task
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from flywheel.community.models import PostImage
from flywheel.community.services import delete_post_images
from flywheel.core.images import POST_IMAGE_DISPLAY

UNATTACHED_GRACE = timedelta(days=1)


@shared_task(name="flywheel.community.tasks.make_post_image_variants")
def make_post_image_variants(image_ids: list[int]) -> int:
    """A 960 px WebP per image. The stored image was checked and re-encoded by
    core.images.process_image, so opening it here is safe and bounded."""
    made = 0
    for image in PostImage.objects.filter(pk__in=image_ids, display=""):
        with image.image.open("rb") as source, Image.open(source) as picture:
            picture.thumbnail(POST_IMAGE_DISPLAY, Image.Resampling.LANCZOS)
            buffer = io.BytesIO()
            picture.save(buffer, format="WEBP", quality=82)
        image.display.save(f"{image.key}-display.webp", ContentFile(buffer.getvalue()), save=False)
        image.save(update_fields=["display"])
        made += 1
    return made


@shared_task(name="flywheel.community.tasks.delete_unattached_post_images", ignore_result=True)
def delete_unattached_post_images(*, now=None) -> int:
    """Daily (settings.CELERY_BEAT_SCHEDULE): uploads older than a day that no post names (a
    composer abandoned, an image removed before posting) go, files included."""
    cutoff = (now or timezone.now()) - UNATTACHED_GRACE
    stale = PostImage.objects.filter(post__isnull=True, created_at__lt=cutoff)
    return delete_post_images(stale.iterator(chunk_size=500))
