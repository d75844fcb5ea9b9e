"""How django-allauth sees our deployment: the client's address behind our own proxies."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


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
