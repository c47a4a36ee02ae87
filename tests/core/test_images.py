"""The shared image pipeline: what it refuses (before decoding), and what it stores."""

import io

import pytest
from PIL import ExifTags, Image

from flywheel.core.exceptions import InvalidInput
from flywheel.core.images import AVATAR, ImageUse, process_image
from tests.core.image_files import (
    SCRIPT_NAMED_JPG,
    SHELL_SCRIPT_NAMED_JPG,
    SVG_WITH_SCRIPT,
    big_flat_png,
    image_bytes,
    jpeg_with_gps,
    png_bomb,
    upload,
)


def _refusal(data: bytes, *, name: str = "avatar.png", use: ImageUse = AVATAR) -> InvalidInput:
    with pytest.raises(InvalidInput) as refused:
        process_image(upload(data, name=name), use=use)
    assert refused.value.field == use.field
    return refused.value


def test_a_6300_pixel_square_png_is_refused_from_its_header_naming_the_size():
    data = big_flat_png()
    assert len(data) < 200_000  # small on disk: only the pixel count gives it away

    error = _refusal(data)

    assert "6300×6300 pixels" in error.message
    assert "12 megapixels" in error.message


def test_a_20000_pixel_square_png_bomb_is_refused():
    error = _refusal(png_bomb())

    assert error.message.startswith("The avatar")
    assert "pixels" in error.message


def test_a_script_named_jpg_is_refused_as_not_an_image():
    error = _refusal(SCRIPT_NAMED_JPG, name="avatar.jpg")

    assert "must be an image" in error.message
    assert "text files are not accepted" in error.message


def test_a_shell_script_named_jpg_is_refused_as_not_an_image():
    error = _refusal(SHELL_SCRIPT_NAMED_JPG, name="avatar.jpg")

    assert "The avatar must be an image in one of these formats: PNG, JPEG, GIF, WebP" in (
        error.message
    )


@pytest.mark.parametrize("name", ["avatar.svg", "avatar.png"])
def test_an_svg_with_a_script_is_refused_whatever_its_name(name):
    error = _refusal(SVG_WITH_SCRIPT, name=name)

    assert "SVG" in error.message


def test_a_file_over_the_byte_limit_is_refused_before_it_is_read_as_an_image():
    # A real, small-in-pixels JPEG padded with 3 MB after its end marker.
    data = image_bytes(size=(64, 64), image_format="JPEG") + b"\0" * (3 * 1024 * 1024)

    error = _refusal(data, name="avatar.jpg")

    assert "at most 2 MB" in error.message


def test_a_stream_without_a_declared_size_is_cut_off_at_the_byte_limit():
    class Stream(io.BytesIO):
        size = None

    data = image_bytes(size=(64, 64)) + b"\0" * (3 * 1024 * 1024)

    with pytest.raises(InvalidInput, match="at most 2 MB"):
        process_image(Stream(data), use=AVATAR)


def test_a_truncated_png_is_refused_as_not_an_image():
    error = _refusal(image_bytes(size=(300, 300))[:200])

    assert "must be an image" in error.message


def test_a_format_outside_the_use_is_refused_by_content_not_name():
    error = _refusal(image_bytes(image_format="BMP"), name="avatar.png")

    assert "must be an image" in error.message


def test_gps_and_other_exif_are_stripped_from_the_stored_image():
    original = jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as source:
        assert source.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the upload does carry GPS

    processed = process_image(upload(original, name="me.jpg"), use=AVATAR)

    stored = processed.file.read()
    with Image.open(io.BytesIO(stored)) as result:
        assert result.format == "WEBP"
        assert len(result.getexif()) == 0
        assert "exif" not in result.info and "xmp" not in result.info
    assert b"TestCam" not in stored and b"Exif" not in stored


def test_the_exif_orientation_is_applied_before_the_metadata_is_dropped():
    # Orientation 6: the camera was turned, so the left (red) half is the top once shown.
    processed = process_image(upload(jpeg_with_gps(orientation=6), name="me.jpg"), use=AVATAR)

    with Image.open(processed.file) as result:
        top = result.convert("RGB").getpixel((128, 10))
        bottom = result.convert("RGB").getpixel((128, 245))
    assert top[0] > 200 and top[2] < 60
    assert bottom[2] > 200 and bottom[0] < 60


def test_a_valid_avatar_becomes_a_small_square_webp():
    processed = process_image(upload(image_bytes(size=(1200, 800))), use=AVATAR)

    assert (processed.width, processed.height) == (256, 256)
    assert processed.source_format == "PNG"
    assert processed.file.name.endswith(".webp")
    assert processed.file.size < 20_000


def test_a_large_jpeg_is_accepted_because_it_decodes_scaled_down():
    # 6,000×4,000 = 24 MP: over the 12 MP limit for PNG, within the JPEG limit (draft decode).
    data = image_bytes(size=(6000, 4000), image_format="JPEG", quality=50)

    processed = process_image(upload(data, name="photo.jpg"), use=AVATAR)

    assert (processed.width, processed.height) == (256, 256)


def test_a_photo_use_fits_inside_its_box_without_cropping():
    photo = ImageUse(
        field="photo",
        label="The photo",
        max_bytes=5 * 1024 * 1024,
        max_pixels=20_000_000,
        max_jpeg_pixels=50_000_000,
        output_size=(800, 800),
        crop=False,
    )

    processed = process_image(upload(image_bytes(size=(1600, 900))), use=photo)

    assert (processed.width, processed.height) == (800, 450)
