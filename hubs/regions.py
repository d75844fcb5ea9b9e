"""Finding and creating the country > state > metro regions that rows belong to.

A point belongs to the state or province (GeoNames first-order division) of its nearest town,
and to a metro region of that state when one lies within METRO_RADIUS_KM.
"""

from django.db import transaction
from django.utils.text import slugify

from hubs import gazetteer, geo
from hubs.models import Business, Hub, Place, Region, Resource

METRO_RADIUS_KM = 60


def _area_point(kind, country, admin1=""):
    """The centre of the gazetteer's country or state, or None when it has none."""
    source_id = f"{country}.{admin1}" if admin1 else country
    area = Place.objects.filter(kind=kind, source_id=source_id).only("latitude", "longitude")
    found = area.first()
    return found.point if found else None


def _named(name: str, *, parent: Region | None) -> Region | None:
    return Region.objects.filter(name__iexact=name, parent=parent).first()


def _create(name: str, kind: str, *, parent: Region | None, code: str, point: tuple) -> Region:
    slug_base = f"{name} {parent.code or parent.name}" if kind == Region.Kind.STATE else name
    return Region.objects.create(
        name=name,
        kind=kind,
        parent=parent,
        code=code,
        slug=slugify(slug_base)[:150],
        latitude=point[0],
        longitude=point[1],
    )


def get_or_create(
    name: str, kind: str, *, parent: Region | None = None, code: str = "", point: tuple
) -> Region:
    """The region of that name under ``parent`` (whatever its case), else a new one at
    ``point``."""
    return _named(name, parent=parent) or _create(name, kind, parent=parent, code=code, point=point)


# The gazetteer's centre of a country or state is read only when its region is created: every
# registration finds its region, and a region that exists never needs it.


def country(code: str, *, fallback_point: tuple) -> Region:
    """The country region of an ISO code (or of its name, for one entered without its code),
    created at its centre when missing."""
    name = gazetteer.country_name(code)
    region = Region.objects.filter(kind=Region.Kind.COUNTRY, code=code).first()
    region = region or _named(name, parent=None)
    if region is None:
        point = _area_point(Place.Kind.COUNTRY, code) or fallback_point
        region = _create(name, Region.Kind.COUNTRY, parent=None, code=code, point=point)
    return region


def state(country_code: str, admin1: str, *, fallback_point: tuple) -> Region:
    """The state or province region of a GeoNames first-order division ("US", "TX" or
    "NL", "07"), created at its centre when missing. A region already named so (whatever its
    accents: "Baden-Wurttemberg") is the same state."""
    parent = country(country_code, fallback_point=fallback_point)
    name = gazetteer.admin1_name(country_code, admin1)
    key = gazetteer.fold(name)
    for region in Region.objects.filter(kind=Region.Kind.STATE, parent=parent):
        if region.code == admin1 or gazetteer.fold(region.name) == key:
            return region
    found = _named(name, parent=parent)  # Another kind of region may hold the name.
    if found is None:
        point = _area_point(Place.Kind.STATE, country_code, admin1) or fallback_point
        found = _create(name, Region.Kind.STATE, parent=parent, code=admin1, point=point)
    return found


class RegionFinder:
    """The regions of many points, as region_for_point finds one, remembering the towns,
    states, countries and metro areas it has read: an import or a reassignment of thousands of
    rows reads each once. Keep one for a single transaction: regions it created are forgotten
    by the database if that rolls back, not by the finder."""

    def __init__(self):
        self._towns = {}
        self._parents = {}
        self._metros = {}

    def nearest_town(self, *, lat: float, lng: float) -> Place | None:
        if (lat, lng) not in self._towns:
            self._towns[lat, lng] = gazetteer.nearest_city(lat=lat, lng=lng)
        return self._towns[lat, lng]

    def region(self, *, lat: float, lng: float, town: Place | None = None) -> Region:
        """The region of a point; ``town`` is its town when known (a row that names it),
        else the nearest town is looked up."""
        if town is None or town.kind != Place.Kind.CITY:
            town = self.nearest_town(lat=lat, lng=lng)
        if town is None:
            return Region.objects.nearest(lat=lat, lng=lng, limit=1)[0]
        parent = self._parent(town, point=(lat, lng))
        if parent.pk not in self._metros:
            self._metros[parent.pk] = list(
                Region.objects.filter(kind=Region.Kind.METRO, parent=parent).order_by("pk")
            )
        metros = [
            (geo.haversine_km(lat, lng, metro.latitude, metro.longitude), metro.pk, metro)
            for metro in self._metros[parent.pk]
        ]
        near = [entry for entry in metros if entry[0] <= METRO_RADIUS_KM]
        return min(near, key=lambda entry: entry[:2])[2] if near else parent

    def _parent(self, town, *, point):
        key = (town.country, town.admin1)
        if key not in self._parents:
            if key in gazetteer.admin1_names():
                self._parents[key] = state(town.country, town.admin1, fallback_point=point)
            else:
                self._parents[key] = country(town.country, fallback_point=point)
        return self._parents[key]


def region_for_point(*, lat: float, lng: float) -> Region:
    """The region of a point: a metro area nearby in the state of its nearest town, else that
    state (or the country, for a town without one), created from the gazetteer when missing."""
    return RegionFinder().region(lat=lat, lng=lng)


def _region_point(row):
    # A business's region is its town's, as services.business_locate sets it.
    if isinstance(row, Business):
        return row.town_latitude, row.town_longitude
    return row.latitude, row.longitude


@transaction.atomic
def reassign_regions(*, dry_run: bool = False) -> dict[str, int]:
    """Move every hub, business and resource to the region of its point; returns how many
    rows of each moved. A hub whose name is taken in its new region stays where it is."""
    moved, finder = {}, RegionFinder()
    for model in (Hub, Business, Resource):
        count = 0
        # An online hub without a home base has no point, and so no region to move to.
        for row in model.objects.with_point().select_related("region"):
            lat, lng = _region_point(row)
            region = finder.region(lat=lat, lng=lng)
            if region == row.region or (row.region and row.region.parent_id == region.pk):
                continue  # Already there, or in a metro of that state chosen by hand.
            if isinstance(row, Hub) and (
                Hub.objects.filter(industry=row.industry_id, region=region, name__iexact=row.name)
                .exclude(pk=row.pk)
                .exists()
            ):
                continue
            count += 1
            if not dry_run:
                model.objects.filter(pk=row.pk).update(region=region)
        moved[model._meta.verbose_name_plural] = count
    if dry_run:
        transaction.set_rollback(True)  # Regions created on the way are not kept.
    return moved
