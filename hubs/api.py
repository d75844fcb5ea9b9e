"""The public GeoJSON API: parameters checked one by one, then approved hubs as features."""

import math
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.urls import reverse

from hubs import gazetteer, opendata, queries, tallies
from hubs.fields import IndustryField, PlaceField
from hubs.models import Hub, Industry, Region, Stage
from hubs.models.base import READ_ALL_AT_MOST

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_RADIUS_KM = 20038  # Half the Earth's circumference: every point is within it.


def _bad(parameter, message):
    return {"error": message, "parameter": parameter}


def _number(query, name, low, high):
    """(value, error) for an optional number parameter within [low, high]."""
    raw = query.get(name)
    if raw is None or raw == "":
        return None, None
    try:
        value = float(raw)
    except ValueError:
        return None, _bad(name, f"{name} must be a number.")
    if not math.isfinite(value) or not low <= value <= high:
        return None, _bad(name, f"{name} must be between {low} and {high}.")
    return value, None


@dataclass
class GeoJSONParams:
    industry: Industry | None = None
    region: Region | None = None
    stage: str = ""
    mode: str = ""
    lat: float | None = None
    lng: float | None = None
    radius_km: float | None = None
    limit: int = DEFAULT_LIMIT
    error: dict | None = None
    # Where the point lies, for online hubs' coverage: ISO country and GeoNames state codes.
    country: str = ""
    admin1: str = ""

    @classmethod
    def from_query(cls, query):  # noqa: C901 - one check a parameter reads best in a row.
        params = cls()
        for name, value in query.items():
            if "\x00" in value:  # PostgreSQL cannot even compare text holding one
                return cls(error=_bad(name, f"{name} must not hold a NUL character."))
        industry = query.get("industry", "").strip()
        if industry:
            try:  # a slug, a code or words, through the site's one matcher
                params.industry = IndustryField(strict=True).clean(industry)
            except ValidationError as error:
                return cls(error=_bad("industry", error.messages[0]))
        region = query.get("region", "").strip()
        if region:
            params.region = Region.objects.filter(slug=region).first()
            if params.region is None:
                return cls(error=_bad("region", f"Unknown region {region!r}."))
        params.stage = query.get("stage", "").strip()
        if params.stage and params.stage not in Stage.values:
            return cls(error=_bad("stage", f"stage must be one of {', '.join(Stage.values)}."))
        params.mode = query.get("mode", "").strip()
        if params.mode and params.mode not in Hub.Mode.values:
            return cls(error=_bad("mode", f"mode must be one of {', '.join(Hub.Mode.values)}."))
        raw_limit = query.get("limit", "")
        if raw_limit:
            if (
                not (raw_limit.isascii() and raw_limit.isdigit())
                or not 1 <= int(raw_limit) <= MAX_LIMIT
            ):
                return cls(
                    error=_bad("limit", f"limit must be a whole number from 1 to {MAX_LIMIT}.")
                )
            params.limit = int(raw_limit)
        params.radius_km, error = _number(query, "radius_km", 0, MAX_RADIUS_KM)
        if error:
            return cls(error=error)
        lat, error = _number(query, "lat", -90, 90)
        if error:
            return cls(error=error)
        lng, error = _number(query, "lng", -180, 180)
        if error:
            return cls(error=error)
        near = query.get("near", "").strip()
        if (lat is None) != (lng is None):
            return cls(error=_bad("lat" if lat is None else "lng", "Give both lat and lng."))
        if near and lat is None:
            try:
                resolution = PlaceField(suggestions_in_message=False).clean(near)
            except ValidationError as error:
                return cls(error=_bad("near", error.messages[0]))
            lat, lng = resolution.latitude, resolution.longitude
            params.country, params.admin1 = resolution.country, resolution.admin1
        elif lat is not None and lng is not None and params.mode == Hub.Mode.ONLINE:
            # Which online hubs cover a point depends on the country and state it lies in.
            town = gazetteer.name_position(PlaceField.position(lat, lng))
            params.country, params.admin1 = town.country, town.admin1
        if params.radius_km is not None and lat is None:
            return cls(error=_bad("radius_km", "radius_km needs near, or lat and lng."))
        if params.radius_km is not None and params.mode == Hub.Mode.ONLINE:
            return cls(error=_bad("radius_km", "Online hubs have no distance: leave radius_km."))
        params.lat, params.lng = lat, lng
        return params

    def hubs(self):
        """The hubs asked for, as rows of what a feature shows (no model is built)."""
        hubs = queries.hubs_of_industry(self.industry)
        if self.region:
            hubs = hubs.filter(self.region.within_q())
        if self.stage:
            hubs = hubs.filter(stage=self.stage)
        if self.mode:
            hubs = hubs.filter(mode=self.mode)
        return _with_coverage(self._found(hubs.values(*FEATURE_FIELDS)))

    def _found(self, hubs):
        if self.lat is None:
            return list(hubs.order_by("name")[: self.limit])
        if self.mode == Hub.Mode.ONLINE:  # Those whose coverage holds the point, by name.
            covering = hubs.covering(country=self.country, admin1=self.admin1)
            return list(covering.order_by("name")[: self.limit])
        point = {"lat": self.lat, "lng": self.lng}
        if self.radius_km is not None:
            return list(hubs.within_radius(radius_km=self.radius_km, **point)[: self.limit])
        if self._few_hubs():
            # Measuring them all is one statement, where the widening boxes of ``nearest``
            # could take five. The rows are the same: that is ``nearest``'s last step.
            return list(hubs.nearest_first(**point)[: self.limit])
        return hubs.nearest(limit=self.limit, **point)

    def _few_hubs(self):
        """Whether the industry's approved hubs (of the mode asked, else of both), an upper
        bound of those that match, are at most ``READ_ALL_AT_MOST``: counted once per directory
        version (``tallies``), so knowing it costs no statement. Unknown when the cache is
        down: then not few."""
        counted = tallies.current()
        if counted is None:
            return False
        modes = [self.mode] if self.mode else Hub.Mode.values
        hubs = sum(counted.approved_hubs([self.industry], mode=mode) for mode in modes)
        return hubs <= READ_ALL_AT_MOST


# What a feature shows of a hub, read as plain rows: building models cost more than the SQL.
FEATURE_FIELDS = (
    "pk",
    "name",
    "slug",
    "industry__code",
    "industry__title",
    "stage",
    "member_count",
    "mode",
    "covers_worldwide",
    "latitude",
    "longitude",
)


def _with_coverage(rows):
    """``rows``, each online hub's given its ``coverage`` (region slugs in the order of their
    names, as a hub's ``covered_regions``): one query, none if all meet in person."""
    covering = [row["pk"] for row in rows if _is_online(row) and not row["covers_worldwide"]]
    slugs = {pk: [] for pk in covering}
    if covering:
        through = Hub.covered_regions.through.objects.filter(hub_id__in=covering)
        for hub_id, slug in through.order_by("region__name").values_list("hub_id", "region__slug"):
            slugs[hub_id].append(slug)
    for row in rows:
        if _is_online(row):
            # An online hub covering nothing reads [""], as the open-data cell "" splits.
            row["coverage"] = ["worldwide"] if row["covers_worldwide"] else slugs[row["pk"]] or [""]
    return rows


def _is_online(row):
    return row["mode"] == Hub.Mode.ONLINE


def _row(hub):
    """A hub model as the row a feature is built from (the open-data file reads models)."""
    row = {
        "name": hub.name,
        "slug": hub.slug,
        "industry__code": hub.industry.code,
        "industry__title": hub.industry.title,
        "stage": hub.stage,
        "member_count": hub.member_count,
        "mode": hub.mode,
        "latitude": hub.latitude,
        "longitude": hub.longitude,
        "distance_km": getattr(hub, "distance_km", None),
    }
    if hub.is_online:
        row["coverage"] = opendata.coverage_cell(hub).split(";")
    return row


def hub_features(hubs, request):
    """The features of hub models (the open-data file)."""
    return row_features((_row(hub) for hub in hubs), request)


def row_features(rows, request):
    """The features of ``rows`` (``GeoJSONParams.hubs``); each hub's address is built from one
    reversed URL, not reversed again for every hub."""
    before, after = reverse("hubs:hub", args=[_SLUG]).split(_SLUG)
    prefix = request.build_absolute_uri(before)
    return [_feature(row, url=f"{prefix}{row['slug']}{after}") for row in rows]


_SLUG = "hub-slug"  # A stand-in reversed once, then replaced by each hub's slug.


def _feature(row, *, url):
    properties = {
        "name": row["name"],
        "slug": row["slug"],
        "url": url,
        "industry": row["industry__code"],
        "industry_title": row["industry__title"],
        "stage": row["stage"],
        "members": row["member_count"],
        "mode": row["mode"],
    }
    if "coverage" in row:
        properties["coverage"] = row["coverage"]
    if row.get("distance_km") is not None:
        properties["distance_km"] = round(row["distance_km"], 2)
    # An online hub without a home base has no place: GeoJSON's null geometry, not a fake one.
    lat, lng = row["latitude"], row["longitude"]
    point = lat is not None and lng is not None
    geometry = {"type": "Point", "coordinates": [lng, lat]} if point else None
    return {"type": "Feature", "geometry": geometry, "properties": properties}
