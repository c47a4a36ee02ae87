"""The one way an uploaded image becomes a stored file: checked by content, bounded, re-encoded.

Every image members upload (avatars today, review photos tomorrow) goes through
``process_image(upload, use=...)``. An ``ImageUse`` says what the image is for, and so how
much work it may cost:

1. **Bytes**: more than ``max_bytes`` is refused before Pillow sees the file.
2. **Content, not name**: the format comes from Pillow's detection of the bytes, restricted to
   the use's formats (PNG, JPEG, GIF, WebP). SVG, HTML or a script named ``.jpg`` is refused.
3. **Pixels before decoding**: ``Image.open`` reads only the header; width × height over the
   use's limit is refused before a single pixel is decoded. A JPEG may be larger
   (``max_jpeg_pixels``) because its decoder scales down by 1/2, 1/4 or 1/8 while decoding
   (``Image.draft``), so a 48-megapixel phone photo decodes as 3 megapixels for an avatar.
   Pillow's own decompression-bomb check is an error here, never a warning.
4. **Re-encoded, metadata dropped**: the pixels are copied into a fresh image (after applying
   the EXIF orientation) and saved as WebP no bigger than ``output_size``, so EXIF, GPS, XMP,
   ICC comments and anything appended to the file never reach storage.

It writes nothing: the caller stores the returned ``ContentFile`` inside its own service.
Refusals are ``InvalidInput`` naming the use's field, so pages and the API answer 422.
"""

import io
import uuid
import warnings
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

from flywheel.core.exceptions import InvalidInput

# Pillow's process-wide ceiling for any image opened anywhere (admin, scripts). Each use has its
# own, lower limit checked first; this lowers Pillow's default "warn above 89 MP, fail above
# 179 MP" to "warn above 50, fail above 100" for code that does not come through here (and
# process_image treats the warning as a refusal too).
SAFE_MAX_IMAGE_PIXELS = 50_000_000
Image.MAX_IMAGE_PIXELS = SAFE_MAX_IMAGE_PIXELS

ACCEPTED_FORMATS = ("PNG", "JPEG", "GIF", "WEBP")
# Markup pretending to be an image (SVG, HTML, XML, <script>) starts with "<", perhaps after a
# byte-order mark; no accepted format does. Refused with a message that says so.
TEXT_SIGNATURES = (b"<", b"\xef\xbb\xbf<")


@dataclass(frozen=True)
class ImageUse:
    """What an image is for, and so how large it may be on the way in and on the way out."""

    field: str  # the form/API field that errors name
    label: Promise  # "The avatar", as messages start
    max_bytes: int
    max_pixels: int  # formats decoded in full (PNG, GIF, WebP)
    max_jpeg_pixels: int  # JPEG decodes scaled down (draft), so it may be larger
    output_size: tuple[int, int]
    crop: bool  # True: cut to exactly output_size (avatars); False: fit inside it (photos)
    quality: int = 85
    formats: tuple[str, ...] = ACCEPTED_FORMATS


AVATAR = ImageUse(
    field="avatar",
    label=gettext_lazy("The avatar"),
    max_bytes=2 * 1024 * 1024,
    # 4000×3000 screenshots and photos; a 6,300×6,300 PNG (40 MP) is refused unread.
    max_pixels=12_000_000,
    max_jpeg_pixels=50_000_000,
    output_size=(256, 256),
    crop=True,
)


# A product photo in a review: a phone camera's JPEG, kept large enough to zoom into; lists and
# the widget show the thumbnail variant a background task makes (reviews/tasks.py).
REVIEW_PHOTO = ImageUse(
    field="photos",
    label=gettext_lazy("The photo"),
    max_bytes=10 * 1024 * 1024,
    max_pixels=25_000_000,
    max_jpeg_pixels=50_000_000,
    output_size=(1600, 1600),
    crop=False,
)
REVIEW_PHOTO_THUMBNAIL = (320, 320)

# A member's showcase photo (a look, a build, a trip): the same bounds as a review photo.
SHOWCASE_PHOTO = REVIEW_PHOTO

# An image in a topic or reply, uploaded from the composer (community.services.upload_post_image):
# a photo's bounds; pages show the 960 px variant a background task makes (community/tasks.py).
POST_IMAGE = ImageUse(
    field="image",
    label=gettext_lazy("The image"),
    max_bytes=10 * 1024 * 1024,
    max_pixels=25_000_000,
    max_jpeg_pixels=50_000_000,
    output_size=(1600, 1600),
    crop=False,
)
POST_IMAGE_DISPLAY = (960, 960)


@dataclass(frozen=True)
class ProcessedImage:
    file: ContentFile  # named <random>.webp; the caller's upload_to decides the folder
    width: int
    height: int
    source_format: str


def _refuse(use: ImageUse, message: str) -> InvalidInput:
    return InvalidInput(message, field=use.field)


def _formats_text(use: ImageUse) -> str:
    return ", ".join(name.replace("WEBP", "WebP") for name in use.formats)


def _read_bounded(upload, use: ImageUse) -> bytes:
    """The upload's bytes, refusing more than max_bytes without reading the rest."""
    too_big = _refuse(
        use,
        _("%(label)s must be at most %(size)s MB.")
        % {"label": use.label, "size": f"{use.max_bytes / (1024 * 1024):g}"},
    )
    size = getattr(upload, "size", None)
    if size is not None and size > use.max_bytes:
        raise too_big
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(use.max_bytes + 1)
    if len(data) > use.max_bytes:
        raise too_big
    return data


def _check_not_text(data: bytes, use: ImageUse) -> None:
    head = data[:256].lstrip().lower()
    if head.startswith(TEXT_SIGNATURES) or b"<svg" in head:
        raise _refuse(
            use,
            _(
                "%(label)s must be an image in one of these formats: %(formats)s. SVG, HTML "
                "and other text files are not accepted."
            )
            % {"label": use.label, "formats": _formats_text(use)},
        )


def _check_pixels(image: Image.Image, use: ImageUse) -> None:
    width, height = image.size
    limit = use.max_jpeg_pixels if image.format == "JPEG" else use.max_pixels
    if width <= 0 or height <= 0 or width * height > limit:
        raise _refuse(
            use,
            _(
                "%(label)s is %(width)d×%(height)d pixels; the most we accept is "
                "%(megapixels)s megapixels. Scale it down and try again."
            )
            % {
                "label": use.label,
                "width": width,
                "height": height,
                "megapixels": f"{limit / 1_000_000:g}",
            },
        )


def _shrink(image: Image.Image, use: ImageUse) -> Image.Image:
    """Decode (scaled down by the JPEG decoder where it can) and resize to the output size."""
    target_w, target_h = use.output_size
    if image.format == "JPEG":
        # Ask for no less than twice the output so the final Lanczos resize stays sharp.
        image.draft("RGB", (target_w * 2, target_h * 2))
    image.seek(0)  # animated GIF/WebP: the first frame only
    # In place and no same-mode convert: each copy of a 12 MP image is another 36-48 MB.
    ImageOps.exif_transpose(image, in_place=True)
    mode = "RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB"
    if image.mode != mode:
        image = image.convert(mode)
    if use.crop:
        return ImageOps.fit(image, use.output_size, Image.Resampling.LANCZOS)
    image.thumbnail(use.output_size, Image.Resampling.LANCZOS)
    return image


def process_image(upload, *, use: ImageUse) -> ProcessedImage:
    """Check an upload against `use` and return it re-encoded as a small WebP.

    Raises InvalidInput(field=use.field) for too many bytes, a format outside the use's list
    (judged by content), text such as SVG, too many pixels, or a file Pillow cannot decode.
    """
    data = _read_bounded(upload, use)
    _check_not_text(data, use)
    not_an_image = _refuse(
        use,
        _("%(label)s must be an image in one of these formats: %(formats)s.")
        % {"label": use.label, "formats": _formats_text(use)},
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=use.formats) as image:
                _check_pixels(image, use)
                source_format = image.format or ""
                result = _shrink(image, use)
        # A fresh image holds pixels only: no EXIF, GPS, XMP, ICC profile or comments.
        clean = Image.new(result.mode, result.size)
        clean.paste(result)
        buffer = io.BytesIO()
        clean.save(buffer, format="WEBP", quality=use.quality)
    except InvalidInput:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _refuse(
            use,
            _("%(label)s has too many pixels to process.") % {"label": use.label},
        ) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        raise not_an_image from error
    return ProcessedImage(
        file=ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.webp"),
        width=clean.width,
        height=clean.height,
        source_format=source_format,
    )
