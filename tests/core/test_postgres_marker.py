"""Tests marked `postgres` never pass silently without PostgreSQL: on SQLite they fail with the
reason, in CI and elsewhere alike, and the SQLite run deselects them by marker."""

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

NEEDS_POSTGRES = """
import pytest

@pytest.mark.postgres
def test_uses_a_postgresql_feature():
    pass
"""


def run_pytest(tmp_path, *arguments: str, ci: bool) -> subprocess.CompletedProcess:
    test_file = tmp_path / "test_needs_postgres.py"
    test_file.write_text(NEEDS_POSTGRES)
    env = {k: v for k, v in os.environ.items() if k not in {"CI", "PYTEST_XDIST_WORKER"}}
    env["DATABASE_URL"] = ""  # SQLite, whatever this run uses
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-c",
            str(REPO_ROOT / "pyproject.toml"),
            "--rootdir",
            str(REPO_ROOT),
            "-p",
            "tests.conftest",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "-rA",
            str(test_file),
            *arguments,
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_postgres_test_fails_on_sqlite_in_ci(tmp_path):
    result = run_pytest(tmp_path, ci=True)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "needs PostgreSQL but the suite runs on sqlite" in result.stdout


def test_a_postgres_test_fails_on_sqlite_outside_ci_too(tmp_path):
    result = run_pytest(tmp_path, ci=False)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "needs PostgreSQL but the suite runs on sqlite" in result.stdout


def test_the_sqlite_run_deselects_postgres_tests(tmp_path):
    result = run_pytest(tmp_path, "-m", "not postgres", ci=True)
    assert result.returncode == 5, result.stdout + result.stderr  # nothing left to run
    assert "1 deselected" in result.stdout
