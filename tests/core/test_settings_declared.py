"""Every FLYWHEEL_* name the code reads is declared, with its default, in settings.py and
listed in docs/deploy.md (before, 18 were read with getattr(settings, ..., default) only, so
the default lived in the reading code and operators could not find the knob)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "flywheel"
SETTINGS = SRC / "config" / "settings.py"
NAME = re.compile(r"\bFLYWHEEL_[A-Z][A-Z0-9_]*\b")
# Read straight from the environment (settings.py turns them into other settings).
ENVIRONMENT_ONLY = {"FLYWHEEL_DATA_DIR", "FLYWHEEL_TESTING", "FLYWHEEL_BRAND_NAME"}
# Read by `flywheel commerce connect` from its own environment so secrets stay off the
# command line (docs/stores.md); never settings.
ENVIRONMENT_ONLY |= {"FLYWHEEL_STORE_WEBHOOK_SECRET", "FLYWHEEL_STORE_API_TOKEN"}


def names_in_code() -> set[str]:
    names: set[str] = set()
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts or path.parent.name == "config":
            continue
        names.update(NAME.findall(path.read_text()))
    return names


def declared_settings() -> set[str]:
    return set(re.findall(r"^(FLYWHEEL_[A-Z0-9_]+)\s*[:=]", SETTINGS.read_text(), re.MULTILINE))


def test_every_flywheel_setting_the_code_reads_is_declared_in_settings():
    assert names_in_code() - declared_settings() - ENVIRONMENT_ONLY == set()


def test_every_flywheel_setting_is_listed_in_the_deploy_guide():
    guide = (ROOT / "docs" / "deploy.md").read_text()
    every = names_in_code() | declared_settings() | ENVIRONMENT_ONLY
    assert {name for name in every if f"`{name}`" not in guide} == set()


def test_the_declared_settings_load_with_their_defaults(settings):
    for name in declared_settings():
        assert hasattr(settings, name), name
