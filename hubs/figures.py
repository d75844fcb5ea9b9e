"""The directory's totals (approved hubs, businesses, industries), each counted once per
directory version and kept in the shared cache.

Counting every business reads a whole index (234 ms at 1M rows, docs/scaling.md); the home page
prints the totals and the business directory, unfiltered, counts the same rows. Every write to a
row pages show bumps the directory version (``HubsConfig.ready``), so totals kept under the
current version are exact. If the cache is unreachable, the totals are counted afresh: the
figures are right, only slower (the page cache logs the outage).
"""

import contextlib
from collections.abc import Callable

from django.core.cache import cache

from hubs.models import Business, Hub, Industry
from hubs.pagecache import directory_version

COUNTS: dict[str, Callable[[], int]] = {
    "hubs": lambda: Hub.objects.approved().count(),
    "businesses": lambda: Business.objects.count(),
    "industries": lambda: Industry.objects.count(),
}
# A write bumps the version before its transaction commits, so a count taken in between could
# be kept under the new version without that write's row; a life bounds how long it may last.
FIGURES_SECONDS = 600


def directory_figures(*names: str) -> dict[str, int]:
    """The totals named (all of ``COUNTS`` by default), each counted at most once per directory
    version (and ``FIGURES_SECONDS``)."""
    names = names or tuple(COUNTS)
    try:
        keys = {name: f"figures:{directory_version()}:{name}" for name in names}
        kept = cache.get_many(keys.values())
    except Exception:  # The cache is down: count, don't fail the page.
        return {name: COUNTS[name]() for name in names}
    figures = {}
    for name in names:
        value = kept.get(keys[name])
        figures[name] = COUNTS[name]() if value is None else value
    counted = {keys[name]: figures[name] for name in names if keys[name] not in kept}
    if counted:
        with contextlib.suppress(Exception):  # Kept next time, when the cache answers.
            cache.set_many(counted, FIGURES_SECONDS)
    return figures
