"""Loads the demo directory: NAICS industries, the gazetteer, regions, real hubs and resources,
and generated demo businesses (all marked ``is_demo``). Every step is safe to run again."""

import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from hubs import gazetteer, naics, regions
from hubs.coverage import Coverage, set_coverage
from hubs.models import (
    Business,
    Connection,
    Hub,
    Industry,
    Membership,
    Place,
    Region,
    Resource,
    Stage,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_SEED = 2022
UNAFFILIATED_PER_HUB = 3

_PREFIXES = [
    "Summit",
    "Canyon",
    "Harbor",
    "Pioneer",
    "Keystone",
    "Juniper",
    "Granite",
    "Maple",
    "Beacon",
    "Cedar",
    "Riverbend",
    "Northstar",
    "Bluebird",
    "Ironwood",
    "Meridian",
    "Lakeside",
    "Copper",
    "Prairie",
    "Redwood",
    "Silverline",
    "Orchard",
    "Highland",
    "Evergreen",
    "Foundry",
    "Anchor",
]
_SUFFIXES = ["Co.", "Works", "Labs", "Group", "Partners", "Studio", "Manufacturing", "Supply"]


@dataclass
class SeedReport:
    counts: dict = field(default_factory=dict)

    def __str__(self):
        return ", ".join(f"{n:,} {name}" for name, n in self.counts.items())


def _city(name, country, admin1=""):
    """The most populous gazetteer city of that name in the country (and US state)."""
    resolution = gazetteer.resolve(f"{name}, {admin1 if country == 'US' else country}")
    if resolution.place and resolution.place.country == country:
        return resolution.place
    return None


def region_for(*, city, admin1, country, metro, lat, lng):
    """The metro region of an entry, creating it and its state and country as needed; the
    state is the GeoNames division of the entry's town."""
    place = _city(city, country, admin1)
    point = (lat, lng)
    if place and place.admin1:
        state = regions.state(country, place.admin1, fallback_point=point)
    elif country == "US":
        state = regions.state("US", admin1, fallback_point=point)
    else:
        state = regions.get_or_create(
            admin1,
            Region.Kind.STATE,
            parent=regions.country(country, fallback_point=point),
            point=point,
        )
    return regions.get_or_create(metro, Region.Kind.METRO, parent=state, point=point)


def _upsert(model, *, slug, values):
    """Create the row, or update it only where a value differs: a re-run writes nothing."""
    row = model.objects.filter(slug=slug).first()
    if row is None:
        return model.objects.create(slug=slug, **values)
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    if changed:
        for name in changed:
            setattr(row, name, values[name])
        row.save()
    return row


def load_hubs(industries):
    with open(DATA_DIR / "demo_hubs.json", encoding="utf-8") as f:
        entries = json.load(f)
    hubs = []
    for entry in entries:
        region = region_for(
            city=entry["city"],
            admin1=entry["admin1"],
            country=entry["country"],
            metro=entry["region"],
            lat=entry["lat"],
            lng=entry["lng"],
        )
        is_demo = entry.get("demo", False)
        hub = _upsert(
            Hub,
            slug=slugify(entry["name"]),
            values={
                "name": entry["name"],
                "industry": industries[entry["industry"]],
                "region": region,
                "latitude": entry["lat"],
                "longitude": entry["lng"],
                "time_zone": gazetteer.time_zone_at(lat=entry["lat"], lng=entry["lng"]),
                "description": entry["description"],
                "website": entry.get("website") or "",
                "founded_year": entry.get("founded"),
                "stage_override": "" if is_demo else Stage.ESTABLISHED,
                "status": Hub.Status.APPROVED,
                "is_demo": is_demo,
            },
        )
        hub.secondary_industries.set([industries[code] for code in entry.get("secondary", [])])
        hubs.append(hub)
    return hubs


def load_online_hubs(industries):
    """Online demo hubs: a coverage of countries or states, and a home base or none."""
    with open(DATA_DIR / "demo_online_hubs.json", encoding="utf-8") as f:
        entries = json.load(f)
    hubs = []
    for entry in entries:
        base = gazetteer.resolve(entry["home_base"]) if entry["home_base"] else None
        point = base.point if base else None
        coverage = Coverage.of([gazetteer.resolve(text) for text in entry["coverage"]])
        if point:
            time_zone = gazetteer.time_zone_at(lat=point[0], lng=point[1], place=base.place)
        else:
            time_zone = coverage.time_zone()
        hub = _upsert(
            Hub,
            slug=slugify(entry["name"]),
            values={
                "name": entry["name"],
                "industry": industries[entry["industry"]],
                "mode": Hub.Mode.ONLINE,
                "region": regions.region_for_point(lat=point[0], lng=point[1]) if point else None,
                "latitude": point[0] if point else None,
                "longitude": point[1] if point else None,
                "time_zone": time_zone,
                "description": entry["description"],
                "status": Hub.Status.APPROVED,
                "is_demo": True,
            },
        )
        set_coverage(hub, coverage)
        hubs.append(hub)
    return hubs


def load_resources():
    with open(DATA_DIR / "demo_resources.json", encoding="utf-8") as f:
        entries = json.load(f)
    for entry in entries:
        place = _city(entry["city"], entry["country"], entry["admin1"])
        region = (
            Region.objects.filter(kind=Region.Kind.METRO)
            .filter(parent__parent__code=entry["country"])
            .order_by()
        )
        metro = region.nearest(lat=entry["lat"], lng=entry["lng"], limit=1)
        _upsert(
            Resource,
            slug=slugify(entry["name"])[:200],
            values={
                "name": entry["name"],
                "kind": entry["kind"],
                "city": place.name if place else entry["city"],
                "region": metro[0] if metro else Region.objects.get(code=entry["country"]),
                "latitude": entry["lat"],
                "longitude": entry["lng"],
                "website": entry.get("website") or "",
            },
        )
    return len(entries)


def _towns_covered(hub):
    """The largest towns of an online hub's coverage, where its demo members are."""
    towns = Place.objects.none()
    for region in hub.covered_regions.select_related("parent"):
        if region.kind == Region.Kind.COUNTRY:
            towns |= Place.objects.filter(country=region.code)
        else:
            towns |= Place.objects.filter(country=region.parent.code, admin1=region.code)
    return list(towns.filter(kind=Place.Kind.CITY).order_by("-population", "pk")[:12])


def _towns_near(hub, radius_km=40):
    if hub.is_online:
        return _towns_covered(hub)
    towns = Place.objects.filter(kind=Place.Kind.CITY)
    return list(towns.within_radius(lat=hub.latitude, lng=hub.longitude, radius_km=radius_km)[:12])


def _demo_business(rng, hub, industry, towns, used_names):
    town = rng.choice(towns) if towns else None
    town_name = town.name if town else hub.region.name
    base_lat, base_lng = (town.latitude, town.longitude) if town else hub.point
    while True:
        trade = industry.title.split(" ")[0].strip(",")
        name = f"{rng.choice(_PREFIXES)} {trade} {rng.choice(_SUFFIXES)}"
        if name not in used_names:
            used_names.add(name)
            break
        name = f"{town_name} {name}"
        if name not in used_names:
            used_names.add(name)
            break
    private = rng.random() < 0.2
    return Business(
        name=name,
        slug=slugify(name)[:150],
        industry=industry,
        city=town_name,
        # An online hub's members are anywhere; reassign_regions moves them to their own.
        region=hub.region or hub.covered_regions.first(),
        latitude=max(-90, min(90, base_lat + rng.uniform(-0.03, 0.03))),
        longitude=max(-180, min(180, base_lng + rng.uniform(-0.03, 0.03))),
        town_latitude=base_lat,
        town_longitude=base_lng,
        location_public=not private,
        description=(
            f"Demo business: a generated {industry.title.lower()} firm in {town_name}, "
            "listed to show how the directory works. It is not a real company."
        ),
        size=rng.choice(Business.Size.values),
        founded_year=rng.randint(1965, 2024),
        is_demo=True,
    )


def load_demo_businesses(hubs):
    """Generated members for every hub, plus a few unaffiliated businesses near each."""
    if Business.objects.filter(is_demo=True).exists():
        return 0
    rng = random.Random(DEMO_SEED)
    used_names = set()
    now = timezone.now()
    plan = []  # (business, hub or None, role)
    for hub in hubs:
        towns = _towns_near(hub)
        members = rng.randint(3, 5) if hub.is_demo else rng.randint(6, 14)
        industries = [hub.industry, *hub.secondary_industries.all()]
        for n in range(members):
            business = _demo_business(rng, hub, rng.choice(industries), towns, used_names)
            plan.append(
                (business, hub, Membership.Role.ORGANIZER if n < 2 else Membership.Role.MEMBER)
            )
        for _ in range(UNAFFILIATED_PER_HUB):
            plan.append((_demo_business(rng, hub, hub.industry, towns, used_names), None, ""))
    Business.objects.bulk_create([business for business, _, _ in plan])
    connections = Connection.values
    Membership.objects.bulk_create(
        [
            Membership(
                hub=hub,
                business=business,
                role=role,
                state=Membership.State.ACTIVE,
                connections=rng.sample(connections, rng.randint(0, 3)),
                joined_at=now,
            )
            for business, hub, role in plan
            if hub is not None
        ]
    )
    return len(plan)


@transaction.atomic
def seed_demo(*, log=lambda message: None):
    """Load everything the demo site needs; returns a SeedReport of what the database holds."""
    industries = naics.load_naics(log=log)
    # A gazetteer loaded before it held states and countries is loaded again.
    if not Place.objects.filter(kind=Place.Kind.STATE).exists():
        places, names = gazetteer.load_gazetteer()
        log(f"Gazetteer: {places} places, {names} names")
    hubs = load_hubs(industries)
    hubs += load_online_hubs(industries)
    load_resources()
    created = load_demo_businesses(hubs)
    if created:
        log(f"Demo businesses: {created}")
    moved = regions.reassign_regions()
    log(f"Moved to the region of their point: {moved}")
    for hub in hubs:
        hub.refresh_member_count()
    counts = defaultdict(int)
    for label, model in [
        ("industries", Industry),
        ("places", Place),
        ("regions", Region),
        ("hubs", Hub),
        ("businesses", Business),
        ("memberships", Membership),
        ("resources", Resource),
    ]:
        counts[label] = model.objects.count()
    return SeedReport(counts=dict(counts))
