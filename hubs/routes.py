"""Addresses of the site's pages, built without searching the URLconf each time: a hub's page
links to dozens of hubs, businesses, industries and pages of the site, and ``reverse()`` costs
about a hundred Python calls each."""

import functools
import re

from django.urls import URLResolver, get_resolver, get_script_prefix, get_urlconf, reverse

# What Django's slug converter accepts, and a slug put where a route's slug goes.
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_SLUG_MARK = "0slug0"


@functools.cache
def _route(
    urlconf: str | None, resolver: URLResolver, prefix: str, name: str, with_slug: bool
) -> tuple[str, str]:
    """The address of the route ``name``, split where its one slug goes (if it takes one), for
    a URLconf (and its resolver as loaded: settings that change it load a new one) and a
    script prefix."""
    if not with_slug:
        return reverse(name, urlconf=urlconf), ""
    head, _, tail = reverse(name, urlconf=urlconf, args=[_SLUG_MARK]).partition(_SLUG_MARK)
    return head, tail


def route_url(name: str, slug: str | None = None) -> str:
    """``reverse(name)``, or ``reverse(name, args=[slug])`` for a route whose only argument is
    a slug, from the route's address as first built."""
    if slug is not None and not _SLUG.fullmatch(slug):
        return reverse(name, args=[slug])  # Let Django refuse it.
    urlconf = get_urlconf()
    head, tail = _route(urlconf, get_resolver(urlconf), get_script_prefix(), name, slug is not None)
    return f"{head}{slug}{tail}" if slug is not None else head
