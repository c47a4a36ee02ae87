"""The test runner's own setup (tests/conftest.py)."""

import pytest

pytestmark = pytest.mark.xdist_group("suite_setup")


def test_a_grouped_test_carries_its_group_so_loadgroup_keeps_the_group_on_one_worker(
    request, pytestconfig
):
    # Under `--dist loadgroup` (make test, make test-sqlite) the scheduler reads the group
    # from the id's `@<group>` suffix; without it the group's tests spread over the workers
    # and each builds the module's shared data again (tests/module_data.py).
    if getattr(pytestconfig.option, "loadgroup", False):
        assert request.node.nodeid.endswith("@suite_setup")
    else:
        assert "@" not in request.node.nodeid
