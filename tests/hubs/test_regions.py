"""Regions of points: the state or province of the nearest town, created when missing."""

import pytest

from hubs.models import Business, Region
from hubs.regions import reassign_regions, region_for_point
from tests.factories import make_business, make_region

pytestmark = pytest.mark.django_db

AMSTERDAM = (52.3731, 4.8922)
MUNICH = (48.1374, 11.5755)


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
