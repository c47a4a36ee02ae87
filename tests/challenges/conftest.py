from datetime import date

import pytest

from flywheel.challenges import services
from tests.factories import ModeratorFactory
from tests.reviews.conftest import png  # noqa: F401 (shared image maker)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FLYWHEEL_RATE_LIMITS = {}


@pytest.fixture
def staff(db):
    return ModeratorFactory(handle="coach")


def make_challenge(
    by, *, starts_on=date(2027, 3, 1), ends_on=date(2027, 3, 30), target=30, **extra
):
    return services.create_challenge(
        by=by,
        title=extra.pop("title", "30 days outside"),
        description=extra.pop("description", "Get **outside** every day."),
        starts_on=starts_on,
        ends_on=ends_on,
        target_check_ins=target,
        **extra,
    )
