"""What one avatar upload costs: peak memory and time of the old and the new pipeline.

    PYTHONPATH=src:. python -m bench.image_upload

Each case runs in a fresh interpreter (Linux only): the high-water mark of its resident size
(VmHWM) is reset just before the upload is processed, and the figure reported is the peak's
growth over the resident size at that moment. Pillow allocates pixel memory in C, which
tracemalloc would not see.
Results go to docs/benchmarks.md ("Image uploads").
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.core.image_files import big_flat_png, flat_png, image_bytes, png_bomb

CASES = {
    "png_6300": big_flat_png,
    "png_20000_bomb": png_bomb,
    "jpeg_6000x4000": lambda: image_bytes(size=(6000, 4000), image_format="JPEG", quality=80),
    "png_4000x3000_largest_accepted": lambda: flat_png(4000, 3000),
    "png_1200x800": lambda: image_bytes(size=(1200, 800)),
}

CHILD = r"""
import io, json, sys, time
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "flywheel.config.test_settings")
django.setup()
from PIL import Image, ImageOps
from django.core.files.uploadedfile import SimpleUploadedFile

def before(upload):
    # accounts.services.process_avatar as it was before core/images.py (commit 7e69fa5).
    upload.seek(0)
    with Image.open(upload) as probe:
        width, height = probe.size
        if width * height > 40_000_000:
            raise ValueError("too large")
        probe.verify()
    upload.seek(0)
    with Image.open(upload) as image:
        image = ImageOps.exif_transpose(image)
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        square = ImageOps.fit(image, (256, 256), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        square.save(buffer, format="WEBP", quality=85)

def after(upload):
    from flywheel.core.images import AVATAR, process_image
    process_image(upload, use=AVATAR)

pipeline, path = sys.argv[1], sys.argv[2]
if pipeline == "before":
    Image.MAX_IMAGE_PIXELS = 89_478_485  # Pillow's default, as before
data = open(path, "rb").read()
upload = SimpleUploadedFile("a.png", data)
if pipeline == "after":
    import flywheel.core.images  # imported before measuring, like in a running server
def status_kb(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1])

# Reset the high-water mark (Linux), so the peak below is this upload's, not django.setup()'s.
with open("/proc/self/clear_refs", "w") as clear:
    clear.write("5")
start_rss = status_kb("VmRSS")
started = time.perf_counter()
try:
    (before if pipeline == "before" else after)(upload)
    outcome = "stored"
except Exception as error:
    outcome = f"refused ({type(error).__name__})"
elapsed = time.perf_counter() - started
peak = status_kb("VmHWM")
print(json.dumps({"bytes": len(data), "outcome": outcome, "seconds": round(elapsed, 3),
                  "peak_growth_mb": round((peak - start_rss) / 1024, 1)}))
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for name, make in CASES.items():
            # Built here, not in the child, so building it does not count in the child's peak.
            path = Path(folder) / name
            path.write_bytes(make())
            for pipeline in ("before", "after"):
                result = subprocess.run(  # noqa: S603 (our own interpreter and script)
                    [sys.executable, "-c", CHILD, pipeline, str(path)],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                row = {"case": name, "pipeline": pipeline, **json.loads(result.stdout)}
                print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
