"""Health checks for the load balancer: /healthz (the process answers) and /readyz (it can reach
the database and the cache, so it should get traffic).

Answered by a middleware placed first, before the host check, the HTTPS redirect and sessions:
a balancer probes a node by its address over plain HTTP, and a probe must cost no session row.
Each check runs in a thread of its own with a deadline, so a database that hangs answers
"timeout" within READYZ_TIMEOUT_SECONDS instead of holding the probe. The answer names each check
and its state, never an error's text (which can hold host names or credentials): that goes to
the log.
"""

import logging
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.http import JsonResponse

logger = logging.getLogger(__name__)


def _database():
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connection.close()  # The check's own thread ends: its connection must not linger.


def _cache():
    cache = caches["default"]
    cache.set("readyz", "1", timeout=10)
    if cache.get("readyz") != "1":
        raise RuntimeError("the cache did not return what was just stored")


CHECKS = {"database": _database, "cache": _cache}


def readiness():
    """Each check's state: "ok", "unreachable" or "timeout"."""
    timeout = settings.READYZ_TIMEOUT_SECONDS
    pool = ThreadPoolExecutor(max_workers=len(CHECKS), thread_name_prefix="readyz")
    futures = {name: pool.submit(check) for name, check in CHECKS.items()}
    states = {}
    for name, future in futures.items():
        try:
            future.result(timeout=timeout)
        except FutureTimeout:
            logger.error("Readiness: the %s did not answer within %s s.", name, timeout)
            states[name] = "timeout"
        except Exception as error:
            logger.error("Readiness: the %s is unreachable: %s", name, error)
            states[name] = "unreachable"
        else:
            states[name] = "ok"
    pool.shutdown(wait=False, cancel_futures=True)  # A hung check must not hold the answer.
    return states


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """Answers GET or HEAD /healthz and /readyz before any other middleware runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if request.path == "/healthz":
            return _no_store(JsonResponse({"status": "alive"}))
        if request.path == "/readyz":
            checks = readiness()
            ready = all(state == "ok" for state in checks.values())
            body = {"status": "ready" if ready else "not ready", "checks": checks}
            return _no_store(JsonResponse(body, status=200 if ready else 503))
        return self.get_response(request)
