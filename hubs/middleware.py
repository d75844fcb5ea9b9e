"""Failing safe when the shared cache (Redis), which holds the rate limits, is unreachable."""

import logging

from django.shortcuts import render
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 60


class RateLimitStoreDownMiddleware:
    """Log-in, sign-up, password reset and messages count attempts in Redis. Without the
    counters they cannot be limited, so they are refused with a 503 that says why, rather than
    allowed without limit or answered with a 500. (Public pages never need Redis: see
    ``hubs.pagecache``.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, RedisError):
            return None
        logger.error(
            "Refused %s %s: the cache is unreachable (%s).", request.method, request.path, exception
        )
        response = render(request, "503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
