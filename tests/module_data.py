"""Rows written once for all the tests of a module, rolled back after the last one.

Like Django's ``TestCase.setUpTestData``: a module-scoped fixture writes inside an outer
transaction; each test's own transaction (pytest-django's ``db``) is a savepoint inside it, so
what a test changes is undone after it, and the outer transaction is rolled back when the
module ends. Use it only for data that is expensive to build and that the tests read; keep
such a module's tests on one xdist worker (``pytest.mark.xdist_group``) so it is built once.
Transactional tests (``transaction=True``) cannot share it.
"""

from contextlib import contextmanager

from django.db import transaction


@contextmanager
def rolled_back_after(django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def demo_once(scope="module", **options):
    """A module-scoped fixture (or `scope`): `flywheel demo` with these options, loaded once
    for the module and rolled back after it. A test's own `call_command("demo", ...)` with the
    same options then finds it in place: a second run adds nothing and takes a fraction of a
    second, where the first takes many. In a module: ``shared_demo = demo_once(**SMALL)`` and
    ``pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_demo"),
    pytest.mark.xdist_group("<module>")]``: the group keeps the module's tests on one xdist
    worker (``--dist loadgroup``), else each worker that gets one of them builds the demo. Tests that
    need an empty database, the first run's on-commit work or patches during the first run
    cannot share it. tests/demo/conftest.py shares one for the whole package."""
    import pytest
    from django.core.management import call_command

    @pytest.fixture(scope=scope)
    def shared_demo(django_db_setup, django_db_blocker):
        with rolled_back_after(django_db_blocker):
            call_command("demo", **options)
            yield

    return shared_demo
