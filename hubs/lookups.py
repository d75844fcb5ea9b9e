"""What typed text means, remembered by each worker: a place's look-up, keyed by the text and
the directory's version.

Most searches are new ones, but their words repeat: the same towns, the same few industries.
Resolving "Ogden, UT" costs a query and ranking in Python; the answer changes only when the
gazetteer or the directory does, and every such write bumps the directory version (see
``HubsConfig.ready`` and ``gazetteer.load_gazetteer``), which is part of the key. Entries live
in the ``lookups`` cache alias: each worker's own memory, bounded by ``LOOKUP_CACHE_MAX_ENTRIES``
(least recently used first out), so they cost no round trip and no shared store.

The cache only saves work: if it, or the directory version's store, fails, the text is looked up
afresh.
"""

import hashlib
from collections.abc import Callable

from django.core.cache import caches

from hubs.pagecache import directory_version

ALIAS = "lookups"
SECONDS = 3600  # The version makes stale entries unreachable; this only frees their memory.


def _key(kind: str, text: str, version: int) -> str:
    # Hashed: typed text may hold spaces or be long, which cache keys should not.
    digest = hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
    return f"{kind}:{version}:{digest}"


def remembered[T](kind: str, text: str, look_up: Callable[[str], T]) -> T:
    """``look_up(text)``, or what it gave for the same ``kind`` and text since the directory's
    last change. The answer is stored pickled, so callers get a copy they may change."""
    try:
        store = caches[ALIAS]
        key = _key(kind, text, directory_version())
        found = store.get(key)
    except Exception:  # The version lives in the shared cache (Redis), which may be down.
        return look_up(text)
    if found is None:
        found = look_up(text)
        store.set(key, found, SECONDS)
    return found
