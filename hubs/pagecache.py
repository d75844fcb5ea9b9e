"""A short-lived cache of whole public pages for anonymous visitors.

Searches and hub pages cost a dozen queries; most visitors ask the same few questions. A page is
kept for ``PAGE_CACHE_SECONDS`` under a key that includes the directory's version, which every
write to the directory's rows bumps (see ``HubsConfig.ready``), so an edit shows at once.
Signed-in visitors, pages that set cookies and requests carrying messages are never cached.

The cache only saves work: when it is unreachable, pages are built and served uncached and the
outage is logged once (until the cache answers again).
"""

import functools
import hashlib
import logging

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

VERSION_KEY = "directory-version"

_cache_down = False


def _cache_failed():
    global _cache_down
    if not _cache_down:
        _cache_down = True
        logger.warning("The cache is unreachable; pages are served uncached until it is back.")


def _cache_answered():
    global _cache_down
    if _cache_down:
        _cache_down = False
        logger.warning("The cache answers again; pages are cached.")


def directory_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def bump_directory_version(**kwargs):
    """Every cached page is stale from now on (a signal receiver: it takes any arguments)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # Not set yet, or evicted: start a new series.
        try:
            cache.set(VERSION_KEY, 2, timeout=None)
        except Exception:
            _cache_failed()
    except Exception:  # Unreachable: the write it follows must still succeed.
        _cache_failed()


def _cacheable(request):
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and not request.user.is_authenticated
        and "messages" not in request.COOKIES  # A message is for this visitor alone.
    )


def cache_for_visitors(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        path = request.get_full_path().encode()
        unit = request.COOKIES.get("unit", "")
        # Any failure of the cache backend (Redis down, a timeout) must not fail the page.
        try:
            key = f"page:{directory_version()}:{unit}:{hashlib.sha256(path).hexdigest()}"
            response = cache.get(key)
        except Exception:
            _cache_failed()
            return view(request, *args, **kwargs)
        _cache_answered()
        if response is None:
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.cookies:
                try:
                    cache.set(key, response, settings.PAGE_CACHE_SECONDS)
                except Exception:
                    _cache_failed()
        return response

    return wrapper
