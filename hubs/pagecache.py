"""A short-lived cache of whole public pages for anonymous visitors.

Searches and hub pages cost a dozen queries; most visitors ask the same few questions. A page is
kept for ``PAGE_CACHE_SECONDS`` under a key that includes the directory's version, which every
write to the directory's rows bumps (see ``HubsConfig.ready``), so an edit shows at once.
Signed-in visitors, pages that set cookies and requests carrying messages are never cached.

The key holds only what a page reads: its path and query, both as written (pages echo them in
links) and as decoded (what the view reads), the unit cookie when valid, and the host and scheme
that canonical links are built from. A request with a parameter the view does not declare, or one
given twice, is served uncached.
Pages live in their own bounded cache alias (``pages``, ``PAGE_CACHE_MAX_ENTRIES``), so no flood
of pages can evict the rate-limit counters kept in ``default``; the directory version stays in
``default``, shared by every worker.

Most searches are asked once (every industry × place × radius), so a page with a query string is
kept only on its second request within ``PAGE_CACHE_SECONDS``: the first leaves a small mark in
``pages_asked``. One-off searches then neither pay for storing a page nobody asks for again nor
push popular pages out of the bound. A page without a query (a hub's page) is kept at once.

The cache only saves work: when it is unreachable, pages are built and served uncached and the
outage is logged once (until the cache answers again).
"""

import functools
import hashlib
import json
import logging
from collections.abc import Callable

from asgiref.local import Local
from django.conf import settings
from django.core.cache import cache, caches
from django.core.signals import request_finished, request_started
from django.dispatch import receiver

logger = logging.getLogger(__name__)

VERSION_KEY = "directory-version"
UNITS = {"km", "mi"}  # The unit cookie's valid values (see hubs.forms.UNIT_CHOICES).

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


# What a request has read of the shared cache's version numbers: each is read once a request,
# so a page's parts (the page itself, fragments, tallies, figures, look-ups, the industry index)
# agree on one version and cost one round trip to Redis instead of one each. None outside a
# request (commands, tasks): there every call reads afresh.
_request = Local()


@receiver(request_started, dispatch_uid="versions-read-once")
def _request_started(**kwargs):
    _request.versions = {}


@receiver(request_finished, dispatch_uid="versions-forgotten")
def _request_finished(**kwargs):
    _request.versions = None


def read_once_per_request[T](key: str, read: Callable[[], T]) -> T:
    """``read()``, or what it gave for ``key`` earlier in the same request."""
    versions = getattr(_request, "versions", None)
    if versions is None:
        return read()
    if key not in versions:
        versions[key] = read()
    return versions[key]


def forget_read(key: str) -> None:
    """The request's next read of ``key`` asks the cache again (it was just changed)."""
    versions = getattr(_request, "versions", None)
    if versions:
        versions.pop(key, None)


def _read_directory_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def directory_version():
    return read_once_per_request(VERSION_KEY, _read_directory_version)


def bump_directory_version(**kwargs):
    """Every cached page is stale from now on (a signal receiver: it takes any arguments)."""
    forget_read(VERSION_KEY)
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # Not set yet, or evicted: start a new series.
        try:
            cache.set(VERSION_KEY, 2, timeout=None)
        except Exception:
            _cache_failed()
    except Exception:  # Unreachable: the write it follows must still succeed.
        _cache_failed()


def _cacheable(request, reads):
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and not request.user.is_authenticated
        and "messages" not in request.COOKIES  # A message is for this visitor alone.
        and all(name in reads and len(request.GET.getlist(name)) == 1 for name in request.GET)
    )


def _page_key(request, version):
    unit = request.COOKIES.get("unit", "")
    where = f"{request.scheme}://{request.get_host()}"
    # The query as the view reads it (decoded) and as the page echoes it in links: the full path
    # alone could be shared by two queries, since it re-encodes one sent as raw UTF-8 bytes
    # ("near=Zürich") into the spelling of another ("near=Z%C3%83%C2%BCrich", read as "ZÃ¼rich").
    asked = json.dumps([request.get_full_path(), list(request.GET.lists())])
    path = hashlib.sha256(asked.encode()).hexdigest()
    return f"page:{version}:{where}:{unit if unit in UNITS else ''}:{path}"


def _asked_before(request, key):
    """Whether the page is worth keeping: it has no query, or its key was asked before (the
    first request only marks it)."""
    if not request.GET:
        return True
    asked = caches["pages_asked"]
    if asked.get(key):
        asked.delete(key)
        return True
    asked.set(key, True, settings.PAGE_CACHE_SECONDS)
    return False


def shared_fragments(request, *, name, build):
    """What ``build()`` reads and renders of a page that every visitor sees alike, kept in the
    ``fragments`` cache under the directory's version, so any write shows at once.

    ``build()`` returns the value and the seconds it holds at most (what changes with time alone,
    a meeting ending, writes nothing; 0 keeps nothing); ``FRAGMENT_CACHE_SECONDS`` bounds them,
    and 0 turns the cache off. Unlike whole pages, fragments serve signed-in visitors too:
    ``name`` and the host and scheme their links are built from are the whole key, so nothing
    of one visitor's own may go in them. An unreachable cache builds them every time."""
    if settings.FRAGMENT_CACHE_SECONDS <= 0:
        return build()[0]
    fragments = caches["fragments"]
    try:
        key = f"fragment:{directory_version()}:{request.scheme}://{request.get_host()}:{name}"
        value = fragments.get(key)
    except Exception:
        _cache_failed()
        return build()[0]
    _cache_answered()
    if value is None:
        value, seconds = build()
        if seconds > 0:
            try:
                fragments.set(key, value, min(settings.FRAGMENT_CACHE_SECONDS, seconds))
            except Exception:
                _cache_failed()
    return value


def cache_for_visitors(*, reads=()):
    """Cache the view's page for anonymous visitors; ``reads`` names the query parameters it
    reads."""
    reads = frozenset(reads)

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _cacheable(request, reads):
                return view(request, *args, **kwargs)
            pages = caches["pages"]
            # Any failure of the cache backend (Redis down, a timeout) must not fail the page.
            try:
                key = _page_key(request, directory_version())
                response = pages.get(key)
            except Exception:
                _cache_failed()
                return view(request, *args, **kwargs)
            _cache_answered()
            if response is None:
                response = view(request, *args, **kwargs)
                if response.status_code == 200 and not response.cookies:
                    try:
                        if _asked_before(request, key):
                            pages.set(key, response, settings.PAGE_CACHE_SECONDS)
                    except Exception:
                        _cache_failed()
            return response

        return wrapper

    return decorator
