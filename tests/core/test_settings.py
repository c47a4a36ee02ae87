import os
import stat
import subprocess
import sys

import pytest

PRINT_SECURITY = (
    "from django.conf import settings as s; "
    "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
    "s.SECURE_SSL_REDIRECT, s.ALLOWED_HOSTS, s.CELERY_TASK_ALWAYS_EAGER)"
)


PRODUCTION_DATABASE = {"DATABASE_URL": "postgres://flywheel@db.internal:5432/flywheel"}
PRODUCTION_HOSTS = {"ALLOWED_HOSTS": "community.example.com"}
CLEARED = {
    "DEBUG",
    "FLYWHEEL_TESTING",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "REDIS_URL",
    "DATABASE_URL",
    "EMAIL_BACKEND",
    "EMAIL_HOST",
}


def clean_env(env: dict, data_dir) -> dict:
    base = {k: v for k, v in os.environ.items() if k not in CLEARED}
    base["DJANGO_SETTINGS_MODULE"] = "flywheel.config.settings"
    base["FLYWHEEL_DATA_DIR"] = str(data_dir)
    return {**base, **env}


def run_settings(env: dict, data_dir, code: str = PRINT_SECURITY) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=clean_env(env, data_dir),
        capture_output=True,
        text=True,
        timeout=60,
    )


def run_flywheel(*arguments: str, data_dir) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flywheel", *arguments],
        env=clean_env({}, data_dir),
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize(
    "production", [PRODUCTION_DATABASE, PRODUCTION_HOSTS], ids=["database", "hosts"]
)
def test_production_refuses_to_start_without_a_secret_key(production, tmp_path):
    result = run_settings(production, tmp_path)
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_the_flywheel_command_names_the_missing_secret_key_in_production(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "flywheel", "check"],
        env=clean_env(PRODUCTION_HOSTS, tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Set the SECRET_KEY environment variable" in result.stderr


def test_the_embedded_default_keeps_a_generated_secret_key_readable_by_its_owner_only(tmp_path):
    first = run_settings(
        {}, tmp_path, "from django.conf import settings; print(settings.SECRET_KEY)"
    )
    again = run_settings(
        {}, tmp_path, "from django.conf import settings; print(settings.SECRET_KEY)"
    )

    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "secret_key"
    assert first.stdout.strip() == again.stdout.strip() == key_file.read_text().strip()
    assert len(key_file.read_text().strip()) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_the_embedded_default_is_served_on_localhost_without_debug(tmp_path):
    result = run_settings({}, tmp_path, PRINT_SECURITY + "; print(s.DEBUG, s.EMAIL_BACKEND)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "False",
        "0",
        "False",
        "['127.0.0.1',",
        "'localhost']",
        "True",
        "False",
        "django.core.mail.backends.filebased.EmailBackend",
    ]


def test_a_fresh_data_folder_is_checked_and_migrated_without_any_environment(tmp_path):
    check = run_flywheel("check", data_dir=tmp_path)
    assert check.returncode == 0, check.stderr
    migrate = run_flywheel("migrate", "--no-input", "-v0", data_dir=tmp_path)
    assert migrate.returncode == 0, migrate.stderr
    assert (tmp_path / "flywheel.sqlite3").stat().st_size > 0
    plan = run_flywheel("migrate", "--plan", data_dir=tmp_path)
    assert "No planned migration operations." in plan.stdout


def test_production_settings_are_safe_when_debug_is_off(tmp_path):
    result = run_settings(
        {
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "community.example.com",
            "REDIS_URL": "redis://127.0.0.1:6379/9",
        },
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "True",
        "31536000",
        "True",
        "['community.example.com']",
        "False",
    ]


def test_a_malformed_boolean_setting_is_named_in_the_error(tmp_path):
    result = run_settings({"SECRET_KEY": "x" * 50, "DEBUG": "perhaps"}, tmp_path)
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr
