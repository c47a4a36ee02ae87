import os
import subprocess
import sys

PRINT_SECURITY = (
    "from django.conf import settings as s; "
    "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
    "s.SECURE_SSL_REDIRECT, s.ALLOWED_HOSTS, s.CELERY_TASK_ALWAYS_EAGER)"
)


def run_settings(env: dict) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "FLYWHEEL_TESTING", "SECRET_KEY", "ALLOWED_HOSTS", "REDIS_URL"}
    }
    base["DJANGO_SETTINGS_MODULE"] = "flywheel.config.settings"
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {PRINT_SECURITY}"],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_settings({})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_settings_are_safe_when_debug_is_off():
    result = run_settings(
        {
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "community.example.com",
            "REDIS_URL": "redis://127.0.0.1:6379/9",
        }
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


def test_a_malformed_boolean_setting_is_named_in_the_error():
    result = run_settings({"SECRET_KEY": "x" * 50, "DEBUG": "perhaps"})
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr
