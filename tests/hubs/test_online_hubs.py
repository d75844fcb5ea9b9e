"""Online hubs: a mode, a coverage (worldwide, countries, states or provinces) and an optional
home base; found from anywhere in their coverage, never measured, never drawn at a fake point."""

import csv
import io
import json
import re

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from hubs import search, services, vocabulary
from hubs.coverage import Coverage
from hubs.coverage_forms import NO_COVERAGE, HubAdminForm
from hubs.gazetteer import resolve
from hubs.models import Business, Hub, Industry, Membership, Region
from hubs.services import ActionRefused
from hubs.views.maps import map_points
from tests.factories import (
    make_business,
    make_hub,
    make_industry,
    make_membership,
    make_online_hub,
    make_region,
    make_user,
)
from tests.rendered import alerts, body, heading, hub_cards, section, text

pytestmark = pytest.mark.django_db

SEARCH = reverse("hubs:search")
HUB_LIST = reverse("hubs:hub_list")
GEOJSON = reverse("hubs:hubs_geojson")
START = reverse("hubs:hub_create")
BEEKEEPERS = "Beekeepers Online Network USA"
BREWERS = "Great Plains Craft Brewers Circle"
MAKERS = "Maker Network Canada"


def region(slug):
    return Region.objects.get(slug=slug)


@pytest.fixture
def nebraska():
    return Region.objects.get(kind=Region.Kind.STATE, code="NE", parent__code="US")


# The model and its queryset


def test_an_in_person_hub_without_a_point_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_hub(latitude=None, longitude=None)


def test_an_in_person_hub_without_a_region_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_hub(region=None)


def test_an_in_person_hub_cannot_cover_the_world():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_hub(covers_worldwide=True)


def test_a_point_needs_both_coordinates():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_online_hub(latitude=10.0, longitude=None, worldwide=True)


def test_an_online_hub_without_a_home_base_is_saved_with_no_point():
    hub = make_online_hub(worldwide=True)

    hub.refresh_from_db()
    assert (hub.mode, hub.point, hub.region, hub.covers_worldwide) == ("online", None, None, True)


def test_spatial_reads_leave_out_hubs_without_a_point():
    industry = make_industry()
    based = make_hub(industry=industry, latitude=-45.0, longitude=-140.0)
    make_online_hub(industry=industry, worldwide=True)
    hubs = Hub.objects.filter(industry=industry)
    point = {"lat": -45.0, "lng": -140.0}

    assert list(hubs.nearest_first(**point)) == [based]
    assert hubs.nearest(limit=5, **point) == [based]
    assert list(hubs.within_radius(radius_km=20038, **point)) == [based]
    assert hubs.smallest_radius_holding(2, radii=[100, 20038], **point) is None


def test_models_whose_point_is_required_pay_for_no_null_filter():
    sql = str(Business.objects.nearest_first(lat=0, lng=0).query)

    assert "IS NOT NULL" not in sql
    assert "IS NOT NULL" in str(Hub.objects.nearest_first(lat=0, lng=0).query)


def test_in_person_and_online_split_the_hubs():
    industry = make_industry()
    local = make_hub(industry=industry)
    remote = make_online_hub(industry=industry, worldwide=True)
    hubs = Hub.objects.filter(industry=industry)

    assert (list(hubs.in_person()), list(hubs.online())) == ([local], [remote])


def test_covering_a_place_by_country_and_state(nebraska):
    industry = make_industry()
    world = make_online_hub(name="World", industry=industry, worldwide=True)
    usa = make_online_hub(name="USA", industry=industry, covering=[region("united-states")])
    plains = make_online_hub(name="Plains", industry=industry, covering=[nebraska])
    make_online_hub(name="Canada", industry=industry, covering=[region("canada")])
    make_hub(name="In person", industry=industry)
    hubs = Hub.objects.filter(industry=industry).order_by("name")

    assert list(hubs.covering(country="US", admin1="NE")) == [plains, usa, world]
    assert list(hubs.covering(country="US", admin1="UT")) == [usa, world]
    assert list(hubs.covering(country="FR", admin1="11")) == [world]
    assert list(hubs.covering()) == [world]  # At sea: only the world covers it.


def test_covering_a_region_reaches_its_parents_and_a_country_its_states(nebraska):
    industry = make_industry()
    usa = make_online_hub(name="USA", industry=industry, covering=[region("united-states")])
    plains = make_online_hub(name="Plains", industry=industry, covering=[nebraska])
    hubs = Hub.objects.filter(industry=industry).order_by("name")

    assert list(hubs.covering(nebraska)) == [plains, usa]
    assert list(hubs.covering(region("united-states"))) == [plains, usa]
    assert list(hubs.covering(region("utah-us"))) == [usa]
    assert list(hubs.covering(region("canada"))) == []


# Search


def test_search_from_a_town_with_no_hub_lists_the_online_hub_of_its_industry(client):
    response = client.get(SEARCH, {"industry": "beekeeping", "near": "Lincoln, NE"})

    assert heading(response, "results-heading") == "No apiculture hub within 100 mi of Lincoln, NE"
    assert heading(response, "online-heading") == "Online hubs for your industry"
    group = section(response, "online-heading")
    assert hub_cards(group) == [(BEEKEEPERS, None)]  # No distance.
    assert text(group).startswith("Online hubs for your industry These hubs meet online")
    assert "Online Apiculture · for United States" in text(group)
    assert "away" not in text(group)


def test_search_lists_a_state_wide_hub_only_inside_its_states(client):
    inside = client.get(SEARCH, {"industry": "breweries", "near": "Omaha, NE"})
    outside = client.get(SEARCH, {"industry": "breweries", "near": "Denver, CO"})

    assert hub_cards(section(inside, "online-heading")) == [(BREWERS, None)]
    assert "Online Breweries · for Iowa, US; Kansas, US; Nebraska, US" in text(
        section(inside, "online-heading")
    )
    assert section(outside, "online-heading") == ""


def test_search_lists_an_online_hub_with_a_home_base_in_the_online_group_only(client):
    response = client.get(SEARCH, {"industry": "339999", "near": "Toronto, ON", "unit": "km"})

    assert hub_cards(section(response, "online-heading")) == [(MAKERS, None)]
    assert MAKERS not in section(response, "results-heading")
    points = json.loads(
        body(response).split('<script id="map-data" type="application/json">')[1].split("<")[0]
    )
    assert MAKERS not in [point["name"] for point in points]


def test_search_of_another_industry_lists_no_online_hub(client):
    response = client.get(SEARCH, {"industry": "sporting goods", "near": "Lincoln, NE"})

    assert section(response, "online-heading") == ""


SEARCH_QUERIES = 13


def test_search_with_online_hubs_costs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, nebraska
):
    vocabulary.vocabulary()
    query = {"industry": "beekeeping", "near": "Lincoln, NE"}
    with django_assert_max_num_queries(SEARCH_QUERIES) as before:
        client.get(query and SEARCH, query)
    apiculture = Industry.objects.get(code="112910")
    for n in range(12):
        make_online_hub(
            name=f"Extra Bee Net {n}",
            industry=apiculture,
            covering=[nebraska, region("united-states"), region("canada")],
        )

    with django_assert_max_num_queries(SEARCH_QUERIES) as after:
        response = client.get(SEARCH, query)

    assert len(hub_cards(section(response, "online-heading"))) == search.ONLINE_GROUP_SIZE
    assert len(after.captured_queries) == len(before.captured_queries)


# The hub list, region and hub pages, maps


def test_hub_list_filters_by_how_hubs_meet(client):
    online = client.get(HUB_LIST, {"mode": "online"})
    in_person = client.get(HUB_LIST, {"mode": "in_person"})

    assert [name for name, _ in hub_cards(body(online))] == [BEEKEEPERS, BREWERS, MAKERS]
    assert heading(in_person, "list-heading") == (
        f"{Hub.objects.approved().in_person().count()} hubs"
    )


def test_hub_list_of_online_hubs_near_a_place_lists_those_covering_it(client):
    response = client.get(HUB_LIST, {"mode": "online", "near": "Lincoln, NE"})

    assert hub_cards(body(response)) == [(BEEKEEPERS, None), (BREWERS, None)]


def test_hub_list_refuses_a_distance_for_online_hubs(client):
    response = client.get(HUB_LIST, {"mode": "online", "near": "Lincoln, NE", "sort": "nearest"})

    assert response.status_code == 200
    assert alerts(response) == ["Online hubs have no distance: choose another order."]


def test_hub_list_region_filter_includes_online_hubs_covering_it(client, nebraska):
    response = client.get(HUB_LIST, {"region": nebraska.slug})

    assert [name for name, _ in hub_cards(body(response))] == [BEEKEEPERS, BREWERS]


def test_region_page_lists_online_hubs_covering_it_in_their_own_section(client, nebraska):
    response = client.get(nebraska.get_absolute_url())

    assert heading(response, "online-heading") == "Online hubs for Nebraska"
    covering = Hub.objects.filter(name__in=[BEEKEEPERS, BREWERS]).order_by("-member_count", "name")
    assert [name for name, _ in hub_cards(section(response, "online-heading"))] == [
        hub.name for hub in covering
    ]
    assert hub_cards(section(response, "hubs-heading")) == []


REGION_QUERIES = 7


def test_region_page_with_online_hubs_costs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, nebraska
):
    with django_assert_max_num_queries(REGION_QUERIES) as before:
        client.get(nebraska.get_absolute_url())
    for n in range(5):
        make_online_hub(name=f"Extra Net {n}", covering=[nebraska, region("united-states")])

    with django_assert_max_num_queries(REGION_QUERIES) as after:
        response = client.get(nebraska.get_absolute_url())

    assert len(hub_cards(section(response, "online-heading"))) == 7
    assert len(after.captured_queries) == len(before.captured_queries)


def test_hub_page_of_an_online_hub_without_a_home_base_shows_no_map(client):
    hub = Hub.objects.get(name=BEEKEEPERS)

    response = client.get(hub.get_absolute_url())

    page = body(response)
    assert 'id="map"' not in page
    assert "This hub meets online and has no home base to show on a map." in text(page)
    assert "Online for United States" in text(page)
    data = response.context["structured_data"]
    assert "location" not in data
    assert data["areaServed"] == [{"@type": "Place", "name": "United States"}]


def test_hub_page_of_an_online_hub_with_a_home_base_maps_the_base(client):
    hub = Hub.objects.get(name=MAKERS)

    response = client.get(hub.get_absolute_url())

    assert [(p["name"], p["lat"], p["lng"]) for p in response.context["map_points"]] == [
        (MAKERS, hub.latitude, hub.longitude)
    ]
    assert f"Online for Canada, based in {hub.region}" in text(body(response))


def test_map_points_leave_out_hubs_without_a_point():
    based = Hub.objects.get(name=MAKERS)

    points = map_points([Hub.objects.get(name=BEEKEEPERS), based])

    assert [point["name"] for point in points] == [MAKERS]


def test_sitemap_lists_online_hubs(client):
    hub = Hub.objects.get(name=BEEKEEPERS)

    response = client.get("/sitemap.xml")

    assert f"http://testserver{hub.get_absolute_url()}" in body(response)


# The GeoJSON API, feeds and open data


def _features(response):
    assert response.status_code == 200, response.content
    return json.loads(response.content)["features"]


def test_geojson_gives_an_online_hub_without_a_home_base_a_null_geometry(client):
    found = _features(client.get(GEOJSON, {"mode": "online"}))

    assert [(f["properties"]["name"], f["geometry"]) for f in found][:2] == [
        (BEEKEEPERS, None),
        (BREWERS, None),
    ]
    assert [f["properties"]["coverage"] for f in found] == [
        ["united-states"],
        ["iowa-us", "kansas-us", "nebraska-us"],
        ["canada"],
    ]
    assert found[2]["geometry"]["type"] == "Point"


def test_geojson_online_near_a_place_lists_hubs_covering_it_without_distance(client):
    found = _features(client.get(GEOJSON, {"mode": "online", "near": "Lincoln, NE"}))

    assert [f["properties"]["name"] for f in found] == [BEEKEEPERS, BREWERS]
    assert all("distance_km" not in f["properties"] for f in found)


def test_geojson_online_at_a_point_lists_hubs_covering_it(client):
    found = _features(client.get(GEOJSON, {"mode": "online", "lat": "43.65", "lng": "-79.38"}))

    assert [f["properties"]["name"] for f in found] == [MAKERS]


def test_geojson_in_person_lists_no_online_hub(client):
    found = _features(client.get(GEOJSON, {"mode": "in_person", "limit": "500"}))

    assert {f["properties"]["mode"] for f in found} == {"in_person"}
    assert len(found) == Hub.objects.approved().in_person().count()


@pytest.mark.parametrize(
    ("query", "error"),
    [
        (
            {"mode": "remote"},
            {"error": "mode must be one of in_person, online.", "parameter": "mode"},
        ),
        (
            {"mode": "online", "near": "Lincoln, NE", "radius_km": "50"},
            {"error": "Online hubs have no distance: leave radius_km.", "parameter": "radius_km"},
        ),
    ],
)
def test_geojson_refuses_a_bad_mode(client, query, error):
    response = client.get(GEOJSON, query)

    assert (response.status_code, json.loads(response.content)) == (400, error)


def test_feeds_describe_an_online_hub_by_its_coverage(client):
    response = client.get(reverse("hubs:feed_hubs"))

    description = Hub.objects.get(name=BEEKEEPERS).description
    assert f"Apiculture hub online, for United States. {description[:40]}" in text(body(response))


def test_open_data_csv_leaves_an_online_hubs_place_empty(client):
    response = client.get(reverse("hubs:data_hubs_csv"))

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    bees = next(row for row in rows if row["name"] == BEEKEEPERS)
    brewers = next(row for row in rows if row["name"] == BREWERS)
    in_person = next(row for row in rows if row["mode"] == "in_person")
    assert (bees["region"], bees["latitude"], bees["longitude"]) == ("", "", "")
    assert (bees["mode"], bees["coverage"]) == ("online", "united-states")
    assert brewers["coverage"] == "iowa-us;kansas-us;nebraska-us"
    assert in_person["coverage"] == ""


def test_open_data_geojson_gives_null_geometry(client):
    found = json.loads(client.get(reverse("hubs:data_hubs_geojson")).content)["features"]

    bees = next(f for f in found if f["properties"]["name"] == BEEKEEPERS)
    assert bees["geometry"] is None


def test_share_card_names_an_online_hubs_coverage(client):
    from hubs.cards import _card_values

    assert _card_values(Hub.objects.get(name=BEEKEEPERS))["region"] == "Online, for United States"


# Joining from inside and outside the coverage


def _owner_of(business):
    user = make_user()
    business.owners.add(user)
    return user


def _run_on_the_site(hub):
    """Give the hub an organizer with an owner on the site, so requests to join reach one."""
    organizer = make_membership(hub=hub, role=Membership.Role.ORGANIZER)
    _owner_of(organizer.business)
    return hub


def test_a_business_inside_the_coverage_joins_an_online_hub(client, nebraska):
    hub = _run_on_the_site(Hub.objects.get(name=BREWERS))
    business = make_business(industry=hub.industry, region=nebraska)
    client.force_login(_owner_of(business))

    response = client.post(reverse("hubs:hub_join", args=[hub.slug]), {"business": business.pk})

    assert response["Location"] == hub.get_absolute_url()
    assert Membership.objects.get(hub=hub, business=business).is_requested


def test_a_business_outside_the_coverage_is_told_why_and_nothing_is_saved(client):
    hub = _run_on_the_site(Hub.objects.get(name=BREWERS))
    business = make_business(industry=hub.industry, region=region("utah-us"))
    client.force_login(_owner_of(business))

    response = client.post(
        reverse("hubs:hub_join", args=[hub.slug]), {"business": business.pk}, follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [
        f"{BREWERS} meets online for members in Iowa, US; Kansas, US; Nebraska, US. "
        f"{business.name} is in Utah, US, outside it."
    ]
    assert not Membership.objects.filter(hub=hub, business=business).exists()


def test_a_worldwide_hub_takes_members_from_anywhere():
    hub = _run_on_the_site(make_online_hub(worldwide=True))
    business = make_business(industry=hub.industry)

    membership = services.membership_request(
        hub=hub, business=business, connections="", user=_owner_of(business)
    )

    assert membership.is_requested


# Starting an online hub, and changing how a hub meets


def _start(client, **fields):
    business = make_business(name="Prairie Honey Co.", industry=Industry.objects.get(code="112910"))
    client.force_login(_owner_of(business))
    data = {
        "name": "Prairie Pollinators",
        "industry": "112910",
        "business": business.pk,
        "description": "Beekeepers of the plains, online.",
        "mode": "online",
        "areas": "",
        "place_text": "",
    }
    data.update(fields)
    return client.post(START, data)


def test_start_an_online_hub_without_a_home_base(client, nebraska):
    response = _start(client, areas="Nebraska; Kansas")

    hub = Hub.objects.get(name="Prairie Pollinators")
    assert response["Location"] == reverse("hubs:hub_manage", args=[hub.slug])
    assert (hub.mode, hub.point, hub.region, hub.status) == ("online", None, None, "pending")
    assert sorted(hub.covered_regions.values_list("slug", flat=True)) == [
        "kansas-us",
        "nebraska-us",
    ]
    assert hub.memberships.get().is_organizer


def test_start_a_worldwide_online_hub_with_a_home_base(client):
    _start(client, worldwide="on", place_text="Lincoln, NE")

    hub = Hub.objects.get(name="Prairie Pollinators")
    assert hub.covers_worldwide and hub.region.name == "Nebraska"
    assert list(hub.covered_regions.all()) == []


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"areas": ""},
            {
                "areas": "An online hub needs its coverage: tick “Worldwide” or name the "
                "countries, states or provinces its members are in."
            },
        ),
        (
            {"areas": "Lincoln, NE"},
            {
                "areas": "“Lincoln, NE” is not a country, state or province: name the whole "
                "area a member may be in."
            },
        ),
        (
            {"areas": "Nebraska", "worldwide": "on"},
            {"areas": "Worldwide covers every area: tick it or name areas, not both."},
        ),
        ({"areas": "Atlantis Prime"}, {"areas": "We couldn't find the place “Atlantis Prime”."}),
        (
            {"areas": ";".join(["Nebraska"] * 31)},
            {"areas": "Name 30 areas at most, or tick “Worldwide”."},
        ),
        (
            {"mode": "in_person"},
            {"place_text": "Enter the town or postcode, or drop a pin on the map."},
        ),
        (
            {"mode": "by carrier pigeon"},
            {
                "mode": "Select a valid choice. by carrier pigeon is not one of the available "
                "choices.",
                "place_text": "Enter the town or postcode, or drop a pin on the map.",
            },
        ),
    ],
)
def test_start_a_hub_refuses_bad_coverage_and_saves_nothing(client, fields, errors):
    response = _start(client, **fields)

    assert response.status_code == 200
    found = response.context["form"].errors
    assert sorted(found) == sorted(errors)
    for field, message in errors.items():
        assert found[field][0].startswith(message), found[field]
    assert not Hub.objects.filter(name="Prairie Pollinators").exists()


def test_start_a_hub_asks_anonymous_visitors_to_log_in(client):
    response = client.post(START, {"name": "Prairie Pollinators", "mode": "online"})

    assert response["Location"].startswith("/accounts/login/")
    assert not Hub.objects.filter(name="Prairie Pollinators").exists()


@pytest.fixture
def organized():
    """An in-person hub and a user who organizes it."""
    hub = make_hub(name="Lincoln Bee Club", latitude=40.8, longitude=-96.7)
    membership = make_membership(hub=hub, role=Membership.Role.ORGANIZER)
    return hub, _owner_of(membership.business)


def test_an_organizer_takes_the_hub_online_keeping_its_home_base(client, organized, nebraska):
    hub, organizer = organized
    client.force_login(organizer)

    response = client.post(
        reverse("hubs:hub_meets", args=[hub.slug]), {"mode": "online", "areas": "Nebraska"}
    )

    hub.refresh_from_db()
    assert response["Location"] == reverse("hubs:hub_manage", args=[hub.slug])
    assert (hub.mode, hub.point) == ("online", (40.8, -96.7))
    assert list(hub.covered_regions.all()) == [nebraska]


def test_an_organizer_drops_the_home_base_then_must_give_a_place_to_meet_in_person(
    client, organized
):
    hub, organizer = organized
    client.force_login(organizer)
    url = reverse("hubs:hub_meets", args=[hub.slug])
    client.post(url, {"mode": "online", "worldwide": "on", "no_home_base": "on"})
    hub.refresh_from_db()
    assert (hub.mode, hub.point, hub.region, hub.covers_worldwide) == ("online", None, None, True)

    refused = client.post(url, {"mode": "in_person"})
    assert refused.context["form"].errors == {
        "place_text": ["A hub that meets in person needs its town or postcode."]
    }
    hub.refresh_from_db()
    assert hub.is_online

    client.post(url, {"mode": "in_person", "place_text": "Omaha, NE"})
    hub.refresh_from_db()
    assert (hub.mode, hub.covers_worldwide, str(hub.region)) == ("in_person", False, "Nebraska, US")
    assert list(hub.covered_regions.all()) == []


def test_hub_meets_page_is_for_organizers_only(client, organized, superuser):
    hub, _ = organized
    url = reverse("hubs:hub_meets", args=[hub.slug])
    member = make_membership(hub=hub)
    stranger = make_user()

    assert client.get(url)["Location"].startswith("/accounts/login/")
    client.force_login(stranger)
    assert client.post(url, {"mode": "online", "worldwide": "on"}).status_code == 404
    client.force_login(_owner_of(member.business))
    assert client.post(url, {"mode": "online", "worldwide": "on"}).status_code == 403
    client.force_login(superuser)
    assert client.post(url, {"mode": "online", "worldwide": "on"}).status_code == 404
    hub.refresh_from_db()
    assert hub.mode == "in_person"


def test_change_mode_refuses_an_online_hub_without_coverage(organized):
    hub, _ = organized

    with pytest.raises(ActionRefused):
        services.hub_change_mode(hub=hub, coverage=Coverage(), home_base=None, keep_home_base=True)

    hub.refresh_from_db()
    assert hub.mode == "in_person"


def test_coverage_refuses_a_town():
    with pytest.raises(ValueError, match="is not a country, state or province"):
        Coverage.of([resolve("Lincoln, NE")])


# Admin and duplicates


def test_admin_form_refuses_an_online_hub_without_coverage_or_an_in_person_one_with_it(
    nebraska,
):
    hub = Hub.objects.get(name=BEEKEEPERS)

    online = HubAdminForm({"mode": "online", "covers_worldwide": ""}, instance=hub)
    in_person = HubAdminForm(
        {"mode": "in_person", "covered_regions": [nebraska.pk]}, instance=make_hub()
    )
    metro = HubAdminForm({"mode": "online", "covered_regions": [make_region().pk]}, instance=hub)

    assert online.errors == {"covered_regions": [NO_COVERAGE]}
    assert in_person.errors == {"covered_regions": ["A hub that meets in person covers no area."]}
    assert metro.errors == {"covered_regions": ["Coverage names countries, states or provinces."]}


def test_duplicate_lists_compare_online_hubs_without_a_point():
    from hubs import duplicates

    industry = make_industry()
    older = make_online_hub(name="Prairie Beekeepers Network", industry=industry, worldwide=True)
    newer = make_online_hub(
        name="Prairie Beekeepers Network Online", industry=industry, worldwide=True
    )
    make_hub(name="Prairie Beekeepers Network", industry=industry, latitude=40, longitude=-96)

    pairs = duplicates.likely_duplicates(Hub.objects.filter(industry=industry))

    assert [(p.older, p.newer, p.distance_km) for p in pairs if p.older.is_online] == [
        (older, newer, 0.0)
    ]


# The CSV importer's mode and coverage columns


def _import_hubs(tmp_path, content, *options):
    path = tmp_path / "hubs.csv"
    path.write_text(content, encoding="utf-8")
    out, errors = io.StringIO(), io.StringIO()
    call_command("import_csv", "hubs", str(path), *options, stdout=out, stderr=errors)
    return out.getvalue().splitlines(), errors.getvalue().splitlines(), path


def test_import_online_hubs_with_and_without_a_home_base(tmp_path, nebraska):
    content = (
        "name,industry,place,mode,coverage\n"
        "Plains Honey Online,112910,,online,Nebraska; Kansas\n"
        "World Bees,112910,,Online,worldwide\n"
        "Toronto Bee Net,112910,Toronto ON,online,Canada\n"
        "Lincoln Bee Club,112910,Lincoln NE,,\n"
    )

    out, errors, _ = _import_hubs(tmp_path, content)

    assert errors == []
    assert out == ["Imported hubs: 4 new, 0 updated, 0 unchanged, 0 rejected."]
    plains, world, toronto, lincoln = (
        Hub.objects.get(name=name)
        for name in ["Plains Honey Online", "World Bees", "Toronto Bee Net", "Lincoln Bee Club"]
    )
    assert (plains.mode, plains.point, plains.region) == ("online", None, None)
    assert sorted(plains.covered_regions.values_list("slug", flat=True)) == [
        "kansas-us",
        "nebraska-us",
    ]
    assert (world.covers_worldwide, list(world.covered_regions.all())) == (True, [])
    assert toronto.region.parent.name == "Ontario" or toronto.region.name == "Ontario"
    assert [r.slug for r in toronto.covered_regions.all()] == ["canada"]
    assert (lincoln.mode, lincoln.covers_worldwide, lincoln.region.name) == (
        "in_person",
        False,
        "Nebraska",
    )


def test_import_rejects_bad_online_rows_with_their_reasons(tmp_path):
    content = (
        "name,industry,place,mode,coverage\n"
        "No Coverage,112910,,online,\n"
        "Town Coverage,112910,,online,Lincoln NE\n"
        "Covered In Person,112910,Lincoln NE,in person,Nebraska\n"
        "No Place In Person,112910,,in person,\n"
        "Bad Mode,112910,Lincoln NE,by post,\n"
    )

    _, _, path = _import_hubs(tmp_path, content, "--skip-invalid")

    rejected = list(csv.DictReader(path.with_name("hubs-rejected.csv").open(encoding="utf-8")))
    assert [(row["row"], row["reason"]) for row in rejected] == [
        (
            "2",
            "Coverage: an online hub needs one: “worldwide”, or countries, states or provinces.",
        ),
        (
            "3",
            "Coverage: “Lincoln NE” is not a country, state or province: name the whole area a "
            "member may be in.",
        ),
        ("4", "Coverage is for online hubs: set mode to online, or leave it."),
        ("5", "Place: Enter a place, a postcode or a latitude, longitude."),
        ("6", "The mode 'by post' is not one of: in_person, online."),
    ]
    names = ["No Coverage", "Town Coverage", "Covered In Person", "No Place In Person", "Bad Mode"]
    assert not Hub.objects.filter(name__in=names).exists()


def test_export_writes_mode_and_coverage_a_person_can_import_again():
    from hubs.importers import HubResource

    dataset = HubResource().export(Hub.objects.filter(name__in=[BREWERS, MAKERS]).order_by("name"))

    rows = [dict(zip(dataset.headers, row, strict=True)) for row in dataset]
    assert [(r["name"], r["mode"], r["coverage"]) for r in rows] == [
        (BREWERS, "online", "Iowa, United States; Kansas, United States; Nebraska, United States"),
        (MAKERS, "online", "Canada"),
    ]


def test_hub_list_near_a_place_points_to_the_online_hubs_taking_members_from_it(client):
    response = client.get(HUB_LIST, {"near": "Lincoln, NE", "sort": "nearest"})

    note = re.search(r'<p class="meta" id="online-note">(.*?)</p>', body(response), re.S)[1]
    assert text(note) == (
        "Online hubs have no distance and are not listed by it: list the online hubs that "
        "take members from Lincoln, NE."
    )
    link = re.search(r'href="([^"]+)"', note)[1].replace("&amp;", "&")
    assert link == "?near=Lincoln%2C+NE&mode=online"
    followed = client.get(HUB_LIST + link)
    assert hub_cards(body(followed)) == [(BEEKEEPERS, None), (BREWERS, None)]


def test_industry_page_lists_online_hubs_with_their_coverage(client):
    apiculture = Industry.objects.get(code="112910")

    response = client.get(apiculture.get_absolute_url())

    cards = re.findall(r'<li class="card hub-card">(.*?)</li>', body(response), re.S)
    bees = next(text(card) for card in cards if BEEKEEPERS in card)
    assert "Online Apiculture · for United States" in bees
    assert BEEKEEPERS not in [point["name"] for point in response.context["map_points"]]


def test_geojson_with_online_hubs_costs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2) as before:  # The hubs, then their coverage.
        client.get(GEOJSON, {"mode": "online"})
    for n in range(5):
        make_online_hub(name=f"Extra Net {n}", covering=[region("canada")])

    with django_assert_max_num_queries(2) as after:
        found = _features(client.get(GEOJSON, {"mode": "online"}))

    assert len(found) == 8
    assert len(after.captured_queries) == len(before.captured_queries)
