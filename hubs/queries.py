"""The reads that pages share: hubs of an industry, a search's page, hub and region pages.

Where rows lie (distance, box, radius, nearest) is asked of their QuerySet: see
``hubs.models.base.LocatedQuerySet``."""

import copy
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import NamedTuple

from django.core.paginator import Page
from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.utils import timezone

from hubs import tallies, vocabulary
from hubs.models import (
    Business,
    BusinessQuerySet,
    Hub,
    HubQuerySet,
    Industry,
    Invitation,
    Meeting,
    Membership,
    Mention,
    Partner,
    Region,
    Resource,
    Update,
)
from hubs.models.base import READ_ALL_AT_MOST
from hubs.models.meetings import MAX_DURATION_HOURS
from hubs.paginators import FirstPageFirstPaginator

SEARCH_PAGE_SIZE = 20
NEAREST_ANYWHERE = 5
ONLINE_GROUP_SIZE = 10
NAMED_LIMIT = 5
COMPLEMENTARY_LIMIT = 6
# An online hub's coverage as its label reads it ("Ontario, CA"): one query for a list.
COVERAGE = Prefetch("covered_regions", queryset=Region.objects.select_related("parent"))


_PUBLIC_HUBS = Hub.objects.approved().select_related(
    "industry", "region", "region__parent", "region__parent__parent"
)


def public_hubs() -> HubQuerySet:
    """Approved hubs with what a list or a map shows of them (a copy of a query built once:
    never the shared one, whose rows would stay cached once read)."""
    return _PUBLIC_HUBS.all()


def with_next_meeting(hubs: HubQuerySet) -> HubQuerySet:
    """Hubs annotated with ``next_meeting_at``, when their next meeting starts (None if none is
    scheduled): a subquery in the hubs' own query, so a list costs no query more per hub."""
    now = timezone.now()
    upcoming = (
        Meeting.objects.scheduled()
        .filter(
            hub=OuterRef("pk"),
            ends_at__gt=now,
            # Bounds the read of the (hub, starts_at) index to meetings that can still run.
            starts_at__gt=now - timedelta(hours=MAX_DURATION_HOURS),
        )
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    # Hub declares the attribute, for the cards read without the subquery (hub_cards).
    return hubs.annotate(next_meeting_at=Subquery(upcoming))  # type: ignore[no-redef]


# Whether each of a hub's own lists holds anything, an EXISTS each: built once, since building
# them cost more than reading them (a read only resolves them against its hubs).
_LISTS_PRESENT = {
    "has_partners": Exists(
        Partner.objects.filter(hub=OuterRef("pk"), resource__pending_review=False)
    ),
    "has_mentions": Exists(Mention.objects.filter(hub=OuterRef("pk"))),
    "has_updates": Exists(Update.objects.filter(hub=OuterRef("pk"))),
    "has_secondary_industries": Exists(
        Hub.secondary_industries.through.objects.filter(hub=OuterRef("pk"))
    ),
    "has_meetings": Exists(Meeting.objects.scheduled().filter(hub=OuterRef("pk"))),
}


def with_lists_present(hubs: HubQuerySet) -> HubQuerySet:
    """Hubs annotated with whether each list of their page holds anything: ``has_partners``
    (reviewed ones), ``has_mentions``, ``has_updates``, ``has_secondary_industries`` and
    ``has_meetings`` (not cancelled, past or to come), an EXISTS each in the hubs' own query, so
    a page reads only the lists that do (most hubs have no partner, press, news or meeting
    yet). None depends on the time, so a query holding them can be built once."""
    return hubs.annotate(**_LISTS_PRESENT)


def meetings_held(hub: Hub) -> int:
    """How many of the hub's meetings are over and were not cancelled (the builder's first
    step)."""
    return hub.meetings.held().count()


def upcoming_meetings(hub: Hub, *, limit: int = 5) -> list[Meeting]:
    """The hub's next meetings, soonest first (each knows ``hub`` from its related manager, so
    no join reads the hub again)."""
    return list(hub.meetings.upcoming()[:limit])


def hubs_of_industry(industry: Industry | None, *, related: Iterable[Industry] = ()) -> HubQuerySet:
    """Approved hubs of the industry, of any industry beneath it, and of ``related`` ones
    (those a plain word also names: "software" is both publishers and programmers)."""
    queryset = public_hubs()
    if not industry:
        return queryset
    return queryset.filter(vocabulary.lineage_q(industry, *related))


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


def with_coverage(hubs: list[Hub]) -> list[Hub]:
    """``hubs``, their online ones given their coverage: one query, none if all meet in
    person."""
    prefetch_related_objects([hub for hub in hubs if hub.is_online], COVERAGE)
    return hubs


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
        _complementary(industry, searched=related, counted=counted)
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


def _complementary(
    industry: Industry, *, searched: Iterable[Industry] = (), counted: tallies.Tallies | None = None
) -> HubQuerySet:
    """Approved hubs meeting in person of industries complementary to ``industry``, leaving
    out the ``searched`` industries (whose hubs a search lists already). Given the tallies,
    only the complements with such hubs are named, by key (from the matcher's index): no
    subquery to build."""
    left_out = {i.pk for i in searched}
    in_person = Hub.objects.approved().in_person()
    by_code = vocabulary.vocabulary().by_code
    codes = counted.complements.get(industry.pk, ()) if counted is not None else None
    if counted is None or codes is None or any(code not in by_code for code in codes):
        complements = Industry.objects.filter(complements=industry).exclude(pk__in=left_out)
        return in_person.filter(industry__in=complements)
    with_hubs = counted.hubs[Hub.Mode.IN_PERSON]
    ids = [by_code[c].pk for c in codes if with_hubs.get(c) and by_code[c].pk not in left_out]
    return in_person.filter(industry__in=ids)


def complementary_hubs_near(
    *, industry: Industry, lat: float, lng: float, radius_km: float, limit: int = 6
) -> list[Hub]:
    """What a hub's page shows of the approved hubs of complementary industries nearby, nearest
    first: their names, addresses, industries and distances (no next meeting, no region). No
    read when the tallies know the complements have no hub anywhere; else the complements with
    hubs are named by key (``_complementary``)."""
    counted = tallies.current()
    if counted is not None and not counted.complementary_hubs(industry):
        return []
    hubs = _complementary(industry, counted=counted).select_related("industry")
    shown = hubs.only("name", "slug", "industry__title")
    return list(shown.within_radius(lat=lat, lng=lng, radius_km=radius_km)[:limit])


# Whether a business has an active membership (built once: each query resolves its own copy).
_IN_A_HUB = Exists(Membership.objects.active().filter(business=OuterRef("pk")))


def _unaffiliated() -> BusinessQuerySet:
    """Businesses that belong to no hub (no active membership)."""
    return Business.objects.exclude(_IN_A_HUB)


# What the search page shows of businesses in no hub, built once (resolving the membership
# test is most of the building).
_UNAFFILIATED_SHOWN = _unaffiliated().only("name", "slug", "city")


def unaffiliated_businesses_near(
    *, industry: Industry, lat: float, lng: float, radius_km: float, limit: int = 8
) -> list[Business]:
    """Businesses of the industry near the point that belong to no hub yet (measured, like
    every read of businesses, to the point anyone may see), with what the search page shows of
    them: name, town and distance."""
    businesses = _UNAFFILIATED_SHOWN.filter(vocabulary.lineage_q(industry))
    return list(businesses.within_radius(lat=lat, lng=lng, radius_km=radius_km)[:limit])


def businesses_to_invite(*, hub: Hub, radius_km: float, limit: int = 30) -> list[Business]:
    """Businesses near ``hub`` that its organizers may invite, nearest first: of its industry
    (or one beneath it) or a complementary one, in no hub, with owners to read the email, who
    have not opted out and whom this hub has not invited before. An online hub without a home
    base has no "nearby": none."""
    point = hub.point
    if point is None:
        return []
    lat, lng = point
    industries = vocabulary.lineage_q(hub.industry, *hub.industry.complements.all())
    invited = Invitation.objects.filter(hub=hub, business=OuterRef("pk"))
    has_owner = Business.owners.through.objects.filter(business=OuterRef("pk"))
    businesses = (
        _unaffiliated()
        .filter(industries, accepts_invitations=True)
        .filter(Exists(has_owner))
        .exclude(Exists(invited))
        .select_related("industry")
    )
    return list(businesses.within_radius(lat=lat, lng=lng, radius_km=radius_km)[:limit])


# What a hub's page shows of the resources near it, and of its members, organizers first:
# each built once (a read adds the place or the hub), since building cost more than reading.
_RESOURCES_SHOWN = Resource.objects.reviewed().only(
    "name", "kind", "city", "website", "pending_review"
)
_MEMBERS_SHOWN = (
    Membership.objects.active()
    .select_related("business")
    .only(
        "hub", "role", "state", "connections", "business__name", "business__slug", "business__city"
    )
    .order_by("-role", "business__name")
)


def resources_near(*, lat: float, lng: float, radius_km: float, limit: int = 6) -> list[Resource]:
    """Local resources within ``radius_km``, nearest first (none still awaiting review), with
    what pages show of them."""
    nearby = _RESOURCES_SHOWN.within_radius(lat=lat, lng=lng, radius_km=radius_km)
    return list(nearby[:limit])


def hub_partners(hub: Hub) -> list[Partner]:
    """The hub's partners whose resource a curator reviewed, with their resources."""
    reviewed = hub.partners.filter(resource__pending_review=False)
    return list(reviewed.select_related("resource"))


def hub_members(hub: Hub) -> list[Membership]:
    """Active memberships of the hub, organizers first, with what pages show of their
    businesses (name, slug and town)."""
    return list(_MEMBERS_SHOWN.filter(hub=hub))


def region_hubs(region: Region) -> HubQuerySet:
    """Approved hubs that meet in person in the region or in a region beneath it (two levels
    at most)."""
    return public_hubs().in_person().filter(region.within_q())


def region_online_hubs(region: Region, *, limit: int = 200) -> list[Hub]:
    """Approved online hubs whose coverage reaches the region, or whose home base is in it,
    most members first, with their coverage."""
    online = public_hubs().online()
    reaching = (
        with_next_meeting(online)
        .filter(Q(pk__in=online.covering(region).values("pk")) | region.within_q())
        .prefetch_related(COVERAGE)
    )
    return list(reaching.order_by("-member_count", "name")[:limit])


def region_businesses(region: Region) -> QuerySet[Business]:
    return Business.objects.filter(region.within_q()).select_related("industry")
