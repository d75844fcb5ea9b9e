"""How many approved hubs each industry has, in person and online: counted once per directory
version by each worker, so that a search skips the reads that could only find nothing.

Most industries have no hub near most places; many have none at all, and most none online. A
search of such an industry would still read its page of hubs, widen a box again and again for
the nearest ones anywhere, and look for online hubs: up to six statements finding nothing. One
grouped count of approved hubs per industry and mode, remembered for the directory's version
(which every save of a hub bumps, see ``HubsConfig.ready``) and at most ``SECONDS``, tells in
memory which of those reads can find something.

The tallies only let reads be skipped: if the cache holding the version is down, there are none
and every read runs.
"""

from collections.abc import Iterable

from django.core.cache import caches
from django.db.models import Count

from hubs.lookups import ALIAS
from hubs.models import Hub, Industry
from hubs.pagecache import directory_version

# A bound on how stale the tallies may be if a write skipped the version's bump, or a count
# ran between a save's bump and its commit.
SECONDS = 60

Tallies = dict[str, tuple[tuple[str, int], ...]]


def _count() -> Tallies:
    """For each mode, every industry code with approved hubs, and how many."""
    rows = (
        Hub.objects.approved()
        .order_by()
        .values_list("mode", "industry__code")
        .annotate(n=Count("pk"))
    )
    tallies: dict[str, list[tuple[str, int]]] = {mode: [] for mode in Hub.Mode.values}
    for mode, code, n in rows:
        tallies[mode].append((code, n))
    return {mode: tuple(counts) for mode, counts in tallies.items()}


def approved_hubs(industries: Iterable[Industry | None], *, mode: str) -> int | None:
    """How many approved hubs meeting in ``mode`` the industries and those beneath them have
    (every industry for ``None``), or None when that is not known (the cache is down)."""
    try:
        store, key = caches[ALIAS], f"tallies:{directory_version()}"
        tallies = store.get(key)
    except Exception:  # The version lives in the shared cache (Redis), which may be down.
        return None
    if tallies is None:
        tallies = _count()
        store.set(key, tallies, SECONDS)
    counts = tallies[mode]
    prefixes = []
    for industry in industries:
        if industry is None:
            return sum(n for _, n in counts)
        prefixes.extend(industry.code_prefixes)
    if not prefixes:
        return 0
    within = tuple(prefixes)
    return sum(n for code, n in counts if code.startswith(within))
