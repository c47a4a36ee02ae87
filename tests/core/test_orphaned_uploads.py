"""Files under MEDIA_ROOT that no row refers to are deleted once past the grace period."""

import os
import time
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile

from flywheel.core.uploads import delete_orphaned_uploads
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def _file(root, name: str, *, hours_old: float):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"RIFF....WEBP")
    past = time.time() - hours_old * 3600
    os.utime(path, (past, past))
    return path


def test_an_old_file_no_row_names_is_deleted_and_referenced_or_young_ones_stay(media):
    member = UserFactory()
    member.avatar.save("kept.webp", ContentFile(b"RIFF....WEBP"), save=True)
    kept = media / member.avatar.name
    os.utime(kept, (time.time() - 90_000, time.time() - 90_000))
    orphan = _file(media, "avatars/7/left-behind.webp", hours_old=48)
    young = _file(media, "avatars/7/uploading-now.webp", hours_old=1)

    deleted = delete_orphaned_uploads(grace=timedelta(hours=24))

    assert deleted == 1
    assert not orphan.exists()
    assert kept.exists() and young.exists()


def test_an_erased_members_avatar_is_not_left_on_disk(media):
    from flywheel.privacy.services import erase_member

    member = UserFactory()
    member.avatar.save("face.webp", ContentFile(b"RIFF....WEBP"), save=True)
    path = media / member.avatar.name

    erase_member(member, reason="test")
    os.utime(path, (time.time() - 90_000, time.time() - 90_000)) if path.exists() else None
    delete_orphaned_uploads(grace=timedelta(hours=24))

    assert not path.exists()
