"""One demo for every module of the package, built once per xdist worker and rolled back
after the package's last test (tests/module_data.py). The modules share one
`pytest.mark.xdist_group("demo")`, so `--dist loadgroup` runs them all on one worker, one after
another: the demo is built once, where each module built its own before. A module's own
`call_command("demo", **DEMO)` then finds it in place and adds nothing (a fraction of a second).
Tests that need an empty database, the first run's on-commit work or patches during the
first run cannot share it: they are in tests/demo_own_build/."""

from tests.demo import DEMO
from tests.module_data import demo_once

shared_demo = demo_once(scope="package", **DEMO)
