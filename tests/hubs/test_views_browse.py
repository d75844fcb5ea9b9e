"""Browsing: the hub list and its facets, and the pages of hubs, industries, regions and
businesses."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hubs import geo, vocabulary
from hubs.models import (
    Business,
    Hub,
    Industry,
    Meeting,
    Membership,
    Mention,
    Partner,
    Region,
    Resource,
    Stage,
    Update,
)
from tests.factories import (
    make_business,
    make_hub,
    make_industry,
    make_membership,
    make_region,
    make_resource,
)
from tests.rendered import body, h1, heading, hub_cards, list_items, section, text

pytestmark = pytest.mark.django_db

HUB_LIST = reverse("hubs:hub_list")


def card_names(response, heading_id="list-heading"):
    return [name for name, _ in hub_cards(section(response, heading_id))]


def shown_km(km):
    return f"{km:,.1f} km" if km < 100 else f"{km:,.0f} km"


@pytest.fixture
def testland():
    """A country with two provinces, each with a metro area, in the South Pacific."""
    country = make_region(name="Testland", kind=Region.Kind.COUNTRY, code="TL", slug="testland")
    north = make_region(
        name="North Province", slug="north-province", kind=Region.Kind.STATE, parent=country
    )
    south = make_region(
        name="South Province", slug="south-province", kind=Region.Kind.STATE, parent=country
    )
    return {
        "country": country,
        "north": north,
        "south": south,
        "capital": make_region(name="Capital Metro", parent=north),
        "harbour": make_region(name="Harbour Metro", parent=south),
    }


@pytest.fixture
def lutes(testland):
    """Lute making: four approved hubs (one of a sub-industry), a pending and a rejected one."""
    industry = make_industry(code="95", title="Lute Making", slug="lute-making")
    sub = make_industry(code="951", title="Theorbo Making", slug="theorbo-making", parent=industry)
    specs = [
        # name, industry, region, latitude, stage override, active members
        ("Alpha Lutes", industry, "capital", -45.0, Stage.EMERGING, 2),
        ("Bravo Lutes", industry, "harbour", -45.3, Stage.ESTABLISHED, 3),
        ("Charlie Lutes", industry, "capital", -45.1, "", 1),
        ("Echo Lutes", sub, "harbour", -45.2, "", 0),
    ]
    for name, trade, region, lat, override, members in specs:
        hub = make_hub(
            name=name,
            industry=trade,
            region=testland[region],
            latitude=lat,
            longitude=-140.0,
            stage_override=override,
        )
        for n in range(members):
            member = make_business(name=f"{name} Member {n}", region=testland[region])
            make_membership(hub=hub, business=member)
        hub.refresh_member_count()
    Hub.objects.filter(name="Charlie Lutes").update(description="Baroque theorbo workshops.")
    make_hub(name="Delta Lutes", industry=industry, status=Hub.Status.PENDING)
    make_hub(name="Foxtrot Lutes", industry=industry, status=Hub.Status.REJECTED)
    return industry


def test_hub_list_shows_approved_hubs_by_name(client):
    expected = list(Hub.objects.approved().order_by("name").values_list("name", flat=True))

    response = client.get(HUB_LIST)

    assert heading(response, "list-heading") == f"{len(expected)} hubs"
    assert card_names(response) == expected[:20]


@pytest.mark.parametrize(
    ("facets", "expected"),
    [
        ({}, ["Alpha Lutes", "Bravo Lutes", "Charlie Lutes", "Echo Lutes"]),
        ({"region": "north-province"}, ["Alpha Lutes", "Charlie Lutes"]),
        ({"region": "testland"}, ["Alpha Lutes", "Bravo Lutes", "Charlie Lutes", "Echo Lutes"]),
        ({"stage": "emerging"}, ["Alpha Lutes"]),
        ({"stage": "nascent"}, ["Charlie Lutes", "Echo Lutes"]),
        ({"q": "THEORBO"}, ["Charlie Lutes"]),
        ({"q": "bravo lutes"}, ["Bravo Lutes"]),
        ({"stage": "established", "region": "south-province"}, ["Bravo Lutes"]),
    ],
)
def test_hub_list_facets_filter_the_hubs_of_an_industry(client, lutes, facets, expected):
    response = client.get(HUB_LIST, {"industry": "lute-making", **facets})

    assert card_names(response) == expected
    assert heading(response, "list-heading") == f"{len(expected)} hub{'s' * (len(expected) > 1)}"


def test_hub_list_text_search_spans_industries(client, lutes):
    response = client.get(HUB_LIST, {"q": "lutes"})

    assert card_names(response) == ["Alpha Lutes", "Bravo Lutes", "Charlie Lutes", "Echo Lutes"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Alpha Lutes", "Bravo Lutes", "Charlie Lutes", "Echo Lutes"]),
        ("members", ["Bravo Lutes", "Alpha Lutes", "Charlie Lutes", "Echo Lutes"]),
        ("newest", ["Echo Lutes", "Charlie Lutes", "Bravo Lutes", "Alpha Lutes"]),
    ],
)
def test_hub_list_sorts(client, lutes, sort, expected):
    response = client.get(HUB_LIST, {"industry": "lute-making", "sort": sort})

    assert card_names(response) == expected


def test_hub_list_sorts_nearest_a_place_with_distances(client, lutes):
    response = client.get(
        HUB_LIST, {"industry": "lute-making", "near": "-45, -140", "sort": "nearest"}
    )

    assert hub_cards(section(response, "list-heading")) == [
        ("Alpha Lutes", "0.0 km"),
        ("Charlie Lutes", shown_km(geo.haversine_km(-45, -140, -45.1, -140))),
        ("Echo Lutes", shown_km(geo.haversine_km(-45, -140, -45.2, -140))),
        ("Bravo Lutes", shown_km(geo.haversine_km(-45, -140, -45.3, -140))),
    ]


def test_hub_list_with_a_place_lists_the_nearest_first_without_choosing_a_sort(client, lutes):
    # The form sends an empty sort when nobody picks one.
    response = client.get(HUB_LIST, {"industry": "lute-making", "near": "-45, -140", "sort": ""})

    assert card_names(response) == ["Alpha Lutes", "Charlie Lutes", "Echo Lutes", "Bravo Lutes"]
    # ...and the sort list starts on that choice, so submitting the form keeps it.
    assert '<option value="" selected>Nearest with a place, else name</option>' in body(response)


def test_hub_list_nearest_without_a_place_says_what_it_needs(client, lutes):
    response = client.get(HUB_LIST, {"industry": "lute-making", "sort": "nearest"})

    assert response.context["filter"].form.errors == {
        "sort": ["Nearest needs a place: type one in “Near”."]
    }
    assert "Nearest needs a place: type one in “Near”." in body(response)
    assert card_names(response) == ["Alpha Lutes", "Bravo Lutes", "Charlie Lutes", "Echo Lutes"]


def test_hub_list_within_a_distance_of_a_place_keeps_the_hubs_inside(client, lutes):
    # Charlie is 11.1 km from the place, Echo 22.2 km, Bravo 33.4 km.
    response = client.get(
        HUB_LIST, {"industry": "lute-making", "near": "-45, -140", "within": "25"}
    )

    assert card_names(response) == ["Alpha Lutes", "Charlie Lutes", "Echo Lutes"]
    assert heading(response, "list-heading") == "3 hubs"
    assert '<label for="id_within">Within (km)</label>' in body(response)


def test_hub_list_within_reads_the_distance_in_the_remembered_unit(client, lutes):
    client.cookies["unit"] = "mi"  # 25 mi is 40.2 km: Bravo, at 33.4 km, is inside.

    response = client.get(
        HUB_LIST, {"industry": "lute-making", "near": "-45, -140", "within": "25"}
    )

    assert card_names(response) == ["Alpha Lutes", "Charlie Lutes", "Echo Lutes", "Bravo Lutes"]
    assert '<label for="id_within">Within (mi)</label>' in body(response)


def test_hub_list_within_without_a_place_says_what_it_needs(client, lutes):
    response = client.get(HUB_LIST, {"industry": "lute-making", "within": "25"})

    assert response.context["filter"].form.errors == {
        "within": ["A distance needs a place: type one in “Near”."]
    }
    assert card_names(response) == ["Alpha Lutes", "Bravo Lutes", "Charlie Lutes", "Echo Lutes"]


@pytest.mark.parametrize("within", ["7", "-25", "1e9", "abc", "25\x00"])
def test_hub_list_within_a_distance_not_offered_is_reported_not_fatal(client, lutes, within):
    response = client.get(
        HUB_LIST, {"industry": "lute-making", "near": "-45, -140", "within": within}
    )

    assert response.status_code == 200
    assert list(response.context["filter"].form.errors) == ["within"]
    # The place was understood: its list is still nearest first.
    assert card_names(response) == ["Alpha Lutes", "Charlie Lutes", "Echo Lutes", "Bravo Lutes"]


@pytest.fixture
def fiddles(testland):
    """Thirty approved fiddle hubs due south of (-45, -140), one every 0.1° (11.12 km)."""
    industry = make_industry(code="96", title="Fiddle Making", slug="fiddle-making")
    for n in range(30):
        make_hub(
            name=f"Fiddles {n:02d}",
            industry=industry,
            region=testland["capital"],
            latitude=-45.0 - n / 10,
            longitude=-140.0,
        )
    return industry


def test_hub_list_near_a_place_keeps_the_smallest_distance_holding_twenty_hubs(client, fiddles):
    # 20 hubs need 211 km: of the offered distances, 300 km is the first; it holds 27 hubs
    # (the 27th lies at 289 km, the 28th at 300.2 km).
    response = client.get(HUB_LIST, {"industry": "fiddle-making", "near": "-45, -140"})

    assert heading(response, "list-heading") == "27 hubs"
    assert card_names(response)[:3] == ["Fiddles 00", "Fiddles 01", "Fiddles 02"]
    assert response.context["filter"].automatic_within == 300
    assert re.search(
        r'id="automatic-within">Within 300 km of ([^<]+): the smallest distance '
        r"that holds at least 20 hubs",
        body(response),
    )
    assert '<option value="" selected>Automatic</option>' in body(response)


def test_hub_list_automatic_distance_is_in_the_remembered_unit(client, fiddles):
    client.cookies["unit"] = "mi"  # 150 mi (241 km) holds 22 hubs; 100 mi (161 km) only 15.

    response = client.get(HUB_LIST, {"industry": "fiddle-making", "near": "-45, -140"})

    assert heading(response, "list-heading") == "22 hubs"
    assert response.context["filter"].automatic_within == 150


def test_hub_list_a_chosen_distance_replaces_the_automatic_one(client, fiddles):
    response = client.get(
        HUB_LIST, {"industry": "fiddle-making", "near": "-45, -140", "within": "50"}
    )

    assert heading(response, "list-heading") == "5 hubs"
    assert response.context["filter"].automatic_within is None
    assert 'id="automatic-within"' not in body(response)


def test_hub_list_without_a_place_has_no_automatic_distance(client, fiddles):
    response = client.get(HUB_LIST, {"industry": "fiddle-making"})

    assert heading(response, "list-heading") == "30 hubs"
    assert response.context["filter"].automatic_within is None


def test_hub_list_near_a_place_measures_only_hubs_inside_a_box(client, fiddles):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(HUB_LIST, {"near": "-45, -140", "sort": "name"})

    measured = [q["sql"] for q in captured.captured_queries if "ASIN" in q["sql"]]
    assert measured  # The probes and the page are measured in SQL...
    # ...and every one of them reads a latitude range first: no statement measures every hub.
    assert all('"hubs_hub"."latitude" >=' in sql for sql in measured), measured


def test_hub_list_within_is_offered_in_miles_near_a_us_place(client):
    response = client.get(HUB_LIST, {"near": "Ogden, UT", "within": "250"})

    assert '<label for="id_within">Within (mi)</label>' in body(response)


def test_hub_list_unknown_facet_values_are_reported_not_fatal(client, lutes):
    response = client.get(HUB_LIST, {"industry": "lute-making", "stage": "bogus", "sort": "x"})

    assert response.status_code == 200
    assert set(response.context["filter"].form.errors) == {"stage", "sort"}
    assert card_names(response) == ["Alpha Lutes", "Bravo Lutes", "Charlie Lutes", "Echo Lutes"]


def test_hub_list_bad_page_shows_the_first_page(client):
    first = card_names(client.get(HUB_LIST))

    assert card_names(client.get(HUB_LIST, {"page": "abc"})) == first


def test_hub_detail_shows_the_hub_its_members_and_neighbours(client, lutes):
    hub = Hub.objects.get(name="Bravo Lutes")
    organizer = Membership.objects.filter(hub=hub).order_by("business__name").last()
    organizer.role = Membership.Role.ORGANIZER
    organizer.connections = ["finance", "media"]
    organizer.save()
    make_membership(hub=hub, business=make_business(name="Bravo Applicant"), state="requested")
    make_resource(name="Harbour Chamber", latitude=-45.35, longitude=-140.0)
    make_resource(name="Distant Chamber", latitude=-48.0, longitude=-140.0)
    strings = make_industry(title="String Making")
    strings.complements.add(lutes)
    make_hub(name="Harbour Strings", industry=strings, latitude=-45.5, longitude=-140.0)

    response = client.get(hub.get_absolute_url())

    assert h1(response) == "Bravo Lutes"
    assert heading(response, "members-heading") == "3 member businesses"
    assert list_items(section(response, "members-heading")) == [
        "Bravo Lutes Member 2 Organizer Testville",
        "Bravo Lutes Member 0 Testville",
        "Bravo Lutes Member 1 Testville",
    ]
    assert list_items(section(response, "network-heading")) == [
        "1 member brings connections in finance and investors",
        "1 member brings connections in media and bloggers",
    ]
    assert list_items(section(response, "resources-heading")) == [
        "Harbour Chamber Chamber of commerce · Testville · "
        + shown_km(geo.haversine_km(-45.3, -140, -45.35, -140))
    ]
    assert list_items(section(response, "complementary-heading")) == [
        "Harbour Strings String Making · " + shown_km(geo.haversine_km(-45.3, -140, -45.5, -140))
    ]


def _hub_with_every_list():
    """A hub with one of each of its page's lists, and things those lists leave out: a partner
    awaiting review, a cancelled meeting."""
    hub = make_hub(name="Full Hub", latitude=-45.0, longitude=-140.0)
    hub.secondary_industries.add(make_industry(title="Bow Making", slug="bow-making"))
    reviewed = make_resource(name="City Hall", kind=Resource.Kind.CITY)
    Partner.objects.create(hub=hub, resource=reviewed, note="Lends the hall.")
    Partner.objects.create(hub=hub, resource=make_resource(name="Unreviewed", pending_review=True))
    Mention.objects.create(hub=hub, title="Makers unite", url="https://news.example/makers")
    Update.objects.create(hub=hub, title="Fair on Friday", body="Come.")
    starts_at = timezone.now() + timedelta(days=3)
    meeting = {"hub": hub, "address": "Town hall", "ends_at": starts_at + timedelta(hours=2)}
    Meeting.objects.create(title="Spring meeting", starts_at=starts_at, **meeting)
    Meeting.objects.create(
        title="Called off", starts_at=starts_at, cancelled_at=timezone.now(), **meeting
    )
    strings = make_industry(title="String Making")
    strings.complements.add(hub.industry)
    make_hub(name="Strings Nearby", industry=strings, latitude=-45.1, longitude=-140.0)
    return hub


def test_hub_detail_shows_each_of_its_lists(client):
    hub = _hub_with_every_list()

    response = client.get(hub.get_absolute_url())

    assert "Also: Bow Making " in text(body(response))
    assert list_items(section(response, "partners-heading")) == ["City Hall Lends the hall."]
    assert list_items(section(response, "mentions-heading")) == ["Makers unite"]
    assert heading(response, "updates-heading") == "News from the hub"
    assert "Fair on Friday" in text(section(response, "updates-heading"))
    [meeting] = list_items(section(response, "meetings-heading"))
    assert (meeting.split(" ")[:2], meeting.split(" · ")[-1]) == (
        ["Spring", "meeting"],
        "Town hall",
    )
    assert list_items(section(response, "complementary-heading")) == [
        "Strings Nearby String Making · " + shown_km(geo.haversine_km(-45, -140, -45.1, -140))
    ]


def test_hub_detail_reads_only_the_lists_that_hold_something(
    client, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = settings.FRAGMENT_CACHE_SECONDS = 0
    full, empty = _hub_with_every_list(), make_hub(name="Empty Hub")
    Partner.objects.create(hub=empty, resource=make_resource(pending_review=True))
    client.get(full.get_absolute_url())  # The tallies, counted once per directory version.

    # The hub, members, partners, mentions, updates, secondary industries, upcoming meetings,
    # meetings held, resources and complementary hubs.
    with django_assert_num_queries(10):
        client.get(full.get_absolute_url())
    # The hub, members and resources: nothing is listed, no complement has a hub.
    with django_assert_num_queries(3):
        response = client.get(empty.get_absolute_url())

    page = body(response)
    assert "Engaged partners" not in page
    assert "In the press" not in page
    assert "News from the hub" not in page
    assert "Also: " not in page
    assert "Complementary hubs nearby" not in page
    assert list_items(section(response, "meetings-heading")) == []
    assert "No meeting scheduled." in text(section(response, "meetings-heading"))


@pytest.mark.parametrize("status", [Hub.Status.PENDING, Hub.Status.REJECTED, Hub.Status.ARCHIVED])
def test_hub_detail_of_a_hub_not_approved_is_not_found(client, status):
    hub = make_hub(name="Hidden Hub", status=status)

    response = client.get(hub.get_absolute_url())

    assert response.status_code == 404
    assert "Hidden Hub" not in body(response)


def test_hub_detail_of_an_unknown_slug_is_not_found(client):
    assert client.get(reverse("hubs:hub", args=["no-such-hub"])).status_code == 404


def test_industry_detail_lists_its_hubs_sub_industries_and_complements(client, lutes):
    strings = make_industry(title="String Making")
    strings.complements.add(lutes)

    response = client.get(lutes.get_absolute_url())

    assert h1(response) == "Lute Making"
    assert heading(response, "hubs-heading") == "4 hubs"
    assert card_names(response, "hubs-heading") == [
        "Bravo Lutes",
        "Alpha Lutes",
        "Charlie Lutes",
        "Echo Lutes",
    ]
    assert list_items(section(response, "children-heading")) == ["Theorbo Making 951"]
    assert list_items(section(response, "complements-heading")) == ["String Making"]


def test_industry_detail_of_manufacturing_counts_sub_industry_hubs(client):
    expected = [
        hub.name
        for hub in Hub.objects.approved()
        .select_related("industry")
        .order_by("-member_count", "name")
        if hub.industry.code[:2] in {"31", "32", "33"}
    ]

    response = client.get(reverse("hubs:industry", args=["31-33-manufacturing"]))

    assert card_names(response, "hubs-heading") == expected


def test_industry_list_shows_every_sector(client):
    response = client.get(reverse("hubs:industry_list"))

    codes = re.findall(r"NAICS ([0-9-]+)</span></h2>", body(response))
    assert codes == list(
        Industry.objects.filter(parent=None).order_by("code").values_list("code", flat=True)
    )
    assert codes[:6] == ["11", "21", "22", "23", "31-33", "42"]


def test_region_detail_of_a_province_lists_its_hubs_metros_and_businesses(client, lutes, testland):
    make_business(name="Capital Bakery", region=testland["capital"])

    response = client.get(testland["north"].get_absolute_url())

    assert h1(response) == "Hubs in North Province"
    assert card_names(response, "hubs-heading") == ["Alpha Lutes", "Charlie Lutes"]
    children = body(response).split('<ul class="inline-list">')[1].split("</ul>")[0]
    assert list_items(children) == ["Capital Metro (2)"]
    # Alpha's two members, Charlie's one, and the bakery.
    assert heading(response, "businesses-heading") == "4 businesses"


def test_region_detail_of_a_country_counts_hubs_in_each_province_by_name(client, lutes, testland):
    make_region(name="Empty Province", kind=Region.Kind.STATE, parent=testland["country"])

    response = client.get(testland["country"].get_absolute_url())

    children = body(response).split('<ul class="inline-list">')[1].split("</ul>")[0]
    # Approved hubs in each province's metro areas; pending and rejected ones do not count.
    assert list_items(children) == [
        "Empty Province (0)",
        "North Province (2)",
        "South Province (2)",
    ]


def test_region_detail_of_the_united_states_counts_each_states_hubs(client):
    country = Region.objects.get(slug="united-states")
    expected = [
        f"{state.name} ({Hub.objects.approved().filter(region__parent=state).count()})"
        for state in sorted(country.children.all(), key=lambda r: r.name)
    ]

    response = client.get(country.get_absolute_url())

    children = body(response).split('<ul class="inline-list">')[1].split("</ul>")[0]
    assert list_items(children) == expected


def test_region_list_shows_countries_by_name(client):
    expected = sorted(Region.objects.filter(kind="country").values_list("name", flat=True))

    response = client.get(reverse("hubs:region_list"))

    countries = body(response).split('<ul class="sector-list">')[1].split("<h2>")[1:]
    assert [c.split("</a>")[0].split(">")[-1] for c in countries] == expected


def test_business_list_filters_by_industry_and_text(client, lutes):
    make_business(name="Lute Strings Supply", industry=lutes)
    listing = reverse("hubs:business_list")

    by_industry = client.get(listing, {"industry": "lute-making"})
    by_text = client.get(listing, {"q": "strings supply"})

    assert [item.split(" Lute Making")[0] for item in list_items(section_of_list(by_industry))] == [
        "Lute Strings Supply"
    ]
    assert [item.split(" Lute Making")[0] for item in list_items(section_of_list(by_text))] == [
        "Lute Strings Supply"
    ]


def section_of_list(response):
    return body(response).split('<ul class="plain-list">')[1].split("</ul>")[0]


BUSINESS_LIST = reverse("hubs:business_list")


def business_names(response):
    return [item.split(" Violin Making")[0] for item in list_items(section_of_list(response))]


@pytest.fixture
def violins(testland):
    """Thirty violin makers due south of (-45, -140), one every 0.1° (11.12 km), and two home
    workshops: one whose home is at the point but whose town is 556 km away, one whose home is
    far but whose town is at the point."""
    industry = make_industry(code="97", title="Violin Making", slug="violin-making")
    for n in range(30):
        make_business(
            name=f"Violins {n:02d}",
            industry=industry,
            region=testland["capital"],
            latitude=-45.0 - n / 10,
            longitude=-140.0,
        )
    make_business(
        name="Home Workshop Far Town", industry=industry, region=testland["capital"],
        latitude=-45.0, longitude=-140.0, town_latitude=-50.0, town_longitude=-140.0,
        location_public=False,
    )  # fmt: skip
    make_business(
        name="Home Workshop Near Town", industry=industry, region=testland["capital"],
        latitude=-50.0, longitude=-140.0, town_latitude=-45.05, town_longitude=-140.0,
        location_public=False,
    )  # fmt: skip
    return industry


def test_business_list_near_a_place_counts_only_the_smallest_distance_holding_twenty(
    client, violins
):
    # 20 businesses need 200 km: of the offered distances, 300 km is the first; it holds the
    # 27 within 289 km and the home workshop measured at its town (5.6 km), not its home.
    response = client.get(BUSINESS_LIST, {"near": "-45, -140"})

    assert heading(response, "list-heading") == "28 businesses"
    assert business_names(response)[:4] == [
        "Violins 00", "Home Workshop Near Town", "Violins 01", "Violins 02",
    ]  # fmt: skip
    assert response.context["filter"].automatic_within == 300
    assert re.search(
        r'id="automatic-within">Within 300 km of ([^<]+): the smallest distance '
        r"that holds at least 20 businesses",
        body(response),
    )
    assert "Home Workshop Far Town" not in body(response)


def test_business_list_a_chosen_distance_counts_only_within_it(client, violins):
    client.cookies["unit"] = "mi"  # 25 mi is 40.2 km: 0, 11.1, 22.2 and 33.4 km, and the town

    response = client.get(BUSINESS_LIST, {"near": "-45, -140", "within": "25"})

    assert heading(response, "list-heading") == "5 businesses"
    assert business_names(response) == [
        "Violins 00", "Home Workshop Near Town", "Violins 01", "Violins 02", "Violins 03",
    ]  # fmt: skip
    assert response.context["filter"].automatic_within is None
    assert 'id="automatic-within"' not in body(response)
    assert '<label for="id_within">Within (mi)</label>' in body(response)
    # Each one's distance, to the point anyone may see: the home workshop's town, not its home.
    assert [item.rsplit(" · ", 1)[1] for item in list_items(section_of_list(response))] == [
        "0.0 mi", "3.5 mi", "6.9 mi", "13.8 mi", "20.7 mi",
    ]  # fmt: skip


def test_business_list_a_distance_without_a_place_is_reported(client, violins):
    response = client.get(BUSINESS_LIST, {"within": "50"})

    assert response.context["filter"].form.errors == {
        "within": ["A distance needs a place: type one in “Near”."]
    }


def test_business_list_without_filters_counts_the_directory_once_per_version(
    client, violins, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0
    client.get(BUSINESS_LIST)

    with django_assert_num_queries(3):  # the industry and region choices, the first page
        response = client.get(BUSINESS_LIST)
    assert heading(response, "list-heading") == f"{Business.objects.count()} businesses"
    make_business(name="Violins Newly Listed", industry=violins)

    response = client.get(BUSINESS_LIST)

    assert heading(response, "list-heading") == f"{Business.objects.count()} businesses"


def test_business_detail_shows_a_public_address(client):
    business = make_business(name="Open Workshop", address="12 Harbour Road")

    response = client.get(business.get_absolute_url())

    assert h1(response) == "Open Workshop"
    assert "12 Harbour Road" in body(response)


def test_business_detail_of_a_home_business_hides_its_address_and_point(client):
    business = make_business(
        name="Kitchen Table Bindery",
        address="7 Quiet Lane",
        latitude=-45.123456,
        longitude=-140.654321,
        town_latitude=-45.1,
        town_longitude=-140.6,
        location_public=False,
    )

    response = client.get(business.get_absolute_url())

    html = body(response)
    assert h1(response) == "Kitchen Table Bindery"
    assert "Home-based: only the town is shown." in html
    for secret in ("7 Quiet Lane", "45.123", "140.654", "45,123", "140,654"):
        assert secret not in html


def test_business_detail_lists_only_active_memberships_of_approved_hubs(client):
    business = make_business(name="Joiner")
    make_membership(hub=make_hub(name="Active Hub"), business=business)
    make_membership(hub=make_hub(name="Asked Hub"), business=business, state="requested")
    make_membership(hub=make_hub(name="Pending Hub", status="pending"), business=business)

    response = client.get(business.get_absolute_url())

    hubs = body(response).split("<h2>Hubs</h2>")[1].split("</ul>")[0]
    assert list_items(hubs) == ["Active Hub Member"]


# The GeoJSON API also answers HEAD and preflights: tests/hubs/test_cors.py.
PUBLIC_PAGES = [
    ("hubs:home", []),
    ("hubs:search", []),
    ("hubs:hub_list", []),
    ("hubs:hub", ["ogden-outdoor-products"]),
    ("hubs:industry_list", []),
    ("hubs:industry_suggestions", []),
    ("hubs:industry", ["31-33-manufacturing"]),
    ("hubs:region_list", []),
    ("hubs:region", ["utah-us"]),
    ("hubs:business_list", []),
    ("hubs:about", []),
]


@pytest.mark.parametrize(("name", "args"), PUBLIC_PAGES, ids=[name for name, _ in PUBLIC_PAGES])
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_public_pages_are_get_only(client, name, args, method):
    response = getattr(client, method)(reverse(name, args=args))

    assert response.status_code == 405
    assert response["Allow"] == "GET"


def grow_directory(industry, region, n=25):
    """More hubs, members, businesses and provinces, to show page costs don't grow with them."""
    for i in range(n):
        hub = make_hub(name=f"Growth Hub {i}", industry=industry, region=region, latitude=-45.01)
        make_membership(
            hub=hub,
            business=make_business(name=f"Growth Member {i}", industry=industry, region=region),
            connections=["finance"],
        )
        hub.refresh_member_count()
        starts = timezone.now() + timedelta(days=i + 1)
        Meeting.objects.create(
            hub=hub, title=f"Growth Meeting {i}", starts_at=starts,
            ends_at=starts + timedelta(hours=2), address="Town hall",
        )  # fmt: skip
        make_business(name=f"Growth Loner {i}", industry=industry, region=region)
        make_resource(name=f"Growth Resource {i}", region=region, latitude=-45.02)
        make_region(name=f"Growth Province {i}", kind=Region.Kind.STATE, parent=region.parent)


# Queries each page costs, whatever the number of rows. The hub list reads the coverage of the
# online hubs it shows (the demo's are on its first page); a region page, the online hubs that
# cover it.
PAGE_QUERIES = {
    "hub list": 5,
    # The hub's upcoming meetings are one read more (9 since meetings came).
    "hub detail": 9,
    "region detail": 6,
    "industry detail": 4,
    "business list": 4,
}


def _page_urls(lutes, testland):
    return {
        "hub list": HUB_LIST,
        "hub detail": Hub.objects.get(name="Alpha Lutes").get_absolute_url(),
        "region detail": testland["north"].get_absolute_url(),
        "industry detail": lutes.get_absolute_url(),
        "business list": reverse("hubs:business_list"),
    }


@pytest.mark.parametrize("page", PAGE_QUERIES)
def test_browse_pages_cost_a_fixed_number_of_queries(
    client, lutes, testland, django_assert_max_num_queries, page
):
    url = _page_urls(lutes, testland)[page]
    vocabulary.vocabulary()  # Each process builds the industry index once, not per page.
    with django_assert_max_num_queries(PAGE_QUERIES[page]) as before:
        client.get(url)
    grow_directory(lutes, testland["capital"])

    with django_assert_max_num_queries(PAGE_QUERIES[page]) as after:
        response = client.get(url)

    assert response.status_code == 200
    assert len(after.captured_queries) == len(before.captured_queries)
