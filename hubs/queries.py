"""The reads that pages share: hubs of an industry and their next meetings, online hubs' coverage,
complementary hubs, businesses in no hub, and what hub and region pages list (the search page's
own reads are in ``hubs.search``).

Where rows lie (distance, box, radius, nearest) is asked of their QuerySet: see
``hubs.models.base.LocatedQuerySet``."""

from collections.abc import Iterable
from datetime import timedelta

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
from hubs.models.meetings import MAX_DURATION_HOURS

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


def with_coverage(hubs: list[Hub]) -> list[Hub]:
    """``hubs``, their online ones given their coverage: one query, none if all meet in
    person."""
    prefetch_related_objects([hub for hub in hubs if hub.is_online], COVERAGE)
    return hubs


def complementary_hubs(
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
    hubs are named by key (``complementary_hubs``)."""
    counted = tallies.current()
    if counted is not None and not counted.complementary_hubs(industry):
        return []
    hubs = complementary_hubs(industry, counted=counted).select_related("industry")
    shown = hubs.only("name", "slug", "industry__title")
    return list(shown.within_radius(lat=lat, lng=lng, radius_km=radius_km)[:limit])


# Whether a business has an active membership (built once: each query resolves its own copy).
_IN_A_HUB = Exists(Membership.objects.active().filter(business=OuterRef("pk")))


def unaffiliated() -> BusinessQuerySet:
    """Businesses that belong to no hub (no active membership)."""
    return Business.objects.exclude(_IN_A_HUB)


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
        unaffiliated()
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
