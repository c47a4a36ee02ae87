"""The test runner's own setup (tests/conftest.py)."""

from pathlib import Path

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


def test_every_test_of_tests_demo_reads_the_package_demo_on_the_demo_workers_group(request):
    # tests/demo/conftest.py builds one demo for the package; a module there without the
    # shared demo or the "demo" group would build its own, or the package's once more on the
    # other worker. Checked where tests/demo is collected with this file (the whole suite).
    demo_dir = Path(__file__).parent / "demo"
    demo_tests = [item for item in request.session.items if demo_dir in item.path.parents]
    for item in demo_tests:
        groups = [mark.args[0] for mark in item.iter_markers("xdist_group")]
        assert groups == ["demo"], item.nodeid
        assert "shared_demo" in item.fixturenames, item.nodeid
