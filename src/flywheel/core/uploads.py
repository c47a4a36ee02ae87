"""Uploaded files that nothing refers to any more, deleted once they are old enough.

A file is written before the row that names it is saved (Django's FileField saves the file
first), so a failed save, a rolled-back transaction or a crash between the two leaves a
file under MEDIA_ROOT that no row names: a member's avatar that is still on disk, and
reachable at its URL, after they replaced it or erased their account. The daily task below
deletes every file under MEDIA_ROOT that no FileField/ImageField of any model refers to and
that is older than FLYWHEEL_ORPHAN_UPLOAD_GRACE_HOURS (a file being uploaded right now has
no row yet). Private files (data exports) live elsewhere and have their own retention.
"""

import logging
import os
from datetime import timedelta
from pathlib import Path

from celery import shared_task
from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone

logger = logging.getLogger(__name__)

DEFAULT_GRACE_HOURS = 24


def _media_file_fields() -> list[tuple[type[models.Model], str]]:
    """(model, field name) of every file field stored under MEDIA_ROOT."""
    media_root = Path(settings.MEDIA_ROOT).resolve()
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.FileField):
                continue
            storage = field.storage
            location = getattr(storage, "location", None)
            if isinstance(storage, FileSystemStorage) and Path(location).resolve() == media_root:
                found.append((model, field.name))
    return found


def referenced_media_names() -> set[str]:
    """Every file name (relative to MEDIA_ROOT) that a row refers to."""
    names: set[str] = set()
    for model, field_name in _media_file_fields():
        values = (
            model._base_manager.exclude(**{f"{field_name}__isnull": True})
            .exclude(**{field_name: ""})
            .values_list(field_name, flat=True)
        )
        names.update(str(value) for value in values.iterator(chunk_size=2000))
    return names


def delete_orphaned_uploads(*, now=None, grace: timedelta | None = None) -> int:
    """Delete files under MEDIA_ROOT that no row refers to and that are older than the grace
    period. Returns how many were deleted."""
    now = now or timezone.now()
    if grace is None:
        hours = int(getattr(settings, "FLYWHEEL_ORPHAN_UPLOAD_GRACE_HOURS", DEFAULT_GRACE_HOURS))
        grace = timedelta(hours=hours)
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return 0
    cutoff = (now - grace).timestamp()
    # Read the references after listing would race a row saved meanwhile; before is safe:
    # a file saved after this read is younger than the grace period.
    referenced = referenced_media_names()
    deleted = 0
    for directory, _subdirectories, files in os.walk(root):
        for file_name in files:
            path = Path(directory) / file_name
            name = path.relative_to(root).as_posix()
            if name in referenced:
                continue
            try:
                if path.is_symlink() or path.stat().st_mtime > cutoff:
                    continue
                path.unlink()
            except FileNotFoundError:
                continue
            deleted += 1
    if deleted:
        logger.info("deleted %s orphaned uploads under %s", deleted, root)
    return deleted


@shared_task(name="flywheel.core.delete_orphaned_uploads", ignore_result=True)
def delete_orphaned_uploads_task() -> int:
    """Daily (settings.CELERY_BEAT_SCHEDULE)."""
    return delete_orphaned_uploads()
