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
