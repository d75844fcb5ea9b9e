"""Regions of points: the state or province of the nearest town, created when missing."""

import pytest

from hubs import regions
from hubs.models import Business, Hub, Region
from hubs.regions import RegionFinder, reassign_regions, region_for_point
from tests.factories import make_business, make_hub, make_region

pytestmark = pytest.mark.django_db

AMSTERDAM = (52.3731, 4.8922)
MUNICH = (48.1374, 11.5755)
NUKUALOFA = (-21.1, -175.2)  # Neither Tonga nor its divisions are regions of the demo data.
MOAB = (38.5733, -109.5498)  # Utah, over 60 km from every demo metro.


@pytest.mark.parametrize(
    ("point", "state", "country"),
    [
        (AMSTERDAM, "North Holland", "NL"),
        (MUNICH, "Bavaria", "DE"),
        ((41.22, -111.97), "Utah", "US"),
    ],
)
def test_region_for_point_is_the_state_of_the_nearest_town(point, state, country):
    region = region_for_point(lat=point[0], lng=point[1])

    state_region = region if region.kind == Region.Kind.STATE else region.parent
    assert (state_region.name, state_region.kind) == (state, Region.Kind.STATE)
    assert state_region.parent.code == country


def test_region_for_point_creates_a_missing_state_once_at_its_centre():
    assert not Region.objects.filter(name="North Holland").exists()

    first = region_for_point(lat=AMSTERDAM[0], lng=AMSTERDAM[1])
    second = region_for_point(lat=52.63, lng=4.75)  # Alkmaar

    assert Region.objects.filter(name="North Holland").count() == 1
    assert second == first
    assert (first.name, first.code) == ("North Holland", "07")
    # The province's centre, not Amsterdam's point: the middle of its towns.
    assert (round(first.latitude, 0), round(first.longitude, 0)) == (53, 5)


def test_reassign_regions_moves_a_row_to_the_state_of_its_town_and_dry_run_changes_nothing():
    brabant = make_region(name="Somewhere Else", kind=Region.Kind.STATE)
    business = make_business(latitude=AMSTERDAM[0], longitude=AMSTERDAM[1], region=brabant)

    dry = reassign_regions(dry_run=True)
    business.refresh_from_db()
    assert business.region == brabant
    assert dry["businesses"] >= 1

    reassign_regions()

    business = Business.objects.select_related("region").get(pk=business.pk)
    assert business.region.name == "North Holland"


def _region_row(region):
    return (region.name, region.kind, region.code, region.slug, region.latitude, region.longitude)


def test_region_for_point_creates_a_missing_country_and_state_at_the_gazetteer_centres():
    region = region_for_point(lat=NUKUALOFA[0], lng=NUKUALOFA[1])

    # The middle of the grid cells their towns occupy, not the registered point.
    assert _region_row(region) == (
        "Tongatapu",
        Region.Kind.STATE,
        "02",
        "tongatapu-to",
        -21.25,
        -175.125,
    )
    assert _region_row(region.parent) == ("Tonga", "country", "TO", "tonga", -18.75, -174.5)
    assert region.parent.parent is None


def test_region_for_point_in_an_existing_state_reads_no_centre(django_assert_num_queries):
    region_for_point(lat=AMSTERDAM[0], lng=AMSTERDAM[1])

    # The nearest town, the country, its states and the state's metros: the gazetteer's
    # centre of North Holland is not read again once the province exists.
    with django_assert_num_queries(4):
        again = region_for_point(lat=52.63, lng=4.75)

    assert (again.name, again.kind) == ("North Holland", Region.Kind.STATE)


def test_creating_a_state_reads_its_centre_once(django_assert_num_queries):
    # The town, the country, its states, another region of that name, the province's centre,
    # the insert, the metros.
    with django_assert_num_queries(7):
        region_for_point(lat=AMSTERDAM[0], lng=AMSTERDAM[1])


def test_country_entered_without_its_code_is_found_by_name_without_reading_a_centre(
    django_assert_num_queries,
):
    entered = make_region(name="Tonga", kind=Region.Kind.COUNTRY, code="")

    with django_assert_num_queries(2):  # By code, then by name.
        found = regions.country("TO", fallback_point=NUKUALOFA)

    assert found == entered
    assert Region.objects.filter(name__iexact="tonga").count() == 1


def test_country_without_a_gazetteer_centre_is_created_at_the_fallback_point():
    # Antarctica has an ISO code but no towns, so the gazetteer holds no centre for it.
    region = regions.country("AQ", fallback_point=(-77.85, 166.67))

    assert _region_row(region) == ("Antarctica", "country", "AQ", "antarctica", -77.85, 166.67)


def test_state_is_found_by_a_name_written_without_accents():
    france = Region.objects.get(kind=Region.Kind.COUNTRY, code="FR")
    entered = make_region(name="Ile-de-France", kind=Region.Kind.STATE, parent=france)

    found = regions.state("FR", "11", fallback_point=(48.85, 2.35))

    assert found == entered
    assert Region.objects.filter(parent=france, name__icontains="de-france").count() == 1


def test_get_or_create_finds_a_name_whatever_its_case_and_slugs_a_state_with_its_country():
    utah = regions.state("US", "UT", fallback_point=(41.2, -111.9))

    made = regions.get_or_create(
        "Wasatch Back", Region.Kind.METRO, parent=utah, point=(40.6, -111.5)
    )
    again = regions.get_or_create("WASATCH BACK", Region.Kind.METRO, parent=utah, point=(0, 0))
    tonga = regions.country("TO", fallback_point=NUKUALOFA)
    state = regions.get_or_create(
        "Eua", Region.Kind.STATE, parent=tonga, code="EU", point=(-21, -175)
    )

    assert again == made
    assert _region_row(made) == ("Wasatch Back", "metro", "", "wasatch-back", 40.6, -111.5)
    assert (state.slug, state.code, state.parent) == ("eua-to", "EU", tonga)


def test_region_is_a_metro_within_60_km_else_the_state():
    ogden = region_for_point(lat=41.22, lng=-111.97)
    moab = region_for_point(lat=MOAB[0], lng=MOAB[1])

    assert (ogden.name, ogden.kind, ogden.parent.name) == ("Ogden-Clearfield, UT", "metro", "Utah")
    assert (moab.name, moab.kind) == ("Utah", "state")


def test_region_finder_reads_each_state_and_its_metros_once(django_assert_num_queries):
    finder = RegionFinder()
    first = finder.region(lat=AMSTERDAM[0], lng=AMSTERDAM[1])

    with django_assert_num_queries(1):  # Only the new point's nearest town.
        second = finder.region(lat=52.63, lng=4.75)
    with django_assert_num_queries(0):
        third = finder.region(lat=52.63, lng=4.75)

    assert first == second == third


def test_region_finder_takes_the_town_a_row_names():
    finder = RegionFinder()
    alkmaar = finder.nearest_town(lat=52.63, lng=4.75)

    # A row in Munich that names Alkmaar is placed in Alkmaar's province.
    region = finder.region(lat=MUNICH[0], lng=MUNICH[1], town=alkmaar)

    assert (alkmaar.name, alkmaar.country, alkmaar.admin1) == ("Alkmaar", "NL", "07")
    assert (region.name, region.parent.code) == ("North Holland", "NL")


def test_reassign_regions_keeps_a_hub_whose_name_is_taken_in_its_new_region():
    north_holland = region_for_point(lat=AMSTERDAM[0], lng=AMSTERDAM[1])
    elsewhere = make_region(name="Somewhere Else", kind=Region.Kind.STATE)
    settled = make_hub(name="Tulip Growers", region=north_holland, latitude=52.37, longitude=4.9)
    stray = make_hub(
        name="tulip growers",
        industry=settled.industry,
        region=elsewhere,
        latitude=52.36,
        longitude=4.88,
    )

    reassign_regions()

    stray.refresh_from_db()
    assert stray.region == elsewhere
    assert Hub.objects.get(pk=settled.pk).region == north_holland


def test_reassign_regions_leaves_a_row_in_a_metro_of_its_state_chosen_by_hand():
    north_holland = region_for_point(lat=AMSTERDAM[0], lng=AMSTERDAM[1])
    # A curator's metro far from the business's point, in the right province.
    metro = make_region(
        name="Kop van Noord-Holland",
        kind=Region.Kind.METRO,
        parent=north_holland,
        latitude=52.95,
        longitude=4.76,
    )
    business = make_business(latitude=AMSTERDAM[0], longitude=AMSTERDAM[1], region=metro)

    reassign_regions()

    business.refresh_from_db()
    assert business.region == metro
