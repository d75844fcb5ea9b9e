"""Failing safe: when the shared cache (Redis), which holds the rate limits, is unreachable, and
when the mail server does not answer after the data is saved. (The database not answering in
the middle of a request: ``hubs.views.errors``.)"""

import logging

from django.contrib import messages
from django.shortcuts import render
from redis.exceptions import RedisError

from hubs import mailing

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


class MailFailureMiddleware:
    """Track the mail a request queues (hubs.mailing), and when the mail server did not take a
    message, tell the person it is saved and will go later. Placed after MessageMiddleware, so
    the notice is stored with the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = mailing.request_mail.set({})
        try:
            response = self.get_response(request)
            if mailing.request_mail_delayed() and hasattr(request, "_messages"):
                messages.warning(
                    request,
                    "Our mail server did not answer just now. Everything you did is saved, "
                    "and we will send the email as soon as it answers.",
                )
        finally:
            mailing.request_mail.reset(token)
        return response
