"""The reads that pages share: nearest hubs, hub pages, region and industry pages."""

import math
from collections.abc import Iterable
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    Case,
    Exists,
    F,
    FloatField,
    Func,
    Model,
    OuterRef,
    Q,
    QuerySet,
    When,
)
from django.db.models.sql.compiler import SQLCompiler

from hubs import geo
from hubs.models import Business, Hub, Industry, Membership, Region, Resource

# Radii tried in turn when looking for the nearest rows anywhere: each step reads only the
# bounding box of its circle through the coordinate index; the last step reads everything.
WIDENING_RADII_KM = (50, 200, 800, 3200, None)


class Haversine(Func):
    """Kilometres from a fixed point to a row's latitude and longitude, as one SQL expression.

    Written as SQL rather than a tree of Django functions: the tree took longer to compile than
    the query took to run. ``MIN(1, a)`` guards ASIN against rounding just above 1.
    """

    output_field = FloatField()

    def __init__(self, latitude: Any, longitude: Any, *, lat: float, lng: float) -> None:
        super().__init__(latitude, longitude)
        self.origin = (math.radians(float(lat)), math.radians(float(lng)))

    def as_sql(  # type: ignore[override]  # Func's template arguments are not needed here.
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, tuple[Any, ...]]:
        lat_sql, lat_params = compiler.compile(self.source_expressions[0])
        lng_sql, lng_params = compiler.compile(self.source_expressions[1])
        least = "MIN" if connection.vendor == "sqlite" else "LEAST"
        phi, lam = self.origin
        sql = (
            f"(%s * ASIN(SQRT({least}(1.0, POWER(SIN((RADIANS({lat_sql}) - %s) / 2), 2)"
            f" + %s * COS(RADIANS({lat_sql})) * POWER(SIN((RADIANS({lng_sql}) - %s) / 2), 2)))))"
        )
        params = [2 * geo.EARTH_RADIUS_KM, *lat_params, phi, math.cos(phi), *lat_params]
        return sql, (*params, *lng_params, lam)


def with_distance(
    queryset: QuerySet[Any],
    *,
    lat: float,
    lng: float,
    fields: tuple[str, str] = ("latitude", "longitude"),
) -> QuerySet[Any]:
    """Annotate ``distance_km``: the haversine distance from (lat, lng), computed in SQL.

    Typed loosely: django-stubs cannot carry an annotation through a function generic in the
    model, and would reject the ``distance_km`` lookups that follow."""
    lat_field, lng_field = fields
    return queryset.annotate(distance_km=Haversine(F(lat_field), F(lng_field), lat=lat, lng=lng))


def _box_q(
    *, lat: float, lng: float, radius_km: float, fields: tuple[str, str] = ("latitude", "longitude")
) -> Q:
    """A filter for rows inside the bounding box of the circle."""
    lat_field, lng_field = fields
    min_lat, max_lat, lng_ranges = geo.bounding_box(lat, lng, radius_km)
    lng_q = Q()
    for west, east in lng_ranges:
        lng_q |= Q(**{f"{lng_field}__gte": west, f"{lng_field}__lte": east})
    return lng_q & Q(**{f"{lat_field}__gte": min_lat, f"{lat_field}__lte": max_lat})


def within_box[M: Model](
    queryset: QuerySet[M], *, lat: float, lng: float, radius_km: float
) -> QuerySet[M]:
    """Rows inside the bounding box of the circle: a range read on the coordinate index."""
    return queryset.filter(_box_q(lat=lat, lng=lng, radius_km=radius_km))


def within_radius[M: Model](
    queryset: QuerySet[M], *, lat: float, lng: float, radius_km: float
) -> QuerySet[M]:
    """Rows within ``radius_km`` of the point, nearest first, with ``distance_km``."""
    boxed = within_box(queryset, lat=lat, lng=lng, radius_km=radius_km)
    return (
        with_distance(boxed, lat=lat, lng=lng)
        .filter(distance_km__lte=radius_km)
        .order_by("distance_km", "pk")
    )


def nearest[M: Model](queryset: QuerySet[M], *, lat: float, lng: float, limit: int) -> list[M]:
    """The ``limit`` rows nearest the point, widening the box until it holds enough.

    A row found within radius r is certain to be among the nearest only once ``limit`` rows lie
    within r, so each step keeps only rows inside its circle.
    """
    for radius in WIDENING_RADII_KM:
        if radius is None:
            everything = with_distance(queryset, lat=lat, lng=lng).order_by("distance_km", "pk")
            return list(everything[:limit])
        rows = list(within_radius(queryset, lat=lat, lng=lng, radius_km=radius)[:limit])
        if len(rows) == limit:
            return rows
    return rows  # pragma: no cover - the loop always ends on the full read.


def public_hubs() -> QuerySet[Hub]:
    """Approved hubs with what a list or a map shows of them."""
    return Hub.objects.approved().select_related(
        "industry", "region", "region__parent", "region__parent__parent"
    )


def hubs_of_industry(
    industry: Industry | None, *, related: Iterable[Industry] = ()
) -> QuerySet[Hub]:
    """Approved hubs of the industry, of any industry beneath it, and of ``related`` ones
    (those a plain word also names: "software" is both publishers and programmers)."""
    queryset = public_hubs()
    if not industry:
        return queryset
    lineage = industry.lineage_q()
    for other in related:
        lineage |= other.lineage_q()
    return queryset.filter(lineage)


def hubs_named(
    text: str, *, lat: float, lng: float, exclude: Iterable[Hub] = (), limit: int = 5
) -> list[Hub]:
    """Approved hubs whose name holds every word typed ("robotics" finds Pittsburgh Robotics,
    whatever NAICS code the word maps to), nearest first."""
    typed = [w for w in text.split() if len(w) > 2][:6]
    if not typed:
        return []
    named = public_hubs().exclude(pk__in=[h.pk for h in exclude])
    for word in typed:
        named = named.filter(name__icontains=word)
    return list(with_distance(named, lat=lat, lng=lng).order_by("distance_km", "pk")[:limit])


def nearest_hubs(
    *,
    lat: float,
    lng: float,
    industry: Industry | None = None,
    related: Iterable[Industry] = (),
    limit: int = 10,
) -> list[Hub]:
    return nearest(hubs_of_industry(industry, related=related), lat=lat, lng=lng, limit=limit)


def complementary_hubs_near(
    *,
    industry: Industry,
    lat: float,
    lng: float,
    radius_km: float,
    limit: int = 6,
    searched: Iterable[Industry] = (),
) -> list[Hub]:
    """Approved hubs of industries complementary to ``industry``, nearest first, leaving out
    the ``searched`` industries, whose hubs the page lists already."""
    complements = Industry.objects.filter(complements=industry).exclude(
        pk__in=[i.pk for i in searched]
    )
    hubs = public_hubs().filter(industry__in=complements)
    return list(within_radius(hubs, lat=lat, lng=lng, radius_km=radius_km)[:limit])


PUBLIC_POINT = ("public_latitude", "public_longitude")


def with_public_point(businesses: QuerySet[Business]) -> QuerySet[Business]:
    """Annotate the point anyone may see of each business: exact, or its town's centre."""
    return businesses.annotate(
        public_latitude=Case(
            When(location_public=True, then=F("latitude")), default=F("town_latitude")
        ),
        public_longitude=Case(
            When(location_public=True, then=F("longitude")), default=F("town_longitude")
        ),
    )


def businesses_within(
    businesses: QuerySet[Business], *, lat: float, lng: float, radius_km: float
) -> QuerySet[Business]:
    """Businesses whose public point lies within ``radius_km``, nearest first, with
    ``distance_km`` measured to that point.

    Every distance, count or order of businesses that someone other than their owners can see
    goes through here: measured from chosen points to a home business's exact spot, they would
    give its address away (move the point, watch the count change, bisect).
    """
    exact_box = _box_q(lat=lat, lng=lng, radius_km=radius_km)
    town_box = _box_q(
        lat=lat, lng=lng, radius_km=radius_km, fields=("town_latitude", "town_longitude")
    )
    boxed = businesses.filter(
        Q(location_public=True) & exact_box | Q(location_public=False) & town_box
    )
    return (
        with_distance(with_public_point(boxed), lat=lat, lng=lng, fields=PUBLIC_POINT)
        .filter(distance_km__lte=radius_km)
        .order_by("distance_km", "pk")
    )


def unaffiliated_businesses_near(
    *, industry: Industry, lat: float, lng: float, radius_km: float, limit: int = 8
) -> list[Business]:
    """Businesses of the industry near the point that belong to no hub yet."""
    in_a_hub = Membership.objects.active().filter(business=OuterRef("pk"))
    businesses = (
        Business.objects.filter(industry.lineage_q())
        .exclude(Exists(in_a_hub))
        .select_related("industry")
    )
    return list(businesses_within(businesses, lat=lat, lng=lng, radius_km=radius_km)[:limit])


def resources_near(*, lat: float, lng: float, radius_km: float, limit: int = 6) -> list[Resource]:
    """Local resources within ``radius_km``, nearest first."""
    resources = Resource.objects.select_related("region")
    return list(within_radius(resources, lat=lat, lng=lng, radius_km=radius_km)[:limit])


def hub_members(hub: Hub) -> list[Membership]:
    """Active memberships of the hub, organizers first, with their businesses."""
    return list(
        hub.memberships.active()
        .select_related("business", "business__industry")
        .order_by("-role", "business__name")
    )


def region_hubs(region: Region) -> QuerySet[Hub]:
    """Approved hubs in the region or in a region beneath it (two levels at most)."""
    return public_hubs().filter(region.within_q())


def region_businesses(region: Region) -> QuerySet[Business]:
    return Business.objects.filter(region.within_q()).select_related("industry")
