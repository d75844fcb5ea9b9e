"""The shared reads: distances computed in SQL, nearest hubs, industry lineage, neighbours."""

import random

import pytest

from hubs import geo, queries, search, tallies, vocabulary
from hubs.models import Business, Hub, Industry, Membership, Region
from hubs.models.base import WIDENING_RADII_KM
from tests.factories import (
    make_business,
    make_hub,
    make_industry,
    make_membership,
    make_region,
    make_resource,
)

pytestmark = pytest.mark.django_db

POINTS = {
    "ogden": (41.223, -111.97383),
    "fiji, east of the antimeridian": (-17.8, -178.5),
    "near the north pole": (89.9, 0.0),
    "near the south pole": (-89.95, 120.0),
    "null island": (0.0, 0.0),
    "west of the antimeridian": (-60.0, 179.99),
}


def brute_force(hubs, lat, lng):
    """Hubs sorted by the Python haversine, nearest first (ties by pk, like the queries)."""
    return sorted(hubs, key=lambda h: (geo.haversine_km(lat, lng, h.latitude, h.longitude), h.pk))


def names(rows):
    return [row.name for row in rows]


@pytest.fixture
def scattered():
    """40 approved hubs of one new industry spread over the globe, poles and antimeridian too."""
    industry = make_industry()
    rng = random.Random(40)
    spots = [(89.7, 10.0), (-89.8, -60.0), (0.0, 179.9), (0.0, -179.95), (-17.9, 178.6)]
    spots += [(rng.uniform(-85, 85), rng.uniform(-180, 180)) for _ in range(35)]
    for n, (lat, lng) in enumerate(spots):
        make_hub(name=f"Scattered {n:02d}", industry=industry, latitude=lat, longitude=lng)
    vocabulary.vocabulary()  # The industry index, built once per process, holds the new one.
    return industry


@pytest.mark.parametrize("point", POINTS.values(), ids=POINTS.keys())
def test_with_distance_matches_haversine_for_every_hub(point, scattered):
    lat, lng = point

    rows = list(Hub.objects.with_distance(lat=lat, lng=lng))

    assert len(rows) == Hub.objects.count()
    for hub in rows:
        if hub.point is None:  # An online hub without a home base is at no distance.
            assert hub.distance_km is None, hub.name
            continue
        expected = geo.haversine_km(lat, lng, hub.latitude, hub.longitude)
        assert hub.distance_km == pytest.approx(expected, abs=0.01), hub.name


@pytest.mark.parametrize("point", POINTS.values(), ids=POINTS.keys())
@pytest.mark.parametrize("radius_km", [30, 500, 3000, 12000])
def test_within_radius_is_exactly_the_hubs_in_the_circle_nearest_first(point, radius_km, scattered):
    lat, lng = point
    hubs = Hub.objects.filter(industry=scattered)
    expected = [
        h
        for h in brute_force(hubs, lat, lng)
        if geo.haversine_km(lat, lng, h.latitude, h.longitude) <= radius_km
    ]

    found = list(hubs.within_radius(lat=lat, lng=lng, radius_km=radius_km))

    assert names(found) == names(expected)
    for hub in found:
        expected_km = geo.haversine_km(lat, lng, hub.latitude, hub.longitude)
        assert hub.distance_km == pytest.approx(expected_km, abs=0.01)


@pytest.mark.parametrize("point", POINTS.values(), ids=POINTS.keys())
@pytest.mark.parametrize("limit", [1, 3, 7, 40, 60])
def test_nearest_returns_the_true_k_nearest(point, limit, scattered, django_assert_max_num_queries):
    lat, lng = point
    expected = brute_force(Hub.objects.filter(industry=scattered), lat, lng)[:limit]

    with django_assert_max_num_queries(len(WIDENING_RADII_KM) + 1):
        found = queries.hubs_of_industry(scattered).nearest(lat=lat, lng=lng, limit=limit)

    assert names(found) == names(expected)


def test_nearest_widens_past_a_first_box_holding_fewer_than_k():
    industry = make_industry()
    lat, lng = -45.0, -140.0
    for name, north_km in [("A", 10), ("B", 40), ("C", 120), ("D", 700), ("E", 2500), ("F", 9000)]:
        target_lat = lat + north_km / geo.EARTH_RADIUS_KM * 57.29577951308232
        make_hub(name=name, industry=industry, latitude=target_lat, longitude=lng)

    found = queries.hubs_of_industry(industry).nearest(lat=lat, lng=lng, limit=4)

    assert names(found) == ["A", "B", "C", "D"]
    assert [round(h.distance_km) for h in found] == [10, 40, 120, 700]


@pytest.mark.parametrize("point", POINTS.values(), ids=POINTS.keys())
@pytest.mark.parametrize("empty_km", [30, 200, 1000])
def test_nearest_skipping_a_circle_known_empty_finds_the_same_hubs_in_fewer_reads(
    point, empty_km, scattered, django_assert_max_num_queries
):
    lat, lng = point
    hubs = queries.hubs_of_industry(scattered)
    if hubs.within_radius(lat=lat, lng=lng, radius_km=empty_km).exists():
        pytest.skip("a hub lies within the circle")
    expected = brute_force(Hub.objects.filter(industry=scattered), lat, lng)[:5]
    skipped = sum(radius <= empty_km for radius in WIDENING_RADII_KM)

    with django_assert_max_num_queries(len(WIDENING_RADII_KM) + 1 - skipped):
        found = hubs.nearest(lat=lat, lng=lng, limit=5, empty_within_km=empty_km)

    assert names(found) == names(expected)


def test_nearest_hub_exactly_at_the_point_is_first_at_distance_zero():
    industry = make_industry()
    make_hub(name="Next Door", industry=industry, latitude=-45.001, longitude=-140.0)
    make_hub(name="Right Here", industry=industry, latitude=-45.0, longitude=-140.0)

    found = queries.hubs_of_industry(industry).nearest(lat=-45.0, lng=-140.0, limit=2)

    assert names(found) == ["Right Here", "Next Door"]
    assert found[0].distance_km == 0.0


def test_nearest_crosses_the_antimeridian():
    industry = make_industry()
    make_hub(name="West Of The Line", industry=industry, latitude=0.0, longitude=179.9)
    make_hub(name="Same Side", industry=industry, latitude=0.0, longitude=-179.0)

    found = queries.hubs_of_industry(industry).nearest(lat=0.0, lng=-179.9, limit=2)

    assert names(found) == ["West Of The Line", "Same Side"]
    assert found[0].distance_km == pytest.approx(geo.haversine_km(0, -179.9, 0, 179.9), abs=0.01)
    assert found[0].distance_km == pytest.approx(22.24, abs=0.01)


def test_within_radius_crosses_the_antimeridian():
    industry = make_industry()
    make_hub(name="Taveuni", industry=industry, latitude=-16.85, longitude=-179.95)
    make_hub(name="Suva", industry=industry, latitude=-18.14, longitude=178.44)

    found = queries.hubs_of_industry(industry).within_radius(lat=-17.8, lng=-179.99, radius_km=250)

    assert names(found) == ["Taveuni", "Suva"]


def test_nearest_near_the_north_pole_reaches_across_it():
    industry = make_industry()
    make_hub(name="Other Side", industry=industry, latitude=89.8, longitude=-170.0)
    make_hub(name="Same Meridian", industry=industry, latitude=89.0, longitude=10.0)

    found = queries.hubs_of_industry(industry).nearest(lat=89.9, lng=10.0, limit=2)

    # Over the pole the other side is 0.3 degrees of arc away; along the meridian, 0.9.
    assert names(found) == ["Other Side", "Same Meridian"]


def test_nearest_near_the_south_pole():
    industry = make_industry()
    make_hub(name="Amundsen", industry=industry, latitude=-89.99, longitude=139.0)
    make_hub(name="Vostok", industry=industry, latitude=-78.46, longitude=106.84)
    make_hub(name="McMurdo", industry=industry, latitude=-77.85, longitude=166.67)
    expected = brute_force(Hub.objects.filter(industry=industry), -89.5, -40.0)

    found = queries.hubs_of_industry(industry).nearest(lat=-89.5, lng=-40.0, limit=3)

    assert names(found) == names(expected)
    assert names(found)[0] == "Amundsen"


def test_nearest_hubs_ignores_hubs_not_approved():
    industry = make_industry()
    make_hub(name="Pending", industry=industry, status=Hub.Status.PENDING)
    make_hub(name="Rejected", industry=industry, status=Hub.Status.REJECTED)
    make_hub(name="Archived", industry=industry, status=Hub.Status.ARCHIVED)
    make_hub(name="Approved", industry=industry, latitude=-44.0)

    found = queries.hubs_of_industry(industry).nearest(lat=-45.0, lng=-140.0, limit=10)

    assert names(found) == ["Approved"]


@pytest.fixture
def lineage():
    """A made-up sector 97 with a subsector, a national industry and a sibling."""
    sector = make_industry(code="97", title="Test Sector", slug="test-sector")
    sub = make_industry(code="971", title="Test Subsector", slug="test-subsector", parent=sector)
    leaf = make_industry(code="971100", title="Test Leaf", slug="test-leaf", parent=sub)
    sibling = make_industry(code="972", title="Test Sibling", slug="test-sibling", parent=sector)
    for name, industry, lat in [
        ("Leaf Hub", leaf, -45.1),
        ("Sub Hub", sub, -45.2),
        ("Sibling Hub", sibling, -45.3),
        ("Sector Hub", sector, -45.4),
    ]:
        make_hub(name=name, industry=industry, latitude=lat)
    make_hub(name="Outsider Hub", industry=make_industry(code="98"))
    return {"sector": sector, "sub": sub, "leaf": leaf, "sibling": sibling}


@pytest.mark.parametrize(
    ("industry", "expected"),
    [
        ("sector", ["Leaf Hub", "Sector Hub", "Sibling Hub", "Sub Hub"]),
        ("sub", ["Leaf Hub", "Sub Hub"]),
        ("leaf", ["Leaf Hub"]),
        ("sibling", ["Sibling Hub"]),
    ],
)
def test_hubs_of_industry_include_sub_industries(lineage, industry, expected):
    found = queries.hubs_of_industry(lineage[industry]).order_by("name")

    assert names(found) == expected


def test_nearest_hubs_of_a_parent_industry_finds_a_sub_industry_hub(lineage):
    found = queries.hubs_of_industry(lineage["sector"]).nearest(lat=-45.0, lng=-140.0, limit=3)

    assert names(found) == ["Leaf Hub", "Sub Hub", "Sibling Hub"]


def test_hubs_of_a_sector_range_include_every_sector_in_it():
    sector = make_industry(code="93-94", title="Test Range", slug="test-range")
    make_hub(name="Ninety-Three", industry=make_industry(code="931110", parent=None))
    make_hub(name="Ninety-Four", industry=make_industry(code="9412"))
    make_hub(name="Ninety-Five", industry=make_industry(code="951"))

    assert names(queries.hubs_of_industry(sector).order_by("name")) == [
        "Ninety-Four",
        "Ninety-Three",
    ]


def test_hubs_of_manufacturing_31_33_are_every_approved_hub_coded_31_32_or_33():
    manufacturing = Industry.objects.get(code="31-33")
    make_hub(name="Pending Maker", industry=Industry.objects.get(code="339920"), status="pending")
    expected = sorted(
        hub.name
        for hub in Hub.objects.approved().select_related("industry")
        if hub.industry.code[:2] in {"31", "32", "33"}
    )

    found = names(queries.hubs_of_industry(manufacturing).order_by("name"))

    assert found == expected
    assert "Ogden Outdoor Products" in found  # 339920, in 33.
    assert "Napa Valley Wine" in found  # 312130, in 31.
    assert "Akron Tires and Polymers" in found  # 326211, in 32.
    assert "Silicon Valley" not in found  # 513210, Information.


def test_hubs_of_no_industry_are_all_approved_hubs():
    assert queries.hubs_of_industry(None).count() == Hub.objects.approved().count()


@pytest.fixture
def complements():
    """Industries A and B complement each other; C is unrelated."""
    a, b, c = make_industry(), make_industry(), make_industry()
    a.complements.add(b)
    return a, b, c


def test_complementary_hubs_near_finds_hubs_of_complementary_industries(complements):
    a, b, c = complements
    make_hub(name="A Hub", industry=a)
    make_hub(name="B Near", industry=b, latitude=-45.5)
    make_hub(name="B Nearer", industry=b, latitude=-45.1)
    make_hub(name="B Far", industry=b, latitude=-55.0)
    make_hub(name="B Pending", industry=b, status=Hub.Status.PENDING)
    make_hub(name="C Hub", industry=c)

    found = queries.complementary_hubs_near(industry=a, lat=-45.0, lng=-140.0, radius_km=300)

    assert names(found) == ["B Nearer", "B Near"]


def test_complementary_hubs_near_reads_what_the_hub_page_shows_nearest_first(complements):
    a, b, c = complements
    make_hub(name="B Near", industry=b, latitude=-45.5)
    make_hub(name="B Nearer", industry=b, latitude=-45.1)
    make_hub(name="B Tied", industry=b, latitude=-45.1)
    make_hub(name="B Far", industry=b, latitude=-55.0)
    make_hub(name="B Pending", industry=b, status=Hub.Status.PENDING)
    make_hub(name="C Hub", industry=c)
    point = {"lat": -45.0, "lng": -140.0, "radius_km": 300}

    found = queries.complementary_hubs_near(industry=a, **point, limit=2)

    assert names(found) == ["B Nearer", "B Tied"]
    assert [(h.industry.title, round(h.distance_km, 3)) for h in found] == [
        (b.title, 11.12),
        (b.title, 11.12),
    ]


def test_complementary_hubs_near_is_symmetric(complements):
    a, b, _ = complements
    make_hub(name="A Hub", industry=a)

    found = queries.complementary_hubs_near(industry=b, lat=-45.0, lng=-140.0, radius_km=300)

    assert names(found) == ["A Hub"]


def test_unaffiliated_businesses_near_lists_businesses_in_no_active_hub():
    industry = make_industry(code="96")
    sub = make_industry(code="961", parent=industry)
    hub = make_hub(industry=industry)
    member = make_business(name="Member", industry=industry)
    make_membership(hub=hub, business=member, state=Membership.State.ACTIVE)
    asked = make_business(name="Asked To Join", industry=industry, latitude=-45.2)
    make_membership(hub=hub, business=asked, state=Membership.State.REQUESTED)
    left = make_business(name="Left", industry=industry, latitude=-45.3)
    make_membership(hub=hub, business=left, state=Membership.State.LEFT)
    make_business(name="Loner", industry=industry, latitude=-45.1)
    make_business(name="Sub Loner", industry=sub, latitude=-45.4)
    make_business(name="Far Loner", industry=industry, latitude=-50.0)
    make_business(name="Other Trade", industry=make_industry())

    found = search.unaffiliated_businesses_near(
        industry=industry, lat=-45.0, lng=-140.0, radius_km=100
    )

    assert names(found) == ["Loner", "Asked To Join", "Left", "Sub Loner"]


def test_resources_near_are_those_within_the_radius_nearest_first():
    make_resource(name="Out Of Reach", latitude=-43.0)
    make_resource(name="Far Chamber", latitude=-44.0)
    make_resource(name="Near Chamber", latitude=-45.01)

    found = queries.resources_near(lat=-45.0, lng=-140.0, radius_km=200)

    assert names(found) == ["Near Chamber", "Far Chamber"]


def test_hub_members_are_active_organizers_first_then_by_name():
    hub = make_hub()
    for name, role, state in [
        ("Zeta", "member", "active"),
        ("Alpha", "member", "active"),
        ("Omega", "organizer", "active"),
        ("Beta", "organizer", "active"),
        ("Gamma", "member", "requested"),
        ("Delta", "member", "left"),
    ]:
        make_membership(hub=hub, business=make_business(name=name), role=role, state=state)

    members = queries.hub_members(hub)

    assert [m.business.name for m in members] == ["Beta", "Omega", "Alpha", "Zeta"]


def test_region_hubs_and_businesses_include_two_levels_below():
    country = make_region(kind=Region.Kind.COUNTRY, code="TL")
    state = make_region(kind=Region.Kind.STATE, parent=country)
    metro = make_region(parent=state)
    make_hub(name="Country Hub", region=country)
    make_hub(name="State Hub", region=state)
    make_hub(name="Metro Hub", region=metro)
    make_hub(name="Pending Metro Hub", region=metro, status=Hub.Status.PENDING)
    make_hub(name="Elsewhere Hub")
    for region in (country, state, metro):
        make_business(name=f"Business in {region.kind}", region=region)

    assert names(queries.region_hubs(country).order_by("name")) == [
        "Country Hub",
        "Metro Hub",
        "State Hub",
    ]
    assert names(queries.region_hubs(state).order_by("name")) == ["Metro Hub", "State Hub"]
    assert names(queries.region_businesses(state).order_by("name")) == [
        "Business in metro",
        "Business in state",
    ]
    assert Business.objects.filter(region__in=[country, state, metro]).count() == 3


@pytest.mark.parametrize("point", POINTS.values(), ids=POINTS.keys())
@pytest.mark.parametrize("radius_km", [100, 2000, 6000])
def test_search_of_few_hubs_reads_the_page_and_nearest_in_one_statement(
    point, radius_km, scattered, django_assert_num_queries
):
    lat, lng = point
    hubs = Hub.objects.filter(industry=scattered)
    ranked = brute_force(hubs, lat, lng)
    within = [h for h in ranked if geo.haversine_km(lat, lng, *h.point) <= radius_km]
    tallies.current()  # Counted once for this version of the directory.

    with django_assert_num_queries(2):  # Every hub measured, then the cards.
        found = search.search_hubs(industry=scattered, lat=lat, lng=lng, radius_km=radius_km)

    assert found.page.paginator.count == len(within)
    assert names(found.page.object_list) == names(within[: search.SEARCH_PAGE_SIZE])
    expected_nearest = [] if within else ranked[: search.NEAREST_ANYWHERE]
    assert names(found.nearest_anywhere) == names(expected_nearest)
    for hub in [*found.page.object_list, *found.nearest_anywhere]:
        expected_km = geo.haversine_km(lat, lng, hub.latitude, hub.longitude)
        assert hub.distance_km == pytest.approx(expected_km, abs=0.01)
