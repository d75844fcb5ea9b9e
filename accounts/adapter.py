"""How django-allauth sees our deployment: the client's address behind our own proxies, and
its emails (confirmations, password resets) sent through the outbox like every other."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site

from hubs import mailing


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request):
        """The address that rate limits count by.

        Behind ``TRUSTED_PROXY_COUNT`` proxies, each appends the address it saw to
        X-Forwarded-For, so the client is the entry that many from the end; entries before it
        are whatever the client sent and are ignored. A header shorter than that (a request that
        skipped a proxy) falls back to the connecting address, the stricter bucket.
        """
        count = settings.TRUSTED_PROXY_COUNT
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",")]
        if count and len(forwarded) >= count and forwarded[-count]:
            return forwarded[-count]
        return request.META["REMOTE_ADDR"]

    def send_mail(self, template_prefix, email, context):
        """Rendered as allauth renders it, then queued in the outbox (hubs.mailing): delivered
        by a task after commit, tried again while the mail server is down, never twice."""
        request = allauth_context.request
        full_context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            **context,
        }
        mailing.queue_message(self.render_mail(template_prefix, email, full_context))
