"""Demo showcases: members' trips, looks and builds with the demo's products, a few featured by
the brand team, with likes and comments, all through showcases.services. Idempotent: a
showcase the demo already shared (same author and title) is not shared again."""

import datetime as dt
import io
import random

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from flywheel.commerce.models import Product
from flywheel.showcases import services
from flywheel.showcases.models import Showcase

SHOWCASES = [
    (
        "trip",
        "Sunrise above the Seceda",
        "Pitched at 2,500 m after a long climb. **Dry** and warm all night.",
    ),
    (
        "look",
        "Rainy commute, dry shirt",
        "Forty minutes of downpour on the bike; not a drop got through.",
    ),
    (
        "build",
        "My ultralight kit for the GR20",
        "Everything I carried for 15 days, laid out before the start.",
    ),
    (
        "trip",
        "Three nights on Skye",
        "Wind all night, the tent did not budge. The midges were another story.",
    ),
    ("contest", "Autumn colours contest: Val di Funes", "My entry for the October photo contest."),
    (
        "look",
        "Layering for a frosty morning",
        "Base layer, fleece, the shell on top. Toasty at -4 °C.",
    ),
    ("build", "Stove nook in my van", "A small shelf that holds the stove and two canisters."),
    ("trip", "First solo overnight", "Nervous at first, then the best night's sleep in months."),
]
COMMENTS = [
    "What a view!",
    "Where exactly is this?",
    "Great shot, saving it for my next trip.",
    "Love this setup.",
]
SKY = ["#f4a261", "#e76f51", "#2a9d8f", "#264653", "#e9c46a", "#8ab17d"]
FEATURED = 3


def _photo(rng: random.Random, name: str) -> SimpleUploadedFile:
    """A little landscape: sky, two mountains, a sun."""
    image = Image.new("RGB", (800, 600), rng.choice(SKY))
    draw = ImageDraw.Draw(image)
    draw.ellipse((560, 80, 680, 200), fill="#fff3c4")
    for left, colour in ((-100, "#3d5a40"), (250, "#1f3324")):
        peak = rng.randrange(180, 300)
        draw.polygon([(left, 600), (left + 350, peak), (left + 700, 600)], fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def seed_demo_showcases(*, seed: int, anchor: dt.datetime) -> int:
    rng = random.Random(seed + 12)
    user_model = get_user_model()
    members = list(user_model.objects.filter(is_active=True, role="member").order_by("pk")[:40])
    staff = (
        user_model.objects.filter(is_active=True, role__in=["owner", "admin", "moderator"])
        .order_by("pk")
        .first()
    )
    products = list(Product.objects.filter(deleted=False).order_by("pk")[:6])
    if len(members) < len(SHOWCASES) or staff is None:
        return 0
    created = 0
    for index, (kind, title, story) in enumerate(SHOWCASES):
        author = members[index * 3 % len(members)]
        if Showcase.objects.filter(author=author, title=title).exists():
            continue
        tagged = [products[index % len(products)].pk] if products else []
        showcase = services.share_showcase(
            author=author,
            title=title,
            story=story,
            kind=kind,
            photos=[_photo(rng, f"showcase-{index}-{n}.jpg") for n in range(1 + index % 2)],
            product_ids=tagged,
            at=anchor - dt.timedelta(days=30 - index * 3),
        )
        created += 1
        fans = rng.sample(members, k=min(len(members), 3 + index % 5))
        for fan in fans:
            if fan != author:
                services.react_to_showcase(showcase=showcase, member=fan)
        for fan, comment in zip(fans[:2], rng.sample(COMMENTS, k=2), strict=False):
            if fan != author:
                services.comment_on_showcase(showcase=showcase, author=fan, body=comment)
        if index < FEATURED:
            services.feature_showcase(showcase=showcase, by=staff)
    return created
