import pytest
from django.core.cache import cache


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    """Test databases start as a copy of one migrated template (tests/dbtemplate.py)."""
    from tests import dbtemplate

    dbtemplate.install()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """`--dist loadgroup` (make test) sends the tests of one `xdist_group` to one worker by a
    `@<group>` suffix that pytest-xdist's worker adds to each test id. pytest-xdist 3.8 writes
    it to `item._nodeid`, which pytest 9.2 no longer reads (ids are `item._id`): the groups
    were silently ignored, and a module's shared data (tests/module_data.py) was built once
    per worker instead of once. Add the suffix where pytest-xdist could not; a pytest or
    pytest-xdist where its own works is left alone. tests/test_suite_setup.py checks it."""
    if not getattr(config.option, "loadgroup", False):
        return
    try:
        from _pytest.nodeid import coerce_node_id
    except ImportError:  # a pytest before 9.2: pytest-xdist's suffix works
        return
    for item in items:
        groups = {
            str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
            for mark in item.iter_markers("xdist_group")
        }
        if groups and "@" not in item.nodeid:
            item._id = coerce_node_id(f"{item.nodeid}@{'_'.join(sorted(groups))}")


def pytest_runtest_setup(item):
    """Tests marked `postgres` need PostgreSQL. The SQLite run (`make test-sqlite`) deselects
    them by marker; anywhere else on SQLite they fail with the reason (never skip), so a
    PostgreSQL run that lost its DATABASE_URL cannot pass without them."""
    if item.get_closest_marker("postgres") is None:
        return
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    message = (
        f"needs PostgreSQL but the suite runs on {connection.vendor}: set DATABASE_URL "
        "(docs/deploy.md), or deselect with -m 'not postgres' as `make test-sqlite` does"
    )
    pytest.fail(message, pytrace=False)


@pytest.fixture(autouse=True)
def _default_language():
    """A request as a member who reads Chinese activates Chinese for the rest of the thread;
    each test starts in the default language so messages it matches are English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


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
