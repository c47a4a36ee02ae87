import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.api.conftest import ApiClient, token_for


@pytest.fixture(autouse=True)
def _private_files_in_tmp(settings, tmp_path):
    """Exports and avatars go to a fresh folder per test, never the developer's var/."""
    settings.FLYWHEEL_PRIVATE_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def api_for():
    def build(user) -> ApiClient:
        return ApiClient(token=token_for(user))

    return build


def avatar_upload() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "#2f6f4f").save(buffer, format="PNG")
    return SimpleUploadedFile("me.png", buffer.getvalue(), content_type="image/png")
