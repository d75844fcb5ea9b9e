"""Which database a query reads from: anonymous visitors' GET pages from the replica, everything
else from the primary.

`ReplicaRoutingMiddleware` decides once per request and `ReplicaRouter` follows. A request reads
from the replica only when all of these hold:

- it is a GET or HEAD without a session cookie (signed-in people, and anyone mid-way through a
  form that keeps a session, read from the primary);
- it carries no read-your-writes stamp: any POST (or other unsafe method) sets a signed cookie,
  and for READ_YOUR_WRITES_SECONDS afterwards that browser reads from the primary, so a visitor
  who just signed up or wrote sees their own write, not the replica's past;
- the replica answered its last check, at most REPLICA_CHECK_SECONDS ago, and lagged no more
  than REPLICA_MAX_LAG_SECONDS behind the primary (pg_last_xact_replay_timestamp).

Writes always go to the primary, and so do reads inside a transaction on it. A query that fails
on the replica mid-request marks it down and the view runs again on the primary: a GET changes
nothing, so running it twice is safe, and the visitor sees the page, not a 500.

Without a `replica` database (DATABASE_REPLICA_URL unset) the middleware removes itself and the
router is not installed: everything reads from the primary, as before.
"""

import logging
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DatabaseError, connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseBase

logger = logging.getLogger(__name__)

PRIMARY = "default"
REPLICA = "replica"
# The read-your-writes stamp: a signed cookie whose signature carries the time of the write.
STAMP_COOKIE = "ih_wrote"
STAMP_SALT = "config.db_router.read-your-writes"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

_reads_from: ContextVar[str] = ContextVar("reads_from", default=PRIMARY)

# Replication lag in seconds; 0 when the replica has replayed all it received (an idle primary
# sends nothing, and then the last replayed transaction's age is not lag).
LAG_SQL = """
    SELECT CASE
        WHEN NOT pg_is_in_recovery() THEN 0
        WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
        ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
    END
"""


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_lag_seconds() -> float | None:
    """How far the replica is behind the primary, or None when it cannot be reached."""
    connection = connections[REPLICA]
    try:
        if connection.vendor != "postgresql":
            connection.ensure_connection()
            return 0.0  # Only PostgreSQL replicates here; another engine (tests) has no lag.
        with connection.cursor() as cursor:
            cursor.execute(LAG_SQL)
            return float(cursor.fetchone()[0])
    except DatabaseError as error:
        logger.warning("The read replica is unreachable: %s", error)
        connection.close()
        return None


class _ReplicaHealth:
    """The last check's verdict, shared by the threads of one process; one thread checks at a
    time while the others keep the last verdict, so a replica that hangs holds one request."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.usable = False
        self.checked_at = float("-inf")

    def is_usable(self) -> bool:
        if time.monotonic() - self.checked_at < settings.REPLICA_CHECK_SECONDS:
            return self.usable
        if not self.lock.acquire(blocking=False):
            return self.usable
        try:
            return self.check()
        finally:
            self.lock.release()

    def check(self) -> bool:
        lag = replica_lag_seconds()
        usable = lag is not None and lag <= settings.REPLICA_MAX_LAG_SECONDS
        if lag is not None and not usable:
            logger.warning("The read replica lags %.1f s behind: reading from the primary.", lag)
        if usable and not self.usable and self.checked_at != float("-inf"):
            logger.info("The read replica is back: anonymous pages read from it again.")
        self.usable, self.checked_at = usable, time.monotonic()
        return usable

    def reset(self) -> None:
        self.usable, self.checked_at = False, float("-inf")


replica_health = _ReplicaHealth()


def _in_transaction() -> bool:
    return connections[PRIMARY].in_atomic_block


def reads_from() -> str:
    """The database this request's reads go to."""
    return _reads_from.get()


def _wrote_recently(request: HttpRequest) -> bool:
    stamp = request.get_signed_cookie(
        STAMP_COOKIE, default=None, salt=STAMP_SALT, max_age=settings.READ_YOUR_WRITES_SECONDS
    )
    return stamp is not None


def _may_read_from_replica(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not _wrote_recently(request)
        and replica_health.is_usable()
    )


class ReplicaRoutingMiddleware:
    """Chooses the database a request reads from, and stamps a browser that writes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        if not replica_configured():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        token = _reads_from.set(REPLICA if _may_read_from_replica(request) else PRIMARY)
        try:
            response = self.get_response(request)
        finally:
            _reads_from.reset(token)
        if request.method not in SAFE_METHODS:
            response.set_signed_cookie(
                STAMP_COOKIE,
                "1",
                salt=STAMP_SALT,
                max_age=settings.READ_YOUR_WRITES_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A query failed on the replica: if the replica is down, answer from the primary."""
        if reads_from() != REPLICA or not isinstance(exception, DatabaseError):
            return None
        if replica_health.check():
            return None  # The replica answers: the error came from elsewhere.
        logger.warning("Read replica failed during %s: answering from the primary.", request.path)
        _reads_from.set(PRIMARY)  # Reset with the rest of the request's context in __call__.
        match = request.resolver_match
        if match is None:
            return None
        return match.func(request, *match.args, **match.kwargs)


class ReplicaRouter:
    """Reads go where the middleware chose (the primary outside a request: commands, the task
    worker, the scheduler); writes, and reads inside a transaction, go to the primary."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return instance._state.db  # Related rows come from where their row came from.
        if _in_transaction():
            return PRIMARY  # Reads inside a transaction must see its writes.
        return reads_from()

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return PRIMARY

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True  # The replica holds the same rows as the primary.

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool:
        return db == PRIMARY  # The replica follows the primary's schema by replication.
