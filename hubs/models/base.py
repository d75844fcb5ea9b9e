"""What every located row shares: two coordinate columns with checks and an index, the reads
that measure distance to them (``LocatedQuerySet``), and slugs."""

import math
from collections.abc import Iterable
from typing import Any, Self

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Func
from django.db.models.sql.compiler import SQLCompiler
from django.utils.text import slugify

from hubs import geo

# Radii tried in turn when looking for the nearest rows anywhere: each step reads only the
# bounding box of its circle through the coordinate index; after the last, everything is read.
WIDENING_RADII_KM = (50, 200, 800, 3200)
# Rows few enough that measuring them all in one read costs less than boxes widening: a caller
# that knows its rows number no more (hubs/tallies.py) reads them so.
READ_ALL_AT_MOST = 200


def unique_slug(
    model: type[models.Model], text: str, *, max_length: int = 80, exclude_pk: int | None = None
) -> str:
    """A slug for ``text`` not yet used by ``model``: "name", then "name-2", "name-3"..."""
    base = slugify(text)[: max_length - 6].strip("-") or "item"
    taken = set(
        model._default_manager.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


class Haversine(Func):
    """Kilometres from a fixed point to a row's latitude and longitude, as one SQL expression.

    Written as SQL rather than a tree of Django functions: the tree took longer to compile than
    the query took to run. ``MIN(1, a)`` guards ASIN against rounding just above 1.
    """

    output_field = models.FloatField()

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
        # A row with no point (an online hub without a home base) has no distance. SQLite's MIN
        # already gives NULL there, but PostgreSQL's LEAST skips a NULL and would answer half the
        # Earth's circumference, hence the explicit guard.
        sql = (
            f"CASE WHEN {lat_sql} IS NULL OR {lng_sql} IS NULL THEN NULL ELSE"
            f" (%s * ASIN(SQRT({least}(1.0, POWER(SIN((RADIANS({lat_sql}) - %s) / 2), 2)"
            f" + %s * COS(RADIANS({lat_sql})) * POWER(SIN((RADIANS({lng_sql}) - %s) / 2), 2)))))"
            " END"
        )
        params = [
            *lat_params,
            *lng_params,
            2 * geo.EARTH_RADIUS_KM,
            *lat_params,
            phi,
            math.cos(phi),
            *lat_params,
        ]
        return sql, (*params, *lng_params, lam)


def box_q(
    *, lat: float, lng: float, radius_km: float, fields: tuple[str, str] = ("latitude", "longitude")
) -> models.Q:
    """A filter for rows whose ``fields`` lie inside the bounding box of the circle."""
    lat_field, lng_field = fields
    min_lat, max_lat, lng_ranges = geo.bounding_box(lat, lng, radius_km)
    lng_q = models.Q()
    for west, east in lng_ranges:
        lng_q |= models.Q(**{f"{lng_field}__gte": west, f"{lng_field}__lte": east})
    return lng_q & models.Q(**{f"{lat_field}__gte": min_lat, f"{lat_field}__lte": max_lat})


class LocatedQuerySet[M: models.Model](models.QuerySet[M]):
    """Distance, box, radius and nearest: the one place the site measures where rows lie.

    A model whose visitors may not see its stored point (a business at a private address)
    overrides ``public_point_expressions`` and ``public_box_q``, and every read below then
    measures to the point anyone may see: no caller can get it wrong.
    """

    def public_point_expressions(self) -> tuple[Any, Any]:
        """The SQL for the latitude and longitude that distances are measured to."""
        return models.F("latitude"), models.F("longitude")

    def public_box_q(self, *, lat: float, lng: float, radius_km: float) -> models.Q:
        """Rows whose public point lies in the circle's bounding box, as index range reads."""
        return box_q(lat=lat, lng=lng, radius_km=radius_km)

    def with_point(self) -> Self:
        """Rows that have a point. A model may make its point optional (an online hub may have
        no home base); such rows are never measured, boxed or counted among the nearest."""
        if not self.model._meta.get_field("latitude").null:
            return self  # Every row has one: no filter to pay for.
        return self.filter(latitude__isnull=False, longitude__isnull=False)

    def with_distance(self, *, lat: float, lng: float) -> Self:
        """Annotate ``distance_km``: the great-circle distance from (lat, lng), in SQL."""
        latitude, longitude = self.public_point_expressions()
        return self.annotate(distance_km=Haversine(latitude, longitude, lat=lat, lng=lng))

    def nearest_first(self, *, lat: float, lng: float) -> Self:
        """Every row that has a point, with ``distance_km``, nearest first (ties by primary
        key)."""
        return self.with_point().with_distance(lat=lat, lng=lng).order_by("distance_km", "pk")

    def keyed(self) -> "models.QuerySet[M, tuple[Any, float]]":
        """Only each row's primary key and ``distance_km`` (set by ``with_distance``): the
        light first read of a list whose rows are then read once, in full."""
        return self.values_list("pk", "distance_km")

    def within_box(self, *, lat: float, lng: float, radius_km: float) -> Self:
        """Rows inside the bounding box of the circle: a range read on the coordinate index
        (a row without a point is in no box)."""
        return self.filter(self.public_box_q(lat=lat, lng=lng, radius_km=radius_km))

    def within_radius(self, *, lat: float, lng: float, radius_km: float) -> Self:
        """Rows within ``radius_km`` of the point, nearest first, with ``distance_km``."""
        # One filter for the box and the circle (each filter() copies the query): a row in the
        # box has a point, so no test for one is needed.
        measured = self.with_distance(lat=lat, lng=lng)
        box = self.public_box_q(lat=lat, lng=lng, radius_km=radius_km)
        within = measured.filter(box, distance_km__lte=radius_km)
        return within.order_by("distance_km", "pk")

    def _widening(
        self, *, lat: float, lng: float, limit: int, empty_within_km: float, keys: bool = False
    ) -> Any:
        """The ``limit`` rows nearest the point (or their ``keyed`` keys and distances), read
        by widening the box until it holds enough.

        A row found within radius r is certain to be among the nearest only once ``limit`` rows
        lie within r, so each step keeps only rows inside its circle; the last reads everything.
        A caller that knows no row lies within ``empty_within_km`` skips the steps inside it.
        """
        for radius in WIDENING_RADII_KM:
            if radius <= empty_within_km:
                continue  # Its circle holds no row: reading it would find fewer than ``limit``.
            within = self.within_radius(lat=lat, lng=lng, radius_km=radius)
            found = list((within.keyed() if keys else within)[:limit])
            if len(found) == limit:
                return found
        everything = self.nearest_first(lat=lat, lng=lng)
        return list((everything.keyed() if keys else everything)[:limit])

    def nearest(self, *, lat: float, lng: float, limit: int, empty_within_km: float = 0) -> list[M]:
        """The ``limit`` rows nearest the point, nearest first, with ``distance_km``, widening
        the box until it holds enough."""
        return self._widening(lat=lat, lng=lng, limit=limit, empty_within_km=empty_within_km)

    def nearest_keys(
        self, *, lat: float, lng: float, limit: int, empty_within_km: float = 0
    ) -> list[tuple[Any, float]]:
        """The primary keys and distances of the ``limit`` rows nearest the point, nearest
        first: each step of the widening box reads two columns, no joins, no annotation a
        caller added for its pages."""
        return self._widening(
            lat=lat, lng=lng, limit=limit, empty_within_km=empty_within_km, keys=True
        )

    def smallest_radius_holding(
        self, count: int, *, lat: float, lng: float, radii: Iterable[int]
    ) -> int | None:
        """The first of ``radii`` whose circle holds at least ``count`` rows, or None.

        Each probe reads at most ``count`` rows of one box, never the whole table."""
        for radius in radii:
            probe = self.within_radius(lat=lat, lng=lng, radius_km=radius).values("pk")[:count]
            if len(probe) == count:
                return radius
        return None


class Located(models.Model):
    """A point as two plain numeric columns, so no GIS library is needed."""

    latitude = models.FloatField()
    longitude = models.FloatField()
    # Kilometres from a searched point, on rows read through ``with_distance``.
    distance_km: float | None

    objects = LocatedQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90),
                name="%(app_label)s_%(class)s_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__gte=-180, longitude__lte=180),
                name="%(app_label)s_%(class)s_longitude_range",
            ),
        ]
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="%(app_label)s_%(class)s_latlng"),
        ]

    @property
    def point(self) -> tuple[float, float]:
        return (self.latitude, self.longitude)
