import pytest

from flywheel.trust import queries
from flywheel.trust.models import TrustLevelRequirement

MINIMUM_FIELDS = [
    "days_since_joined",
    "days_visited",
    "topics_entered",
    "posts_read",
    "replies",
    "likes_given",
    "likes_received",
    "verified_purchases",
    "reviews",
]


@pytest.fixture
def ladder(db):
    """Set a level's requirements: every minimum not named is 0, every maximum not named None."""

    def set_level(level: int, **fields):
        values = {name: 0 for name in MINIMUM_FIELDS}
        values.update({"max_refunds": None, "max_upheld_flags": None, "max_sanctions": None})
        values["window_days"] = 0
        values.update(fields)
        TrustLevelRequirement.objects.filter(level=level).update(**values)
        queries.forget_requirements()

    return set_level
