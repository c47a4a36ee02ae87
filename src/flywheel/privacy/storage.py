"""Private file storage for data exports: outside MEDIA_ROOT, never served by a static URL."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_storage() -> FileSystemStorage:
    # base_url=None: the storage has no public URL; files are streamed by an authorised view.
    return FileSystemStorage(location=settings.FLYWHEEL_PRIVATE_ROOT, base_url=None)
