"""Migrated test databases, built once and copied (docs/testing.md).

Running every migration takes the better part of a minute (Django renders the model states
of ~100 migrations), and the suite used to pay it once per xdist worker, once per
PostgreSQL and SQLite pass, and once more in each test that starts real worker processes on
a database of their own. Here the first one to migrate keeps a copy, the *template*, and
later databases start as a copy of it:

* SQLite: the in-memory test database is written to ``var/test-db-templates/<key>.sqlite3``
  and later restored with SQLite's backup API (milliseconds).
* PostgreSQL: a database ``fw_test_tmpl_<key>`` on the same server; a test database is then
  ``CREATE DATABASE ... TEMPLATE`` of it (a file copy on the server).

The key hashes every installed app's migration files, the Django version and the backend,
so a changed or added migration builds a new template; nothing stale is ever reused. The
copy holds what ``migrate`` left (django_migrations, content types, permissions, the site),
so a test database built from it is the one ``migrate`` builds. Set
``FLYWHEEL_TEST_DB_TEMPLATE=0`` to migrate every time as before.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from contextlib import suppress
from functools import cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_DIR = Path(
    os.environ.get("FLYWHEEL_TEST_DB_TEMPLATE_DIR", REPO_ROOT / "var" / "test-db-templates")
)


def enabled() -> bool:
    return os.environ.get("FLYWHEEL_TEST_DB_TEMPLATE", "1").lower() not in {"0", "false", "no"}


@cache
def migrations_key() -> str:
    """A hash of every installed app's migration files (and of the Django version)."""
    import importlib.util

    import django
    from django.apps import apps
    from django.conf import settings

    digest = hashlib.sha256(repr(django.VERSION).encode())
    # Under pytest --no-migrations it is not a dict: the apps' own migrations are the ones.
    modules = settings.MIGRATION_MODULES if isinstance(settings.MIGRATION_MODULES, dict) else {}
    for config in sorted(apps.get_app_configs(), key=lambda c: c.label):
        module = modules.get(config.label) or f"{config.name}.migrations"
        try:
            spec = importlib.util.find_spec(module)
        except ModuleNotFoundError:
            continue
        if spec is None or not spec.submodule_search_locations:
            continue
        digest.update(config.label.encode())
        for folder in spec.submodule_search_locations:
            for path in sorted(Path(folder).glob("*.py")):
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def sqlite_template() -> Path:
    return TEMPLATE_DIR / f"sqlite-{migrations_key()}.sqlite3"


def postgres_template() -> str:
    return f"fw_test_tmpl_{migrations_key()}"


# The test database of this process -----------------------------------------------------------


def install() -> None:
    """Route the test runner's ``migrate`` (django.test.utils.setup_databases ->
    create_test_db) through the template. Called before pytest-django creates the databases."""
    if not enabled():
        return
    from django.core import management
    from django.db.backends.base.creation import BaseDatabaseCreation

    original_create = BaseDatabaseCreation.create_test_db
    if getattr(original_create, "flywheel_template", False):
        return

    def create_test_db(self, *args, **kwargs):
        # create_test_db imports call_command when it runs: swap it for that call only.
        original = management.call_command

        def call_command(name, *c_args, **options):
            if name != "migrate":
                return original(name, *c_args, **options)
            return migrate_from_template(
                options.get("database", "default"), lambda: original(name, *c_args, **options)
            )

        management.call_command = call_command
        try:
            return original_create(self, *args, **kwargs)
        finally:
            management.call_command = original

    create_test_db.flywheel_template = True
    BaseDatabaseCreation.create_test_db = create_test_db


def migrate_from_template(alias: str, migrate) -> None:
    from django.conf import settings
    from django.db import connections

    connection = connections[alias]
    if not isinstance(settings.MIGRATION_MODULES, dict):  # pytest --no-migrations
        migrate()
    elif connection.vendor == "sqlite" and connection.is_in_memory_db():
        _sqlite_from_template(connection, migrate)
    elif connection.vendor == "postgresql":
        _postgres_from_template(connection, migrate)
    else:
        migrate()


def _sqlite_from_template(connection, migrate) -> None:
    template = sqlite_template()
    connection.ensure_connection()
    if template.exists():
        source = sqlite3.connect(template)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return
    migrate()
    TEMPLATE_DIR.mkdir(parents=True, exist_ok=True)
    partial = template.with_name(f"{template.name}.{os.getpid()}.partial")
    target = sqlite3.connect(partial)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    os.replace(partial, template)  # whole or not at all, whoever finishes first


def _postgres_from_template(connection, migrate) -> None:
    from django.db import DatabaseError

    name = connection.settings_dict["NAME"]
    template = postgres_template()
    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
        if cursor.fetchone():
            # create_test_db has just created it, empty.
            cursor.execute(f'DROP DATABASE "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            return
    migrate()
    connection.close()  # a template must have no other session
    with connection._nodb_cursor() as cursor, suppress(DatabaseError):
        # Another worker may have published it first (or still be connected): keep theirs.
        cursor.execute(f'CREATE DATABASE "{template}" TEMPLATE "{name}"')


# Databases for subprocesses ----------------------------------------------------------------


def copy_sqlite_template(path: Path) -> bool:
    """Writes a migrated SQLite database to ``path`` if a template exists; else False."""
    template = sqlite_template()
    if not enabled() or not template.exists():
        return False
    shutil.copyfile(template, path)
    return True


def postgres_template_clause(admin_url: str) -> str:
    """`` TEMPLATE "..."`` for ``CREATE DATABASE`` when a template exists on that server."""
    if not enabled():
        return ""
    import psycopg

    template = postgres_template()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [template]
        ).fetchone()
    return f' TEMPLATE "{template}"' if found else ""


def build() -> str:
    """Builds (or finds) the template of the database DATABASE_URL names: `.ci/run` builds the
    PostgreSQL and the SQLite one side by side before the two passes, which then only copy."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "flywheel.config.test_settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases

    default = settings.DATABASES["default"]
    if default["ENGINE"] != "django.db.backends.sqlite3":
        # Its own test database name: never one a pytest run beside it is using.
        default.setdefault("TEST", {})["NAME"] = f"test_{default['NAME']}_template_build"
    install()
    databases = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    teardown_databases(databases, verbosity=0)
    vendor = connections["default"].vendor
    return str(sqlite_template()) if vendor == "sqlite" else postgres_template()


if __name__ == "__main__":
    print(f"test database template: {build()}")
