"""Settings come from the environment with safe defaults; each case runs in a fresh interpreter."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
LONG_KEY = "a-long-random-test-key-" + "x" * 40


def _settings(env: dict[str, str], expression: str) -> subprocess.CompletedProcess:
    """Import the settings with exactly `env` (plus PATH) and print `expression`."""
    clean = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT / "src"), **env}
    code = f"import tandem.settings as s; print({expression})"
    return subprocess.run(  # noqa: S603 (our own interpreter, fixed code)
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, cwd=ROOT, timeout=60
    )


def test_it_refuses_the_default_secret_key_when_debug_is_off():
    result = _settings({"DEBUG": "false"}, "s.SECRET_KEY")

    assert result.returncode != 0
    assert "refuses to start" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_it_refuses_the_default_secret_key_when_debug_is_not_set():
    result = _settings({}, "s.DEBUG")

    assert result.returncode != 0
    assert "refuses to start" in result.stderr


def test_debug_is_off_and_https_on_unless_asked():
    result = _settings(
        {"SECRET_KEY": LONG_KEY}, "s.DEBUG, s.HTTPS, s.SESSION_COOKIE_SECURE, s.SECURE_SSL_REDIRECT"
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False True True True"


def test_debug_runs_with_the_default_key_for_development():
    result = _settings({"DEBUG": "true"}, "s.DEBUG, s.HTTPS")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True False"


def test_a_nonsense_boolean_is_refused_with_a_clear_message():
    result = _settings({"DEBUG": "perhaps"}, "s.DEBUG")

    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_a_nonsense_number_is_refused_with_a_clear_message():
    result = _settings({"DEBUG": "true", "EMAIL_PORT": "twenty-five"}, "s.EMAIL_PORT")

    assert result.returncode != 0
    assert "EMAIL_PORT must be a whole number" in result.stderr


def test_database_url_chooses_postgresql():
    result = _settings(
        {"DEBUG": "true", "DATABASE_URL": "postgres://u:p@db.example.org:5432/tandem"},
        "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['HOST']",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.postgresql db.example.org"


def test_behind_a_proxy_it_trusts_x_forwarded_proto():
    result = _settings(
        {"SECRET_KEY": LONG_KEY, "BEHIND_PROXY": "true"}, "s.SECURE_PROXY_SSL_HEADER, s.USE_X_FORWARDED_HOST"
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https') True"


def test_it_speaks_british_english_on_london_time():
    assert settings.LANGUAGE_CODE == "en-gb"
    assert settings.TIME_ZONE == "Europe/London"
    assert settings.USE_TZ is True


@pytest.mark.django_db
def test_pages_say_they_are_in_british_english(client):
    response = client.get("/")

    assert '<html lang="en-GB"' in response.content.decode()
    assert response["Content-Language"] == "en-gb"
