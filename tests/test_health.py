"""The balancer's checks: /healthz answers while the process lives, without the database;
/readyz answers 200 only when the database and the cache both answer, 503 otherwise, quickly,
and never with an error's text."""

import json
import threading
import time

import pytest
from django.db import OperationalError
from django.test import override_settings

from hubs import health

pytestmark = pytest.mark.django_db

REDIS_DOWN = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://:s3cret-password@127.0.0.1:1/0",
    },
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}


@pytest.fixture
def database_down(monkeypatch):
    def refuse():
        raise OperationalError('connection to server at "db.internal" failed: password=hunter2')

    monkeypatch.setitem(health.CHECKS, "database", refuse)


@pytest.fixture
def database_hangs(monkeypatch, settings):
    settings.READYZ_TIMEOUT_SECONDS = 0.3
    release = threading.Event()
    monkeypatch.setitem(health.CHECKS, "database", lambda: release.wait(5))
    yield
    release.set()


def test_healthz_answers_alive_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "alive"}
    assert response["Cache-Control"] == "no-store"
    assert "sessionid" not in response.cookies


def test_healthz_answers_while_the_database_is_down(client, database_down):
    response = client.get("/healthz")

    assert response.status_code == 200


def test_readyz_answers_ready_when_database_and_cache_answer(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "ready",
        "checks": {"database": "ok", "cache": "ok"},
    }
    assert response["Cache-Control"] == "no-store"


def test_readyz_checks_the_real_database_connection(client, monkeypatch):
    """Not a stub: the check runs SELECT 1 on the default connection."""
    executed = []
    original = health._database

    def spy():
        from django.db import connections

        connections["default"].execute_wrappers.append(
            lambda execute, sql, params, many, context: (
                executed.append(sql) or execute(sql, params, many, context)
            )
        )
        original()

    monkeypatch.setitem(health.CHECKS, "database", spy)

    response = client.get("/readyz")

    assert response.status_code == 200
    assert executed == ["SELECT 1"]


def test_readyz_answers_503_without_secrets_when_the_database_is_down(
    client, database_down, caplog
):
    response = client.get("/readyz")

    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "not ready",
        "checks": {"database": "unreachable", "cache": "ok"},
    }
    assert b"hunter2" not in response.content and b"db.internal" not in response.content
    assert "db.internal" in caplog.text  # The reason goes to the log, for the operator.


def test_readyz_answers_503_when_the_cache_is_down(client, monkeypatch):
    monkeypatch.setattr("hubs.pagecache._cache_down", False)
    with override_settings(CACHES=REDIS_DOWN):
        response = client.get("/readyz")

    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "not ready",
        "checks": {"database": "ok", "cache": "unreachable"},
    }
    assert b"s3cret" not in response.content


def test_readyz_gives_up_on_a_hanging_database_within_its_timeout(client, database_hangs):
    started = time.monotonic()
    response = client.get("/readyz")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    assert json.loads(response.content)["checks"] == {"database": "timeout", "cache": "ok"}
    assert elapsed < 1.5


@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["hubs.example.org"])
def test_probes_by_address_over_plain_http_are_answered_not_redirected(client):
    """The balancer probes 10.0.0.5:8000 over HTTP: no host check, no HTTPS redirect."""
    alive = client.get("/healthz", HTTP_HOST="10.0.0.5:8000")
    ready = client.get("/readyz", HTTP_HOST="10.0.0.5:8000")

    assert (alive.status_code, ready.status_code) == (200, 200)


def test_other_methods_and_paths_go_to_the_site(client):
    assert client.post("/healthz").status_code == 404
    assert client.get("/healthz/").status_code == 404
