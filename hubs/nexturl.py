"""Where to send a visitor after an action: the page they came from, never another site."""

from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def next_url(request, candidate, *, default):
    """``candidate`` (a posted or queried "next") if it stays on this site, else ``default`` (a
    URL or a URL name)."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(default)
