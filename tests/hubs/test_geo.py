"""Great-circle geometry, checked against an independent vector formula; no database needed."""

import math
import random

import pytest

from hubs import geo

RADIUS_KM = 6371.0088


def _unit_vector(lat, lng):
    phi, lam = math.radians(lat), math.radians(lng)
    return (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))


def vector_distance_km(lat1, lng1, lat2, lng2):
    """The angle between the two points' unit vectors (atan2 of |u x v| and u . v) times R.

    Independent of the haversine and accurate at every distance, short or antipodal.
    """
    u, v = _unit_vector(lat1, lng1), _unit_vector(lat2, lng2)
    cross = (
        u[1] * v[2] - u[2] * v[1],
        u[2] * v[0] - u[0] * v[2],
        u[0] * v[1] - u[1] * v[0],
    )
    dot = sum(a * b for a, b in zip(u, v, strict=True))
    return RADIUS_KM * math.atan2(math.hypot(*cross), dot)


def destination(lat, lng, bearing_deg, distance_km):
    """The point reached by going ``distance_km`` from (lat, lng) on the initial bearing."""
    phi1, lam1 = math.radians(lat), math.radians(lng)
    theta, delta = math.radians(bearing_deg), distance_km / RADIUS_KM
    phi2 = math.asin(
        math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * math.cos(theta)
    )
    lam2 = lam1 + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi1),
        math.cos(delta) - math.sin(phi1) * math.sin(phi2),
    )
    lng2 = (math.degrees(lam2) + 180) % 360 - 180
    return math.degrees(phi2), lng2


def in_box(box, lat, lng):
    min_lat, max_lat, lng_ranges = box
    return min_lat <= lat <= max_lat and any(west <= lng <= east for west, east in lng_ranges)


PAIRS = {
    "fiji across the antimeridian": ((-17.8, 178.4), (-17.8, -178.5)),
    "suva to taveuni": ((-18.1416, 178.4415), (-16.8500, -179.9500)),
    "aleutians attu to adak": ((52.93, 172.90), (51.88, -176.66)),
    "across the north pole": ((89.9, 0.0), (89.9, 180.0)),
    "near the south pole": ((-89.99, 45.0), (-89.5, -135.0)),
    "north pole to equator": ((90.0, 0.0), (0.0, 77.0)),
    "north-east: tokyo to seoul": ((35.6762, 139.6503), (37.5665, 126.9780)),
    "north-west: new york to ogden": ((40.7128, -74.0060), (41.2230, -111.9738)),
    "south-east: sydney to perth": ((-33.8688, 151.2093), (-31.9505, 115.8605)),
    "south-west: buenos aires to santiago": ((-34.6037, -58.3816), (-33.4489, -70.6693)),
    "across the equator and greenwich": ((51.4779, -0.0015), (-33.9249, 18.4241)),
    "one metre apart": ((41.2230, -111.9738), (41.223009, -111.9738)),
    "antipodes": ((0.0, 0.0), (0.0, 180.0)),
    "antipodes off the equator": ((45.0, 10.0), (-45.0, -170.0)),
}


@pytest.mark.parametrize(("a", "b"), PAIRS.values(), ids=PAIRS.keys())
def test_haversine_km_matches_vector_formula(a, b):
    expected = vector_distance_km(*a, *b)

    assert geo.haversine_km(*a, *b) == pytest.approx(expected, abs=0.01)
    assert geo.haversine_km(*b, *a) == pytest.approx(expected, abs=0.01)


def test_haversine_km_crosses_the_antimeridian_the_short_way():
    distance = geo.haversine_km(-17.8, 178.4, -17.8, -178.5)

    # 3.1 degrees of longitude at 17.8 S, not the 356.9 degrees the other way round.
    assert distance == pytest.approx(328.3, abs=0.5)


def test_haversine_km_over_the_pole_is_the_meridian_arc():
    distance = geo.haversine_km(89.9, 0.0, 89.9, 180.0)

    assert distance == pytest.approx(RADIUS_KM * math.radians(0.2), abs=1e-6)


def test_haversine_km_antipodes_is_half_a_great_circle():
    assert geo.haversine_km(0.0, 0.0, 0.0, 180.0) == pytest.approx(geo.MAX_DISTANCE_KM, abs=1e-6)
    assert pytest.approx(math.pi * RADIUS_KM) == geo.MAX_DISTANCE_KM


@pytest.mark.parametrize(
    "point",
    [
        (0.0, 0.0),
        (90.0, 0.0),
        (-90.0, 123.0),
        (41.223, -111.97383),
        (-17.8, 180.0),
        (-33.9, -180.0),
    ],
)
def test_haversine_km_point_to_itself_is_zero(point):
    assert geo.haversine_km(*point, *point) == 0.0


def test_haversine_km_random_pairs_match_vector_formula():
    rng = random.Random(6371)
    for _ in range(2000):
        a = (rng.uniform(-90, 90), rng.uniform(-180, 180))
        b = (rng.uniform(-90, 90), rng.uniform(-180, 180))

        assert geo.haversine_km(*a, *b) == pytest.approx(vector_distance_km(*a, *b), abs=0.01)


def test_bounding_box_of_an_ordinary_point_is_one_range():
    degrees = math.degrees(100 / RADIUS_KM)
    half_width = math.degrees(math.asin(math.sin(100 / RADIUS_KM) / math.cos(math.radians(41.2))))

    min_lat, max_lat, lng_ranges = geo.bounding_box(41.2, -111.9, 100)

    assert min_lat == pytest.approx(41.2 - degrees)
    assert max_lat == pytest.approx(41.2 + degrees)
    assert len(lng_ranges) == 1
    assert lng_ranges[0] == pytest.approx((-111.9 - half_width, -111.9 + half_width))


def test_bounding_box_splits_at_the_antimeridian_going_east():
    half_width = math.degrees(50 / RADIUS_KM)  # On the equator the width is the arc itself.

    _, _, lng_ranges = geo.bounding_box(0.0, 179.9, 50)

    assert len(lng_ranges) == 2
    assert lng_ranges[0] == pytest.approx((179.9 - half_width, 180.0))
    assert lng_ranges[1] == pytest.approx((-180.0, 179.9 + half_width - 360))


def test_bounding_box_splits_at_the_antimeridian_going_west():
    half_width = math.degrees(50 / RADIUS_KM)

    _, _, lng_ranges = geo.bounding_box(0.0, -179.9, 50)

    assert len(lng_ranges) == 2
    assert lng_ranges[0] == pytest.approx((-179.9 - half_width + 360, 180.0))
    assert lng_ranges[1] == pytest.approx((-180.0, -179.9 + half_width))


@pytest.mark.parametrize(("lat", "pole"), [(89.8, 90.0), (-89.8, -90.0), (90.0, 90.0)])
def test_bounding_box_reaching_a_pole_covers_every_longitude(lat, pole):
    min_lat, max_lat, lng_ranges = geo.bounding_box(lat, 10.0, 50)

    assert lng_ranges == [(-180.0, 180.0)]
    assert (max_lat if pole > 0 else min_lat) == pole


def test_bounding_box_wider_than_a_hemisphere_covers_everything():
    assert geo.bounding_box(0.0, 0.0, 15000) == (-90.0, 90.0, [(-180.0, 180.0)])


def _random_centre(rng):
    kind = rng.randrange(4)
    if kind == 0:  # Anywhere.
        return rng.uniform(-90, 90), rng.uniform(-180, 180)
    if kind == 1:  # Near a pole.
        return rng.choice([1, -1]) * rng.uniform(80, 90), rng.uniform(-180, 180)
    if kind == 2:  # Near the antimeridian.
        return rng.uniform(-80, 80), rng.choice([1, -1]) * rng.uniform(175, 180)
    return rng.uniform(-5, 5), rng.uniform(-180, 180)  # Near the equator.


def test_bounding_box_holds_every_point_within_the_radius():
    rng = random.Random(2022)
    checked = 0
    for _ in range(3000):
        lat, lng = _random_centre(rng)
        radius = rng.choice([0.5, 5, 50, 150, 800, 3200, 9000])
        box = geo.bounding_box(lat, lng, radius)
        for _ in range(10):
            point = destination(lat, lng, rng.uniform(0, 360), radius * rng.random())
            assert vector_distance_km(lat, lng, *point) <= radius + 1e-6

            assert in_box(box, *point), (lat, lng, radius, point, box)
            checked += 1

    assert checked == 30000


def test_bounding_box_holds_points_on_its_widest_bearings():
    """East and west at the full radius: where the box is tightest in longitude."""
    for lat in (-85.0, -60.0, -1.0, 0.0, 30.0, 70.0, 88.0):
        for lng in (-179.99, -90.0, 0.0, 179.99):
            for radius in (10, 300, 2000):
                box = geo.bounding_box(lat, lng, radius)
                for bearing in range(0, 360, 5):
                    point = destination(lat, lng, bearing, radius * 0.999999)

                    assert in_box(box, *point), (lat, lng, radius, bearing, point, box)


def test_km_and_miles_convert_both_ways():
    assert geo.km_to_miles(1.609344) == pytest.approx(1.0)
    assert geo.miles_to_km(100) == pytest.approx(160.9344)
    assert geo.km_to_miles(geo.miles_to_km(93.2)) == pytest.approx(93.2)


@pytest.mark.parametrize(
    ("country", "unit"), [("US", "mi"), ("GB", "mi"), ("DE", "km"), ("CA", "km"), ("", "km")]
)
def test_default_unit_follows_the_country(country, unit):
    assert geo.default_unit(country) == unit


@pytest.mark.parametrize(
    ("value", "expected"),
    [(93.2, 100), (150, 150), (149.0, 150), (437, 450), (12, 10), (1, 5), (1000, 1000)],
)
def test_round_radius_gives_the_round_number_people_say(value, expected):
    assert geo.round_radius(value) == expected
