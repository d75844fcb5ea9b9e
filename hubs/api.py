"""The public GeoJSON API: parameters checked one by one, then approved hubs as features."""

import math
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.urls import reverse

from hubs import gazetteer, opendata, queries
from hubs.fields import IndustryField, PlaceField
from hubs.models import Hub, Industry, Region, Stage

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
        hubs = queries.hubs_of_industry(self.industry)
        if self.region:
            hubs = hubs.filter(self.region.within_q())
        if self.stage:
            hubs = hubs.filter(stage=self.stage)
        if self.mode:
            hubs = hubs.filter(mode=self.mode)
        return queries.with_coverage(self._found(hubs))

    def _found(self, hubs):
        if self.lat is None:
            return list(hubs.order_by("name")[: self.limit])
        if self.mode == Hub.Mode.ONLINE:  # Those whose coverage holds the point, by name.
            covering = hubs.covering(country=self.country, admin1=self.admin1)
            return list(covering.order_by("name")[: self.limit])
        point = {"lat": self.lat, "lng": self.lng}
        if self.radius_km is not None:
            return list(hubs.within_radius(radius_km=self.radius_km, **point)[: self.limit])
        return hubs.nearest(limit=self.limit, **point)


def hub_features(hubs, request):
    """The features of ``hubs``; each hub's address is built from one reversed URL, not
    reversed again for every hub."""
    before, after = reverse("hubs:hub", args=[_SLUG]).split(_SLUG)
    prefix = request.build_absolute_uri(before)
    return [hub_feature(hub, request, url=f"{prefix}{hub.slug}{after}") for hub in hubs]


_SLUG = "hub-slug"  # A stand-in reversed once, then replaced by each hub's slug.


def hub_feature(hub, request, *, url=None):
    properties = {
        "name": hub.name,
        "slug": hub.slug,
        "url": url or request.build_absolute_uri(hub.get_absolute_url()),
        "industry": hub.industry.code,
        "industry_title": hub.industry.title,
        "stage": hub.stage,
        "members": hub.member_count,
        "mode": hub.mode,
    }
    if hub.is_online:
        properties["coverage"] = opendata.coverage_cell(hub).split(";")
    if getattr(hub, "distance_km", None) is not None:
        properties["distance_km"] = round(hub.distance_km, 2)
    # An online hub without a home base has no place: GeoJSON's null geometry, not a fake one.
    point = hub.point
    geometry = {"type": "Point", "coordinates": [point[1], point[0]]} if point else None
    return {"type": "Feature", "geometry": geometry, "properties": properties}
