"""Read replicas (config/db_router.py): anonymous GET pages read from the replica, everything else
from the primary; a browser that wrote reads from the primary for READ_YOUR_WRITES_SECONDS; a
replica that lags or is down is left aside, checked at most every REPLICA_CHECK_SECONDS; a page
whose replica fails mid-request is answered from the primary.

The replica here is a second alias on the test database's own connection: it sees the test's
rows, as a replica that caught up would, and logs its queries apart from the primary's."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core import signing
from django.core.exceptions import MiddlewareNotUsed
from django.db import OperationalError, connection, connections, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from config import db_router
from config.db_router import PRIMARY, REPLICA, STAMP_COOKIE, STAMP_SALT
from config.settings import PREPARE_THRESHOLD
from hubs.models import Hub
from tests.factories import make_hub

PROJECT_DIR = Path(__file__).resolve().parent.parent
# The replica alias is added to DATABASES for the test, on purpose.
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


@pytest.fixture
def lag(monkeypatch):
    """The replica's lag as its check will read it (None: unreachable), and how often it ran."""
    state = {"seconds": 0.0, "checks": 0}

    def measured():
        state["checks"] += 1
        return state["seconds"]

    monkeypatch.setattr(db_router, "replica_lag_seconds", measured)
    return state


@pytest.fixture
def replica(settings, lag):
    """A `replica` alias configured, the router installed, the last check forgotten."""
    default = connections["default"].settings_dict
    connections.settings[REPLICA] = {**default}
    settings.DATABASES = {**settings.DATABASES, REPLICA: connections.settings[REPLICA]}
    settings.DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]
    settings.READ_YOUR_WRITES_SECONDS = 10
    settings.REPLICA_MAX_LAG_SECONDS = 5
    settings.REPLICA_CHECK_SECONDS = 2
    db_router.replica_health.reset()
    yield
    db_router.replica_health.reset()
    if hasattr(connections._connections, REPLICA):
        delattr(connections._connections, REPLICA)
    del connections.settings[REPLICA]


def _reads_during(request):
    """Run the middleware around a view that reports where a Hub query reads from."""
    seen = {}

    def view(request):
        seen["db"] = Hub.objects.all().db
        return HttpResponse("ok")

    response = db_router.ReplicaRoutingMiddleware(view)(request)
    return seen["db"], response


def _stamp(age_seconds, monkeypatch):
    """A read-your-writes cookie signed `age_seconds` ago."""
    signed_at = time.time() - age_seconds
    response = HttpResponse()
    with monkeypatch.context() as patch:
        patch.setattr(signing.time, "time", lambda: signed_at)
        response.set_signed_cookie(STAMP_COOKIE, "1", salt=STAMP_SALT)
    return response.cookies[STAMP_COOKIE].value


def test_anonymous_get_reads_from_the_replica(replica):
    db, response = _reads_during(RequestFactory().get("/search/"))

    assert db == REPLICA
    assert STAMP_COOKIE not in response.cookies


def test_anonymous_head_reads_from_the_replica(replica):
    db, _ = _reads_during(RequestFactory().head("/hubs/"))

    assert db == REPLICA


def test_visitor_with_a_session_reads_from_the_primary(replica, settings):
    request = RequestFactory().get("/search/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "abc"

    db, _ = _reads_during(request)

    assert db == PRIMARY


def test_post_reads_from_the_primary_and_stamps_the_browser(replica):
    db, response = _reads_during(RequestFactory().post("/accounts/signup/"))

    assert db == PRIMARY
    cookie = response.cookies[STAMP_COOKIE]
    assert cookie["max-age"] == 10
    assert cookie["httponly"] is True
    later = RequestFactory().get("/hubs/")
    later.COOKIES[STAMP_COOKIE] = cookie.value
    assert later.get_signed_cookie(STAMP_COOKIE, salt=STAMP_SALT, max_age=10) == "1"


def test_after_a_write_reads_come_from_the_primary_until_the_stamp_expires(replica, monkeypatch):
    fresh = RequestFactory().get("/hubs/")
    fresh.COOKIES[STAMP_COOKIE] = _stamp(9, monkeypatch)
    expired = RequestFactory().get("/hubs/")
    expired.COOKIES[STAMP_COOKIE] = _stamp(11, monkeypatch)

    assert _reads_during(fresh)[0] == PRIMARY
    assert _reads_during(expired)[0] == REPLICA


def test_a_forged_stamp_is_ignored(replica):
    request = RequestFactory().get("/hubs/")
    request.COOKIES[STAMP_COOKIE] = "1"

    assert _reads_during(request)[0] == REPLICA


def test_writes_and_reads_in_a_transaction_go_to_the_primary(replica, outside_the_test_transaction):
    from django.db import router

    seen = {}

    def view(request):
        seen["write"] = router.db_for_write(Hub)
        with transaction.atomic():
            seen["in_transaction"] = Hub.objects.all().db
        seen["after"] = Hub.objects.all().db
        return HttpResponse("ok")

    db_router.ReplicaRoutingMiddleware(view)(RequestFactory().get("/hubs/"))

    assert seen == {"write": PRIMARY, "in_transaction": PRIMARY, "after": REPLICA}


def test_reads_outside_a_request_go_to_the_primary(replica):
    assert Hub.objects.all().db == PRIMARY


def test_a_replica_lagging_past_the_bound_is_left_aside(replica, lag):
    lag["seconds"] = 5.5

    assert _reads_during(RequestFactory().get("/hubs/"))[0] == PRIMARY


def test_a_replica_within_the_bound_is_used(replica, lag):
    lag["seconds"] = 4.9

    assert _reads_during(RequestFactory().get("/hubs/"))[0] == REPLICA


def test_a_replica_that_is_down_is_left_aside(replica, lag):
    lag["seconds"] = None

    assert _reads_during(RequestFactory().get("/hubs/"))[0] == PRIMARY


def test_the_replica_is_checked_at_most_every_check_period(replica, lag, monkeypatch):
    clock = {"now": 1000.0}
    monkeypatch.setattr(db_router.time, "monotonic", lambda: clock["now"])
    lag["seconds"] = None
    assert _reads_during(RequestFactory().get("/hubs/"))[0] == PRIMARY

    lag["seconds"] = 0.0  # Back, but not checked again until two seconds have passed.
    clock["now"] += 1.9
    assert _reads_during(RequestFactory().get("/hubs/"))[0] == PRIMARY
    assert lag["checks"] == 1

    clock["now"] += 0.2
    assert _reads_during(RequestFactory().get("/hubs/"))[0] == REPLICA
    assert lag["checks"] == 2


def test_without_a_replica_nothing_changes(settings):
    assert REPLICA not in settings.DATABASES
    assert settings.DATABASE_ROUTERS == []
    with pytest.raises(MiddlewareNotUsed):
        db_router.ReplicaRoutingMiddleware(lambda request: HttpResponse())


@pytest.fixture
def outside_the_test_transaction(db, monkeypatch):
    """Each test runs in transactions of its own that roll it back; the router must see past
    them, as it would see no transaction in a real request."""
    primary = connections[PRIMARY]
    monkeypatch.setattr(
        db_router,
        "_in_transaction",
        lambda: any(not getattr(block, "_from_testcase", False) for block in primary.atomic_blocks),
    )


@pytest.fixture
def replica_on_the_test_connection(replica, outside_the_test_transaction):
    """The replica alias shares the primary's open connection (and so the test's rows) while
    keeping its own query log."""
    primary = connections["default"]
    primary.ensure_connection()
    wrapper = primary.__class__(connections.settings[REPLICA], alias=REPLICA)
    wrapper.connection = primary.connection
    connections[REPLICA] = wrapper
    yield wrapper
    wrapper.connection = None  # The primary's connection is not the replica's to close.


def test_an_anonymous_hub_page_is_read_from_the_replica(
    replica_on_the_test_connection, client, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    hub = make_hub(name="Replicated Widgets Hub")

    with (
        CaptureQueriesContext(connections[PRIMARY]) as on_primary,
        CaptureQueriesContext(replica_on_the_test_connection) as on_replica,
    ):
        response = client.get(hub.get_absolute_url())

    assert response.status_code == 200
    assert "Replicated Widgets Hub" in response.content.decode()
    assert len(on_replica) > 0
    assert [q["sql"] for q in on_primary] == []


def test_a_page_whose_replica_fails_is_answered_from_the_primary(
    replica_on_the_test_connection, client, settings, lag
):
    settings.PAGE_CACHE_SECONDS = 0
    hub = make_hub(name="Failover Widgets Hub")

    def replica_dies(execute, sql, params, many, context):
        lag["seconds"] = None  # The check that follows finds it down too.
        raise OperationalError("server closed the connection unexpectedly")

    with (
        replica_on_the_test_connection.execute_wrapper(replica_dies),
        CaptureQueriesContext(connections[PRIMARY]) as on_primary,
    ):
        response = client.get(hub.get_absolute_url())
        after = client.get(hub.get_absolute_url())

    assert response.status_code == 200
    assert "Failover Widgets Hub" in response.content.decode()
    assert after.status_code == 200  # The replica stays aside until its next check.
    assert len(on_primary) > 0
    assert lag["checks"] == 2  # The first request's check, then the one after the failure.


def test_an_error_while_the_replica_answers_is_left_as_it_was(replica, lag):
    """The error came from elsewhere (a write to the primary): no second run of the view."""
    seen = {}

    def view(request):
        seen["database_error"] = middleware.process_exception(request, OperationalError("x"))
        seen["other_error"] = middleware.process_exception(request, ValueError("x"))
        return HttpResponse("ok")

    middleware = db_router.ReplicaRoutingMiddleware(view)
    middleware(RequestFactory().get("/hubs/"))

    assert seen == {"database_error": None, "other_error": None}
    assert lag["checks"] == 2


def _settings_in_a_fresh_process(**env):
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("DATABASE", "REPLICA", "READ_"))
    }
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps({a: {k: str(v) for k, v in d.items()} "
        "for a, d in settings.DATABASES.items()} | {'routers': settings.DATABASE_ROUTERS}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_replica_pool_and_pgbouncer_settings_from_the_environment():
    databases = _settings_in_a_fresh_process(
        DATABASE_URL="postgres://hubs@db1:5432/hubs",
        DATABASE_REPLICA_URL="postgres://hubs@db2:5432/hubs",
        DATABASE_POOL="true",
        DATABASE_POOL_MAX_SIZE="6",
        DATABASE_PGBOUNCER="true",
    )

    assert databases["routers"] == ["config.db_router.ReplicaRouter"]
    assert databases["default"]["HOST"] == "db1"
    assert databases["replica"]["HOST"] == "db2"
    assert "'MIRROR': 'default'" in databases["replica"]["TEST"]
    assert databases["default"]["CONN_MAX_AGE"] == "0"  # The pool keeps the connections.
    assert "'max_size': 6" in databases["default"]["OPTIONS"]
    # A replica that is down must fail at once, not wait for a pooled connection; PgBouncer in
    # transaction mode keeps no prepared statement.
    assert databases["replica"]["OPTIONS"] == (
        "{'connect_timeout': 2, 'server_side_binding': True, 'prepare_threshold': None}"
    )
    assert "'prepare_threshold': None" in databases["default"]["OPTIONS"]
    for alias in ("default", "replica"):
        assert databases[alias]["DISABLE_SERVER_SIDE_CURSORS"] == "True"


def test_without_replica_pool_or_pgbouncer_the_database_is_as_before():
    databases = _settings_in_a_fresh_process(DATABASE_URL="postgres://hubs@db1:5432/hubs")

    assert databases["routers"] == []
    assert set(databases) == {"default", "routers"}
    # Parameters bound on the server, and statements a connection repeats prepared there.
    assert databases["default"]["OPTIONS"] == (
        "{'server_side_binding': True, 'prepare_threshold': 5, "
        "'options': '-c plan_cache_mode=force_custom_plan -c jit=off'}"
    )
    assert databases["default"]["DISABLE_SERVER_SIDE_CURSORS"] == "False"


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's connection options")
def test_postgresql_statements_are_bound_on_the_server_prepared_and_planned_for_their_values():
    for _ in range(PREPARE_THRESHOLD + 1):
        list(Hub.objects.filter(slug="nowhere", time_zone="Nowhere/Zone").values_list("pk"))

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('plan_cache_mode'), current_setting('jit')")
        assert cursor.fetchone() == ("force_custom_plan", "off")
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%"hubs_hub"."time_zone" = $_%'],
        )
        assert cursor.fetchone() == (1,)
