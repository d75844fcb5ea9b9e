"""What the directory holds per industry, counted once per directory version by each worker, so
that a search skips the reads that could only find nothing.

Most industries have no hub near most places; many have none at all, most none online, no
complementary industry, no business listed and no owner saying they would join a hub. A search
of such an industry would still read its page of hubs, widen a box again and again for the
nearest ones anywhere, and look for online hubs, complementary hubs, businesses in no hub and
interest: up to nine statements finding nothing. One grouped count of approved hubs per industry
and mode, the industries with businesses or with interest, and the complements, remembered for
the directory's version (which every save of those rows bumps, see ``HubsConfig.ready``) and at
most ``SECONDS``, tell in memory which reads can find something.

The tallies only let reads be skipped: if the cache holding the version is down, there are none
and every read runs.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.cache import caches
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from hubs.lookups import ALIAS
from hubs.models import Business, Hub, Industry, Interest, Meeting
from hubs.models.meetings import MAX_DURATION_HOURS
from hubs.pagecache import directory_version

# A bound on how stale the tallies may be if a write skipped the version's bump, or a count
# ran between a save's bump and its commit.
SECONDS = 60


def _prefix_totals(counts: dict[str, int]) -> dict[str, int]:
    """Each code prefix (of two digits and more) and the total of the codes it begins."""
    totals: dict[str, int] = {}
    for code, n in counts.items():
        for end in range(2, len(code) + 1):
            totals[code[:end]] = totals.get(code[:end], 0) + n
    return totals


def _outermost(prefixes: Iterable[str]) -> list[str]:
    """The prefixes that no other of them begins (so no code is counted twice)."""
    kept: list[str] = []
    for prefix in sorted(set(prefixes)):
        if not kept or not prefix.startswith(kept[-1]):
            kept.append(prefix)
    return kept


@dataclass(frozen=True)
class Tallies:
    # For each mode, every industry code with approved hubs, and how many.
    hubs: dict[str, dict[str, int]]
    # Industries that some owner would join a hub of.
    interested: frozenset[int]
    # Each industry's complementary industries, by code.
    complements: dict[int, tuple[str, ...]]
    # The codes of the industries that some business is of.
    with_businesses: frozenset[str]
    # The hubs with a meeting not cancelled that had not ended when counted (time only ends
    # meetings, so a hub outside the set has no meeting to come; one inside may).
    with_meetings: frozenset[int]
    # Derived once, so that a search looks a prefix up instead of scanning every code: for each
    # mode, the approved hubs of the codes each prefix begins; the prefixes of business codes.
    hubs_by_prefix: dict[str, dict[str, int]] = field(init=False)
    business_prefixes: frozenset[str] = field(init=False)

    def __post_init__(self):
        by_prefix = {mode: _prefix_totals(counts) for mode, counts in self.hubs.items()}
        object.__setattr__(self, "hubs_by_prefix", by_prefix)
        prefixes = frozenset(_prefix_totals(dict.fromkeys(self.with_businesses, 1)))
        object.__setattr__(self, "business_prefixes", prefixes)

    def approved_hubs(self, industries: Iterable[Industry | None], *, mode: str) -> int:
        """Approved hubs meeting in ``mode`` of the industries and those beneath them (of every
        industry for ``None``)."""
        prefixes = []
        for industry in industries:
            if industry is None:
                return sum(self.hubs[mode].values())
            prefixes.extend(industry.code_prefixes)
        totals = self.hubs_by_prefix[mode]
        return sum(totals.get(prefix, 0) for prefix in _outermost(prefixes))

    def has_businesses(self, industry: Industry) -> bool:
        """Whether some business is of the industry or one beneath it."""
        return any(prefix in self.business_prefixes for prefix in industry.code_prefixes)

    def may_meet(self, hub_ids: Iterable[int]) -> bool:
        """Whether any of the hubs may have a meeting to come."""
        return not self.with_meetings.isdisjoint(hub_ids)

    def complementary_hubs(self, industry: Industry, *, searched: Iterable[Industry] = ()) -> int:
        """Approved hubs meeting in person of the industries complementary to ``industry``,
        but for the ``searched`` ones."""
        left_out = {other.code for other in searched}
        counts = self.hubs[Hub.Mode.IN_PERSON]
        complements = self.complements.get(industry.pk, ())
        return sum(counts.get(code, 0) for code in complements if code not in left_out)


def _count() -> Tallies:
    hubs: dict[str, dict[str, int]] = {mode: {} for mode in Hub.Mode.values}
    approved = Hub.objects.approved().order_by().values_list("mode", "industry__code")
    for mode, code, n in approved.annotate(n=Count("pk")):
        hubs[mode][code] = n
    complements: dict[int, list[str]] = {}
    pairs = Industry.complements.through.objects.values_list(
        "from_industry_id", "to_industry__code"
    )
    for industry_id, code in pairs:
        complements.setdefault(industry_id, []).append(code)
    # An index probe per industry: bounded by the ~2,000 industries, not the businesses.
    of_businesses = Industry.objects.filter(
        Exists(Business.objects.filter(industry=OuterRef("pk")))
    )
    now = timezone.now()
    meetings = Meeting.objects.scheduled().filter(
        # The start bound reads the start index (as queries.with_next_meeting does).
        ends_at__gt=now,
        starts_at__gt=now - timedelta(hours=MAX_DURATION_HOURS),
    )
    return Tallies(
        hubs=hubs,
        with_meetings=frozenset(meetings.values_list("hub_id", flat=True).distinct()),
        with_businesses=frozenset(of_businesses.values_list("code", flat=True)),
        interested=frozenset(Interest.objects.values_list("industry_id", flat=True).distinct()),
        complements={pk: tuple(codes) for pk, codes in complements.items()},
    )


# The tallies this process counted last, and the token the cache holds for them while they
# are current: reading the token costs less than unpickling the tallies at each request.
_counted: tuple[str, Tallies] | None = None


def current() -> Tallies | None:
    """The tallies of the directory as it is, or None when that is not known (the cache is
    down)."""
    global _counted
    try:
        store, key = caches[ALIAS], f"tallies:{directory_version()}"
        token = store.get(key)
    except Exception:  # The version lives in the shared cache (Redis), which may be down.
        return None
    counted = _counted
    if token is not None and counted is not None and counted[0] == token:
        return counted[1]
    tallies = _count()
    token = uuid.uuid4().hex
    _counted = (token, tallies)
    store.set(key, token, SECONDS)
    return tallies
