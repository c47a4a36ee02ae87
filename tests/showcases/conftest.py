import pytest

from flywheel.commerce.models import Product, Store
from flywheel.showcases import services
from tests.reviews.conftest import png  # noqa: F401 (shared image maker)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def product(db):
    store = Store.objects.create(
        platform="shopify", domain="shop.example.com", webhook_secret="s", currency="USD"
    )
    return Product.objects.create(store=store, external_id="p1", title="Hubba Hubba tent")


def share(author, *, title="Sunrise on the Seceda", photos=None, **extra):

    return services.share_showcase(
        author=author,
        title=title,
        story=extra.pop("story", "Pitched at 2,500 m; **dry** all night."),
        kind=extra.pop("kind", "trip"),
        photos=photos if photos is not None else [png()],
        **extra,
    )
