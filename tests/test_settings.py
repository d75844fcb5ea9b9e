"""Production settings refuse to start with unsafe or missing values, and pass Django's deploy
checks once everything is set. Each case starts Django in a fresh process."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Variables the settings read; cleared so the developer's own environment can't leak in.
SETTINGS_VARIABLES = [
    "DJANGO_ENV",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT",
    "SECURE_COOKIES",
    "SECURE_HSTS_SECONDS",
]


@pytest.fixture
def production_env(tmp_path):
    """A complete, safe production environment; each test spoils one variable."""
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(45),  # 60 characters.
        ALLOWED_HOSTS="hubs.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert len(env["SECRET_KEY"]) == 60
    return env


def run(env, *args):
    return subprocess.run(
        [sys.executable, *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def start_django(env):
    return run(env, "-c", "import django; django.setup()")


def test_production_settings_start_when_everything_is_set(production_env):
    result = start_django(production_env)

    assert (result.returncode, result.stderr) == (0, "")


@pytest.mark.parametrize("value", ["true", "1", "yes"])
def test_production_refuses_debug_on(production_env, value):
    production_env["DEBUG"] = value

    result = start_django(production_env)

    assert result.returncode == 1
    assert "ImproperlyConfigured: DEBUG must be off in production" in result.stderr


@pytest.mark.parametrize("key", [None, "", "too-short-" * 4], ids=["unset", "empty", "40 chars"])
def test_production_refuses_a_missing_or_short_secret_key(production_env, key):
    if key is None:
        del production_env["SECRET_KEY"]
    else:
        production_env["SECRET_KEY"] = key

    result = start_django(production_env)

    assert result.returncode == 1
    assert "ImproperlyConfigured: SECRET_KEY must be set to 50 or more" in result.stderr


@pytest.mark.parametrize("hosts", [None, "", " , "], ids=["unset", "empty", "only commas"])
def test_production_refuses_missing_allowed_hosts(production_env, hosts):
    if hosts is None:
        del production_env["ALLOWED_HOSTS"]
    else:
        production_env["ALLOWED_HOSTS"] = hosts

    result = start_django(production_env)

    assert result.returncode == 1
    assert "ImproperlyConfigured: ALLOWED_HOSTS must list the site's host names." in result.stderr


def test_production_refuses_a_missing_database_url(production_env):
    del production_env["DATABASE_URL"]

    result = start_django(production_env)

    assert result.returncode == 1
    assert "ImproperlyConfigured: DATABASE_URL must point at the PostgreSQL database." in (
        result.stderr
    )


def test_settings_refuse_an_unknown_environment_name(production_env):
    production_env["DJANGO_ENV"] = "staging"

    result = start_django(production_env)

    assert result.returncode == 1
    assert "ImproperlyConfigured: DJANGO_ENV must be 'development' or 'production'." in (
        result.stderr
    )


def test_settings_refuse_a_boolean_they_cannot_read(production_env):
    production_env["DEBUG"] = "maybe"

    result = start_django(production_env)

    assert result.returncode == 1
    assert "ImproperlyConfigured: DEBUG must be true or false, not 'maybe'." in result.stderr


def test_production_passes_the_deploy_checks(production_env):
    result = run(production_env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr
    assert result.stdout == "System check identified no issues (0 silenced).\n"


@pytest.mark.parametrize(
    "key",
    ["a" * 60, "changeme" * 8, "change-me-to-a-long-random-string-of-at-least-fifty-characters-x"],
    ids=["one character", "a word repeated", "the example's placeholder"],
)
def test_production_refuses_a_secret_key_without_variety(production_env, key):
    production_env["SECRET_KEY"] = key

    result = start_django(production_env)

    assert result.returncode == 1
    assert "ImproperlyConfigured: SECRET_KEY looks typed or copied, not random" in result.stderr


def test_the_500_page_promises_nothing_it_does_not_do():
    page = (PROJECT_DIR / "templates" / "500.html").read_text()

    assert "We have been told" not in page
    assert "The error is in our logs." in page


MEDIA_PROBE = """
import django
django.setup()
from pathlib import Path
from django.conf import settings
from django.test import Client
logo = Path(settings.MEDIA_ROOT) / "businesses" / "logos" / "abc.png"
logo.parent.mkdir(parents=True)
logo.write_bytes(b"\\x89PNG logo bytes")
client = Client(HTTP_HOST="hubs.example.org", raise_request_exception=False)
for path in ["/media/businesses/logos/abc.png", "/media/../settings.py"]:
    response = client.get(path, secure=True)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    print(response.status_code, response.get("Content-Type"), body[:16])
"""


def test_production_serves_an_uploaded_logo_and_nothing_outside_media(production_env, tmp_path):
    production_env["MEDIA_ROOT"] = str(tmp_path / "media")

    result = run(production_env, "-c", MEDIA_PROBE)

    assert result.stdout.splitlines()[0] == "200 image/png b'\\x89PNG logo bytes'"
    assert result.stdout.splitlines()[1].startswith("400 ")  # Outside MEDIA_ROOT: refused.


def test_production_leaves_media_to_the_web_server_when_asked(production_env, tmp_path):
    production_env["MEDIA_ROOT"] = str(tmp_path / "media")
    production_env["SERVE_MEDIA"] = "false"

    probe = (
        "import django; django.setup(); from django.urls import Resolver404, resolve\n"
        "try: resolve('/media/businesses/logos/abc.png')\n"
        "except Resolver404: print('not ours')"
    )

    result = run(production_env, "-c", probe)

    assert result.stdout == "not ours\n"
