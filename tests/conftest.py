import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def member(db):
    from tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def other_member(db):
    from tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def moderator(db):
    from tests.factories import ModeratorFactory

    return ModeratorFactory()


@pytest.fixture
def space(db):
    from tests.factories import SpaceFactory

    return SpaceFactory()
