"""Great-circle geometry on a spherical Earth: distances, bounding boxes and units."""

import math

EARTH_RADIUS_KM = 6371.0088  # The IUGG mean radius.
KM_PER_MILE = 1.609344
MAX_DISTANCE_KM = math.pi * EARTH_RADIUS_KM  # Half a great circle: nothing is farther.


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """The great-circle distance between two points in degrees, in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def bounding_box(
    lat: float, lng: float, radius_km: float
) -> tuple[float, float, list[tuple[float, float]]]:
    """The latitude range and longitude ranges that hold every point within ``radius_km``.

    Returns ``(min_lat, max_lat, lng_ranges)``: one longitude range normally, two when the box
    crosses the antimeridian, and the full circle when it reaches a pole.
    """
    angular = radius_km / EARTH_RADIUS_KM
    min_lat = lat - math.degrees(angular)
    max_lat = lat + math.degrees(angular)
    if min_lat <= -90 or max_lat >= 90 or angular >= math.pi / 2:
        return max(min_lat, -90.0), min(max_lat, 90.0), [(-180.0, 180.0)]
    # The widest longitude span is at the latitude where the circle touches its meridians.
    dlng = math.degrees(math.asin(min(1.0, math.sin(angular) / math.cos(math.radians(lat)))))
    west, east = lng - dlng, lng + dlng
    if west < -180:
        return min_lat, max_lat, [(west + 360, 180.0), (-180.0, east)]
    if east > 180:
        return min_lat, max_lat, [(west, 180.0), (-180.0, east - 360)]
    return min_lat, max_lat, [(west, east)]


def km_to_miles(km: float) -> float:
    return km / KM_PER_MILE


def miles_to_km(miles: float) -> float:
    return miles * KM_PER_MILE


# Countries whose people read road distances in miles.
MILES_COUNTRIES = frozenset({"US", "GB", "LR", "MM", "PR", "GU", "VI", "AS", "MP"})


def round_radius(value: float) -> int:
    """A radius as people say it: 93 -> 100, 149 -> 150, 437 -> 450, 12 -> 10 (never 0)."""
    step = 5 if value < 50 else 25 if value <= 200 else 50
    return max(step, int(step * round(value / step)))


def default_unit(country_code: str | None) -> str:
    return "mi" if country_code in MILES_COUNTRIES else "km"
