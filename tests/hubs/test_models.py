"""What the database itself guarantees: coordinate ranges, unique names and slugs; and the
facts models derive: a hub's stage and member count."""

import pytest
from django.db import IntegrityError, transaction

from hubs.models import Business, Hub, Industry, Membership, Place, Region, Resource, Stage
from tests.factories import (
    make_business,
    make_hub,
    make_industry,
    make_membership,
    make_region,
    make_resource,
)

pytestmark = pytest.mark.django_db

MAKERS = {Hub: make_hub, Business: make_business, Resource: make_resource, Region: make_region}
BAD_POINTS = {
    "latitude 91": {"latitude": 91.0},
    "latitude -90.5": {"latitude": -90.5},
    "longitude 181": {"longitude": 181.0},
    "longitude -180.01": {"longitude": -180.01},
}


@pytest.mark.parametrize("model", MAKERS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("point", BAD_POINTS.values(), ids=BAD_POINTS.keys())
def test_located_models_reject_coordinates_out_of_range(model, point):
    make = MAKERS[model]
    before = model.objects.count()

    with pytest.raises(IntegrityError), transaction.atomic():
        make(name="Out Of Range", **point)

    assert model.objects.count() == before
    assert not model.objects.filter(name="Out Of Range").exists()


@pytest.mark.parametrize("model", MAKERS, ids=lambda m: m.__name__)
def test_located_models_accept_the_extreme_coordinates(model):
    row = MAKERS[model](name="Edge Of The World", latitude=-90.0, longitude=180.0)

    row.refresh_from_db()
    assert (row.latitude, row.longitude) == (-90.0, 180.0)


@pytest.mark.parametrize(
    "town", [{"town_latitude": 91.0}, {"town_longitude": -181.0}], ids=["lat", "lng"]
)
def test_business_rejects_a_town_centre_out_of_range(town):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_business(name="Bad Town", **town)

    assert not Business.objects.filter(name="Bad Town").exists()


def test_hub_name_is_unique_case_insensitively_within_industry_and_region():
    industry, region = make_industry(), make_region()
    make_hub(name="Ogden Outdoor", industry=industry, region=region)

    with pytest.raises(IntegrityError), transaction.atomic():
        make_hub(name="OGDEN OUTDOOR", industry=industry, region=region)

    assert list(Hub.objects.filter(industry=industry).values_list("name", flat=True)) == [
        "Ogden Outdoor"
    ]


def test_hub_name_may_repeat_in_another_region_or_industry():
    industry, region = make_industry(), make_region()
    first = make_hub(name="Ogden Outdoor", industry=industry, region=region)

    other_region = make_hub(name="OGDEN OUTDOOR", industry=industry, region=make_region())
    other_industry = make_hub(name="Ogden Outdoor", industry=make_industry(), region=region)

    assert [first.slug, other_region.slug, other_industry.slug] == [
        "ogden-outdoor",
        "ogden-outdoor-2",
        "ogden-outdoor-3",
    ]
    assert Hub.objects.filter(name__iexact="ogden outdoor").count() == 3


def test_region_name_is_unique_case_insensitively_within_its_parent():
    state = make_region(kind=Region.Kind.STATE)
    make_region(name="Weber County", parent=state)

    with pytest.raises(IntegrityError), transaction.atomic():
        make_region(name="WEBER COUNTY", parent=state)

    assert state.children.count() == 1


def test_membership_is_once_per_business_per_hub():
    membership = make_membership()

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            hub=membership.hub, business=membership.business, state=Membership.State.REQUESTED
        )

    assert list(Membership.objects.filter(hub=membership.hub)) == [membership]


def test_membership_of_one_business_in_two_hubs_is_allowed():
    business = make_business()

    make_membership(business=business)
    make_membership(business=business)

    assert business.memberships.count() == 2


@pytest.mark.parametrize(
    "make",
    [make_industry, make_region, make_hub, make_business, make_resource],
    ids=["industry", "region", "hub", "business", "resource"],
)
def test_slugs_are_unique(make):
    first = make()
    model = type(first)

    with pytest.raises(IntegrityError), transaction.atomic():
        make(slug=first.slug)

    assert model.objects.filter(slug=first.slug).count() == 1


def test_industry_code_is_unique():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_industry(code="339920")

    assert Industry.objects.filter(code="339920").count() == 1


@pytest.mark.parametrize(
    "make", [make_hub, make_business, make_resource], ids=["hub", "business", "resource"]
)
def test_save_derives_a_free_slug_from_the_name(make):
    first = make(name="Summit Works")
    second = make(name="Summit Works")

    assert (first.slug, second.slug) == ("summit-works", "summit-works-2")


@pytest.mark.parametrize(
    ("members", "stage"),
    [
        (0, Stage.NASCENT),
        (1, Stage.NASCENT),
        (2, Stage.EMERGING),
        (3, Stage.EMERGING),
        (4, Stage.ESTABLISHED),
        (9, Stage.ESTABLISHED),
    ],
)
def test_hub_save_derives_stage_from_member_count_and_settings(settings, members, stage):
    settings.HUB_STAGE_EMERGING_MEMBERS = 2
    settings.HUB_STAGE_ESTABLISHED_MEMBERS = 4
    hub = make_hub()

    hub.member_count = members
    hub.save()

    hub.refresh_from_db()
    assert hub.stage == stage


def test_hub_save_uses_the_default_thresholds():
    hub = make_hub()

    stages = []
    for count in (4, 5, 19, 20):
        hub.member_count = count
        hub.save()
        stages.append(hub.stage)

    assert stages == [Stage.NASCENT, Stage.EMERGING, Stage.EMERGING, Stage.ESTABLISHED]


def test_hub_stage_override_wins_over_member_count():
    hub = make_hub(stage_override=Stage.ESTABLISHED)

    hub.member_count = 0
    hub.save()

    hub.refresh_from_db()
    assert hub.stage == Stage.ESTABLISHED

    hub.stage_override = ""
    hub.save()

    hub.refresh_from_db()
    assert hub.stage == Stage.NASCENT


def test_hub_refresh_member_count_counts_only_active_memberships(settings):
    settings.HUB_STAGE_EMERGING_MEMBERS = 2
    hub = make_hub()
    make_membership(hub=hub, state=Membership.State.ACTIVE)
    make_membership(hub=hub, state=Membership.State.ACTIVE, role=Membership.Role.ORGANIZER)
    make_membership(hub=hub, state=Membership.State.REQUESTED)
    make_membership(hub=hub, state=Membership.State.LEFT)
    make_membership(state=Membership.State.ACTIVE)  # Another hub's.

    hub.refresh_member_count()

    hub.refresh_from_db()
    assert (hub.member_count, hub.stage) == (2, Stage.EMERGING)


def test_business_public_point_hides_a_private_location():
    public = make_business(latitude=10.0, longitude=20.0, town_latitude=10.1, town_longitude=20.1)
    private = make_business(
        latitude=10.0,
        longitude=20.0,
        town_latitude=10.1,
        town_longitude=20.1,
        location_public=False,
    )

    assert (public.public_point, private.public_point) == ((10.0, 20.0), (10.1, 20.1))


@pytest.mark.parametrize(
    ("code", "prefixes"), [("31-33", ["31", "32", "33"]), ("339", ["339"]), ("44-45", ["44", "45"])]
)
def test_industry_code_prefixes_expand_sector_ranges(code, prefixes):
    assert Industry(code=code).code_prefixes == prefixes


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("31-33", "Sector"),
        ("51", "Sector"),
        ("339", "Subsector"),
        ("3399", "Industry group"),
        ("33992", "Industry"),
        ("339920", "National industry"),
    ],
)
def test_industry_level_follows_the_code_length(code, level):
    assert Industry(code=code).level == level


def test_place_label_reads_like_people_write_places():
    ogden = Place.objects.get(kind=Place.Kind.CITY, name="Ogden", admin1="UT")
    zip_code = Place.objects.get(kind=Place.Kind.POSTCODE, source_id="84401")
    stuttgart = Place.objects.get(kind=Place.Kind.CITY, name="Stuttgart", country="DE")

    assert [ogden.label, zip_code.label, stuttgart.label] == [
        "Ogden, UT",
        "84401 Ogden, UT",
        "Stuttgart, Germany",
    ]


def test_region_str_names_a_state_with_its_country_code():
    country = make_region(name="Testland", kind=Region.Kind.COUNTRY, code="TL")
    state = make_region(name="North Province", kind=Region.Kind.STATE, parent=country)
    metro = make_region(name="Capital Metro", parent=state)

    assert [str(country), str(state), str(metro)] == [
        "Testland",
        "North Province, TL",
        "Capital Metro",
    ]
