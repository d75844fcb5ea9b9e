"""What the search page lists, read in two steps: each list (hubs within the radius, else the
nearest anywhere; online hubs whose coverage holds the place; hubs named like the typed words;
complementary hubs nearby) first reads only its hubs' keys and distances, then `hub_cards` reads
every list's cards at once. Businesses of the industry in no hub yet are read here too.

Where rows lie is asked of their QuerySet (``hubs.models.base.LocatedQuerySet``); reads other
pages share are in ``hubs.queries``."""

import copy
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from django.core.paginator import Page
from django.db.models import Q

from hubs import tallies, vocabulary
from hubs.models import Business, Hub, HubQuerySet, Industry
from hubs.models.base import READ_ALL_AT_MOST
from hubs.paginators import FirstPageFirstPaginator
from hubs.queries import (
    complementary_hubs,
    hubs_of_industry,
    unaffiliated,
    with_coverage,
    with_next_meeting,
)

SEARCH_PAGE_SIZE = 20
NEAREST_ANYWHERE = 5
ONLINE_GROUP_SIZE = 10
NAMED_LIMIT = 5
COMPLEMENTARY_LIMIT = 6


class HubSearch(NamedTuple):
    """A search's page of hubs that meet in person within the radius, when it is empty the
    nearest ones anywhere, the online hubs whose coverage holds the searched place, hubs named
    like the typed words, and hubs of complementary industries nearby."""

    page: Page
    nearest_anywhere: list[Hub]
    online: list[Hub]
    named: list[Hub] = []
    complementary: list[Hub] = []


# What a hub card (templates/includes/hub_card.html) and a map point show of a hub.
CARD_FIELDS = (
    *("name", "slug", "mode", "covers_worldwide", "latitude", "longitude", "time_zone"),
    *("stage", "member_count", "industry"),
    *("region__name", "region__kind", "region__parent__code", "region__parent__name"),
)
# The cards' read, built once (a read adds the keys). The industry comes from the industries the
# matcher holds in memory, not a join.
_CARDS = Hub.objects.approved().order_by().select_related("region__parent").only(*CARD_FIELDS)
# A hub's primary key, and its distance from the searched point (None where none is shown).
Keyed = tuple[int, float | None]


def _attach_industries(hubs: Iterable[Hub]) -> None:
    """Give each hub its industry from the matcher's index in memory (an industry created since
    the index was built is read when first asked for, as without this)."""
    industries = vocabulary.vocabulary().industries
    cached = Hub._meta.get_field("industry").set_cached_value
    for hub in hubs:
        industry = industries.get(hub.industry_id)
        if industry is not None:
            cached(hub, industry)


def hub_cards(*sections: Iterable[Keyed]) -> list[list[Hub]]:
    """Each section's hubs as its cards show them (industry, region, next meeting, an online
    hub's coverage, the distance), in the section's order, from one read of all of them (and
    one of the coverage if any meets online); a hub approved no longer is left out. The next
    meeting's subquery is left out when the tallies know none of the hubs has one to come.

    A page's sections first find their hubs' keys in light reads; the rows are read here once.
    """
    listed = [list(section) for section in sections]
    keys = {pk for section in listed for pk, _ in section}
    if not keys:
        return [[] for _ in listed]
    cards = _CARDS.filter(pk__in=keys)
    counted = tallies.current()
    if counted is None or counted.may_meet(keys):
        found = with_coverage(list(with_next_meeting(cards)))
    else:  # None of them has a meeting to come: no subquery to build, compile and plan.
        found = with_coverage(list(cards))
        for hub in found:
            hub.next_meeting_at = None
    _attach_industries(found)
    by_pk, used = {hub.pk: hub for hub in found}, set()
    listed_cards = []
    for section in listed:
        hubs = []
        for pk, distance_km in section:
            if pk not in by_pk:
                continue
            # A hub shown in two sections (named and online) gets a card in each.
            hub = copy.copy(by_pk[pk]) if pk in used else by_pk[pk]
            used.add(pk)
            if distance_km is not None:
                hub.distance_km = distance_km
            hubs.append(hub)
        listed_cards.append(hubs)
    return listed_cards


def online_hubs_covering(
    hubs: HubQuerySet, *, country: str, admin1: str = "", limit: int = ONLINE_GROUP_SIZE
) -> list[Keyed]:
    """The keys of the online hubs among ``hubs`` whose coverage holds a place of ``country``
    (and state ``admin1``), most members first (no distance: an online hub's is not shown)."""
    covering = hubs.covering(country=country, admin1=admin1).order_by("-member_count", "name")
    return [(pk, None) for pk in covering.values_list("pk", flat=True)[:limit]]


def search_hubs(
    *,
    industry: Industry | None,
    lat: float,
    lng: float,
    radius_km: float,
    related: Iterable[Industry] = (),
    page_number: str | int | None = 1,
    country: str = "",
    admin1: str = "",
    named: str = "",
    complements_within_km: float = 0,
) -> HubSearch:
    """What the search page lists: hubs of the industry that meet in person within the radius,
    nearest first, a page at a time, and with none there the nearest ones anywhere; in a group
    of their own, the online hubs of the industry whose coverage holds the place (of
    ``country`` and state ``admin1``); hubs ``named`` like the typed words; and, given
    ``complements_within_km``, hubs of complementary industries that near.

    Each list first reads only its hubs' keys and distances; their cards are read once for all.
    """
    hubs = hubs_of_industry(industry, related=related)
    lineage = [industry, *related]
    counted = tallies.current()
    online: list[Keyed] = []
    if counted is None or counted.approved_hubs(lineage, mode=Hub.Mode.ONLINE):
        online = online_hubs_covering(hubs, country=country, admin1=admin1)
    page, nearest = _in_person_keys(
        hubs.in_person(),
        lat=lat,
        lng=lng,
        radius_km=radius_km,
        page_number=page_number,
        rows_at_most=(
            None if counted is None else counted.approved_hubs(lineage, mode=Hub.Mode.IN_PERSON)
        ),
    )
    listed = [pk for pk, _ in [*page.object_list, *nearest]]  # Each hub shown once.
    named_keys = _named_keys(named, lat=lat, lng=lng, exclude=listed)
    if industry and counted and not counted.complementary_hubs(industry, searched=related):
        complements_within_km = 0  # None to find.
    complementary = (
        complementary_hubs(industry, searched=related, counted=counted)
        .within_radius(lat=lat, lng=lng, radius_km=complements_within_km)
        .keyed()[:COMPLEMENTARY_LIMIT]
        if industry and complements_within_km
        else []
    )
    cards = hub_cards(page.object_list, nearest, online, named_keys, complementary)
    page.object_list = cards[0]
    return HubSearch(page, *cards[1:])


def _in_person_keys(
    hubs: HubQuerySet,
    *,
    lat: float,
    lng: float,
    radius_km: float,
    page_number: str | int | None,
    rows_at_most: int | None,
) -> tuple[Page, Sequence[Keyed]]:
    """The page of the keys of ``hubs`` within the radius, nearest first, and with none there
    the keys of the nearest ones anywhere. Hubs known to be none are not read; known to be few
    (``rows_at_most``), they are all measured in one read and split here."""
    if rows_at_most == 0:
        return FirstPageFirstPaginator([], SEARCH_PAGE_SIZE).get_page(page_number), []
    if rows_at_most is not None and rows_at_most <= READ_ALL_AT_MOST:
        everything = list(hubs.nearest_first(lat=lat, lng=lng).keyed())
        within = [key for key in everything if key[1] <= radius_km]
        page = FirstPageFirstPaginator(within, SEARCH_PAGE_SIZE).get_page(page_number)
        return page, [] if within else everything[:NEAREST_ANYWHERE]
    keyed = hubs.within_radius(lat=lat, lng=lng, radius_km=radius_km).keyed()
    page = FirstPageFirstPaginator(keyed, SEARCH_PAGE_SIZE).get_page(page_number)
    if page.paginator.count:
        return page, []
    nearest = hubs.nearest_keys(lat=lat, lng=lng, limit=NEAREST_ANYWHERE, empty_within_km=radius_km)
    return page, nearest


def _named_keys(
    text: str, *, lat: float, lng: float, exclude: Iterable[int] = (), limit: int = NAMED_LIMIT
) -> list[Keyed]:
    """The keys of approved hubs whose name holds every typed word of more than two letters
    ("robotics" finds Pittsburgh Robotics, whatever NAICS code the word maps to), nearest
    first, leaving out those of ``exclude``."""
    typed = [w for w in text.split() if len(w) > 2][:6]
    if not typed:
        return []
    words = [Q(name__icontains=word) for word in typed]
    named = Hub.objects.approved().filter(*words, ~Q(pk__in=list(exclude)))
    return list(named.nearest_first(lat=lat, lng=lng).keyed()[:limit])


# What the search page shows of businesses in no hub, built once (resolving the membership
# test is most of the building).
_UNAFFILIATED_SHOWN = unaffiliated().only("name", "slug", "city")


def unaffiliated_businesses_near(
    *, industry: Industry, lat: float, lng: float, radius_km: float, limit: int = 8
) -> list[Business]:
    """Businesses of the industry near the point that belong to no hub yet (measured, like
    every read of businesses, to the point anyone may see), with what the search page shows of
    them: name, town and distance."""
    businesses = _UNAFFILIATED_SHOWN.filter(vocabulary.lineage_q(industry))
    return list(businesses.within_radius(lat=lat, lng=lng, radius_km=radius_km)[:limit])
