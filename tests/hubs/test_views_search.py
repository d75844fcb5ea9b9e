"""The home page and the search: what you make, where you are, and the hubs near you."""

from datetime import timedelta

import pytest
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from hubs import geo, vocabulary
from hubs.models import Business, Hub, Industry, Meeting, Membership, Place
from tests.factories import make_business, make_hub, make_industry, make_membership
from tests.rendered import alerts, body, h1, heading, hub_cards, list_items, section, suggestions

pytestmark = pytest.mark.django_db

SEARCH = reverse("hubs:search")


def shown(km, unit):
    """A distance as the pages print it: one decimal under 100, whole numbers above."""
    value = geo.km_to_miles(km) if unit == "mi" else km
    return f"{value:,.1f} {unit}" if value < 100 else f"{value:,.0f} {unit}"


def distance_from(point, row):
    return geo.haversine_km(*point, row.latitude, row.longitude)


@pytest.fixture
def ogden():
    place = Place.objects.get(kind=Place.Kind.CITY, name="Ogden", admin1="UT")
    return (place.latitude, place.longitude)


def test_home_shows_the_figures_and_the_search_form(client):
    response = client.get(reverse("hubs:home"))

    figures = list_items(
        section(response, "figures-heading").split('<ul class="figures">')[1].split("</ul>")[0]
    )
    assert figures == [
        f"{Hub.objects.approved().count():,} hubs",
        f"{Business.objects.count():,} businesses",
        f"{Industry.objects.count():,} industries",
    ]
    html = body(response)
    assert f'<form class="search-form" action="{SEARCH}" method="get" role="search">' in html
    assert 'name="industry"' in html and 'name="near"' in html


def home_figures(response):
    return list_items(
        section(response, "figures-heading").split('<ul class="figures">')[1].split("</ul>")[0]
    )


def test_home_figures_are_counted_again_after_a_save(client):
    before = home_figures(client.get(reverse("hubs:home")))
    industry = Industry.objects.get(code="339920")
    make_business(name="Newly Listed", industry=industry)
    make_hub(name="Newly Approved", industry=industry)

    after = home_figures(client.get(reverse("hubs:home")))

    assert after == [
        f"{Hub.objects.approved().count():,} hubs",
        f"{Business.objects.count():,} businesses",
        f"{Industry.objects.count():,} industries",
    ]
    assert after != before


def test_home_figures_are_counted_once_per_directory_version(
    client, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0
    client.get(reverse("hubs:home"))

    with django_assert_num_queries(1):  # the map's hubs; the figures are kept
        client.get(reverse("hubs:home"))


def test_search_lists_ogden_outdoor_products_first_with_its_distance(client, ogden):
    provo = Hub.objects.get(name="Provo Outdoor Gear Makers")
    ogden_hub = Hub.objects.get(name="Ogden Outdoor Products")

    response = client.get(SEARCH, {"industry": "sporting goods", "near": "Ogden, UT"})

    assert h1(response) == "Sporting and Athletic Goods Manufacturing hubs near Ogden, UT"
    assert heading(response, "results-heading") == "2 hubs within 100 mi"
    assert hub_cards(section(response, "results-heading")) == [
        ("Ogden Outdoor Products", shown(distance_from(ogden, ogden_hub), "mi")),
        ("Provo Outdoor Gear Makers", shown(distance_from(ogden, provo), "mi")),
    ]
    assert shown(distance_from(ogden, provo), "mi") == "70.3 mi"


def test_search_shows_kilometres_when_asked_and_remembers_the_choice(client, ogden):
    provo = Hub.objects.get(name="Provo Outdoor Gear Makers")
    query = {"industry": "339920", "near": "Ogden, UT"}

    chosen = client.get(SEARCH, {**query, "unit": "km"})
    remembered = client.get(SEARCH, query)

    assert chosen.cookies["unit"].value == "km"
    assert chosen.cookies["unit"]["max-age"] == 365 * 24 * 3600
    for response in (chosen, remembered):
        assert heading(response, "results-heading") == "2 hubs within 150 km"
        assert hub_cards(section(response, "results-heading"))[1] == (
            "Provo Outdoor Gear Makers",
            shown(distance_from(ogden, provo), "km"),
        )
    assert "unit" not in remembered.cookies


def test_search_chosen_unit_wins_over_the_remembered_one(client):
    client.cookies["unit"] = "km"

    response = client.get(SEARCH, {"industry": "339920", "near": "Ogden, UT", "unit": "mi"})

    assert heading(response, "results-heading") == "2 hubs within 100 mi"
    assert response.cookies["unit"].value == "mi"


def test_search_defaults_to_kilometres_outside_the_miles_countries(client):
    stuttgart = Place.objects.get(kind=Place.Kind.CITY, name="Stuttgart", country="DE")
    hub = Hub.objects.get(name="Stuttgart Automotive")

    response = client.get(SEARCH, {"industry": "336110", "near": "Stuttgart"})

    assert h1(response) == (
        "Automobile and Light Duty Motor Vehicle Manufacturing hubs near Stuttgart, Germany"
    )
    assert heading(response, "results-heading") == "1 hub within 150 km"
    assert hub_cards(section(response, "results-heading")) == [
        ("Stuttgart Automotive", shown(distance_from(stuttgart.point, hub), "km"))
    ]


def test_search_by_typed_coordinates_names_the_nearest_town_in_its_unit(client):
    response = client.get(SEARCH, {"industry": "339920", "near": "41.25, -111.95"})

    assert h1(response) == "Sporting and Athletic Goods Manufacturing hubs near Ogden, UT"
    assert heading(response, "results-heading") == "2 hubs within 100 mi"
    # The search is measured from the position itself, not from the town's centre.
    assert response.context["map_center"]["lat"] == 41.25


NO_HUB = "No sporting and athletic goods manufacturing hub within"


@pytest.mark.parametrize(
    ("position", "title", "results"),
    [
        ({"lat": "41.25", "lng": "-111.95"}, "near Ogden, UT", "2 hubs within 100 mi"),
        (
            {"lat": "48.7823", "lng": "9.177"},
            "near Stuttgart, Germany",
            f"{NO_HUB} 150 km of Stuttgart, Germany",
        ),
        (
            {"lat": "51.5085", "lng": "-0.1257"},
            "near London, United Kingdom",
            f"{NO_HUB} 100 mi of London, United Kingdom",
        ),
        # Open ocean: no town within 50 km to name, so the coordinates and kilometres stay.
        (
            {"near": "-45, -140"},
            "near -45.0000, -140.0000",
            f"{NO_HUB} 150 km of -45.0000, -140.0000",
        ),
    ],
)
def test_search_by_a_position_is_titled_with_the_nearest_town(client, position, title, results):
    response = client.get(SEARCH, {"industry": "339920", **position})

    assert h1(response) == f"Sporting and Athletic Goods Manufacturing hubs {title}"
    assert heading(response, "results-heading") == results


def test_search_by_a_position_keeps_a_remembered_unit(client):
    client.cookies["unit"] = "km"

    response = client.get(SEARCH, {"industry": "339920", "lat": "41.25", "lng": "-111.95"})

    assert h1(response) == "Sporting and Athletic Goods Manufacturing hubs near Ogden, UT"
    assert heading(response, "results-heading") == "2 hubs within 150 km"


def test_search_by_the_browsers_position(client):
    response = client.get(SEARCH, {"industry": "339920", "lat": "41.223", "lng": "-111.97383"})

    assert [name for name, _ in hub_cards(section(response, "results-heading"))] == [
        "Ogden Outdoor Products",
        "Provo Outdoor Gear Makers",
    ]


@pytest.fixture
def harpsichords():
    """An industry whose only hubs are in the South Pacific, far from Ogden."""
    industry = make_industry(title="Harpsichord Making")
    make_hub(name="Farther Harpsichords", industry=industry, latitude=-50.0, longitude=-140.0)
    make_hub(name="Far Harpsichords", industry=industry, latitude=-45.0, longitude=-140.0)
    return industry


def test_search_with_no_hub_near_says_so_and_lists_the_nearest_anywhere(
    client, ogden, harpsichords
):
    far, farther = Hub.objects.filter(industry=harpsichords).order_by("latitude").reverse()

    response = client.get(
        SEARCH, {"industry": harpsichords.code, "near": "Ogden, UT", "radius": "25"}
    )

    assert heading(response, "results-heading") == (
        "No harpsichord making hub within 25 mi of Ogden, UT"
    )
    assert "There is no hub here yet. You could start one" in section(response, "results-heading")
    assert hub_cards(section(response, "results-heading")) == [
        ("Far Harpsichords", shown(distance_from(ogden, far), "mi")),
        ("Farther Harpsichords", shown(distance_from(ogden, farther), "mi")),
    ]


def test_search_unknown_place_shows_the_error_and_close_spellings(client):
    response = client.get(SEARCH, {"industry": "sporting goods", "near": "Ogdn"})

    assert h1(response) == "Find a hub"
    assert alerts(response) == ["We couldn't find the place “Ogdn”."]
    assert suggestions(response) == ["Did you mean: Ogden, Ogun, Ogod?"]
    assert 'href="?industry=sporting+goods&amp;near=Ogden"' in body(response)


def test_search_ambiguous_place_shows_the_alternatives(client):
    response = client.get(SEARCH, {"industry": "339920", "near": "Albany"})

    assert h1(response) == "Sporting and Athletic Goods Manufacturing hubs near Albany, NY"
    assert suggestions(response)[0] == (
        "Showing Albany, NY. Did you mean Albany, GA, Albany, OR, Albany, Australia, "
        "Albany, CA, Albany, New Zealand?"
    )
    assert 'href="?industry=339920&amp;near=Albany%2C+GA"' in body(response)


def test_search_unknown_industry_says_so(client):
    response = client.get(SEARCH, {"industry": "zzzqqq", "near": "Ogden, UT"})

    assert h1(response) == "Find a hub"
    assert alerts(response) == [
        "We don't know the industry “zzzqqq”. Try a word like “furniture” or a NAICS code like 337."
    ]


@pytest.mark.parametrize(
    ("radius", "expected_heading", "expected_names"),
    [
        ("-5", "1 hub within 1 km", ["Ogden Outdoor Products"]),
        ("0", "1 hub within 1 km", ["Ogden Outdoor Products"]),
        ("1e9", "2 hubs within 5000 km", ["Ogden Outdoor Products", "Provo Outdoor Gear Makers"]),
        ("120", "2 hubs within 120 km", ["Ogden Outdoor Products", "Provo Outdoor Gear Makers"]),
        ("100", "1 hub within 100 km", ["Ogden Outdoor Products"]),
    ],
)
def test_search_radius_is_clamped_to_a_sane_range(client, radius, expected_heading, expected_names):
    response = client.get(
        SEARCH, {"industry": "339920", "near": "Ogden, UT", "radius": radius, "unit": "km"}
    )

    assert response.status_code == 200
    assert heading(response, "results-heading") == expected_heading
    assert [name for name, _ in hub_cards(section(response, "results-heading"))] == expected_names


def test_search_radius_in_miles_is_converted(client):
    response = client.get(
        SEARCH, {"industry": "339920", "near": "Ogden, UT", "radius": "50", "unit": "mi"}
    )

    # Provo is 70 miles away.
    assert heading(response, "results-heading") == "1 hub within 50 mi"


@pytest.mark.parametrize(
    "bad",
    [{"radius": "abc"}, {"radius": "inf"}, {"near": "", "lat": "95", "lng": "10"}],
    ids=["radius abc", "radius inf", "latitude 95"],
)
def test_search_bad_number_tells_the_visitor_instead_of_dropping_the_search(client, bad):
    response = client.get(SEARCH, {"industry": "339920", "near": "Ogden, UT", **bad})

    assert response.status_code == 200
    form = response.context["form"]
    assert len(form.errors) == 1
    # The form knows what is wrong: the page must say it, not show a blank search.
    assert len(alerts(response)) == 1


@pytest.mark.parametrize("page", ["abc", "-1", "0", "9999", ""])
def test_search_bad_page_shows_a_page_of_results(client, page):
    response = client.get(SEARCH, {"industry": "339920", "near": "Ogden, UT", "page": page})

    assert response.status_code == 200
    assert [name for name, _ in hub_cards(section(response, "results-heading"))] == [
        "Ogden Outdoor Products",
        "Provo Outdoor Gear Makers",
    ]


@pytest.mark.parametrize(
    "query",
    [
        {"near": "x" * 500},
        {"near": "Ogden\x00"},
        {"industry": "y" * 500, "near": "Ogden, UT"},
        {"lat": "abc", "lng": "def"},
        {"unit": "parsec", "near": "Ogden, UT"},
        {"near": "x" * 10_000},
        {"near": "1e-05, 1"},
        {"near": ",,,"},
        {"near": "😀"},
        {"near": "Ogden, Narnia"},
    ],
    ids=[
        "long place",
        "nul byte",
        "long industry",
        "lat abc",
        "bad unit",
        "10,000 characters",
        "exponent",
        "only commas",
        "emoji",
        "unknown qualifier",
    ],
)
def test_search_odd_input_never_fails(client, query):
    response = client.get(SEARCH, query)

    assert response.status_code == 200
    assert h1(response) == "Find a hub"


@pytest.fixture
def cider():
    """Cider making complements apple growing; one hub of each and businesses near (-45, -140)."""
    cider = make_industry(title="Cider Making")
    apples = make_industry(title="Apple Growing")
    cider.complements.add(apples)
    cider_hub = make_hub(name="Cider Hub", industry=cider, latitude=-45.2, longitude=-140.0)
    make_hub(name="Orchard Hub", industry=apples, latitude=-45.1, longitude=-140.0)
    make_hub(name="Remote Orchard Hub", industry=apples, latitude=-60.0, longitude=-140.0)
    member = make_business(name="Member Cidery", industry=cider, latitude=-45.02)
    make_membership(hub=cider_hub, business=member)
    make_business(name="Lonely Cidery", industry=cider, latitude=-45.05, longitude=-140.0)
    make_business(name="Apple Farm", industry=apples, latitude=-45.05, longitude=-140.0)
    return cider


def test_search_shows_complementary_hubs_and_businesses_to_talk_to(client, cider):
    response = client.get(SEARCH, {"industry": cider.code, "near": "-45, -140", "unit": "km"})

    assert hub_cards(section(response, "results-heading")) == [
        ("Cider Hub", shown(geo.haversine_km(-45, -140, -45.2, -140), "km"))
    ]
    assert heading(response, "complementary-heading") == "Hubs of complementary industries nearby"
    assert hub_cards(section(response, "complementary-heading")) == [
        ("Orchard Hub", shown(geo.haversine_km(-45, -140, -45.1, -140), "km"))
    ]
    assert heading(response, "unaffiliated-heading") == "Start the conversation"
    assert list_items(section(response, "unaffiliated-heading")) == [
        f"Lonely Cidery, Testville · {shown(geo.haversine_km(-45, -140, -45.05, -140), 'km')}"
    ]


def test_search_without_an_industry_has_no_complement_or_conversation_sections(client, cider):
    response = client.get(SEARCH, {"near": "-45, -140", "unit": "km"})

    assert h1(response) == "Hubs near -45.0000, -140.0000"
    assert [name for name, _ in hub_cards(section(response, "results-heading"))] == [
        "Orchard Hub",
        "Cider Hub",
    ]
    assert section(response, "complementary-heading") == ""
    assert section(response, "unaffiliated-heading") == ""


def test_search_near_ogden_invites_its_unaffiliated_sporting_goods_makers(client, ogden):
    in_a_hub = Membership.objects.filter(business=OuterRef("pk"), state="active")
    candidates = Business.objects.filter(industry__code__startswith="339920").exclude(
        Exists(in_a_hub)
    )
    near = sorted(
        (geo.haversine_km(*ogden, *b.public_point), b.pk, b)
        for b in candidates
        if geo.haversine_km(*ogden, *b.public_point) <= 150
    )
    expected = [f"{b.name}, {b.city} · {shown(km, 'mi')}" for km, _, b in near[:8]]

    response = client.get(SEARCH, {"industry": "sporting goods", "near": "Ogden, UT"})

    assert len(expected) >= 3
    assert list_items(section(response, "unaffiliated-heading")) == expected


def test_search_measures_a_home_business_from_its_town_not_its_address(client):
    """A distance from a chosen point to the exact spot would give a home's address away."""
    industry = make_industry(title="Bookbinding")
    make_business(
        name="Kitchen Table Bindery",
        industry=industry,
        latitude=-45.0,
        longitude=-140.0,
        town_latitude=-45.05,
        town_longitude=-140.0,
        location_public=False,
    )

    response = client.get(SEARCH, {"industry": industry.code, "near": "-45, -140", "unit": "km"})

    to_town = shown(geo.haversine_km(-45, -140, -45.05, -140), "km")
    assert list_items(section(response, "unaffiliated-heading")) == [
        f"Kitchen Table Bindery, Testville · {to_town}"
    ]


SEARCH_QUERIES = 13


def test_search_page_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    vocabulary.vocabulary()  # built once per process, then matching costs no query
    query = {"industry": "sporting goods", "near": "Ogden, UT"}
    with django_assert_max_num_queries(SEARCH_QUERIES) as before:
        client.get(SEARCH, query)
    industry = Industry.objects.get(code="339920")
    ogden_hub = Hub.objects.get(name="Ogden Outdoor Products")
    for n in range(25):
        hub = make_hub(
            name=f"Extra Ogden Hub {n}",
            industry=industry,
            region=ogden_hub.region,
            latitude=41.2 + n / 100,
            longitude=-111.9,
        )
        make_membership(hub=hub, business=make_business(industry=industry, latitude=41.3))
        make_business(name=f"Extra Loner {n}", industry=industry, latitude=41.1, longitude=-112.0)
        for days in (3, 10):  # "Next meeting" on each card is read with the hubs.
            starts = timezone.now() + timedelta(days=days)
            Meeting.objects.create(
                hub=hub, title="Meet-up", starts_at=starts, ends_at=starts + timedelta(hours=2),
                address="Union Station",
            )  # fmt: skip

    with django_assert_max_num_queries(SEARCH_QUERIES) as after:
        response = client.get(SEARCH, query)

    assert heading(response, "results-heading") == "27 hubs within 100 mi"
    extra = [name for name, _ in hub_cards(body(response)) if name.startswith("Extra Ogden Hub")]
    assert body(response).count("Next meeting: ") == len(extra) > 10
    assert len(after.captured_queries) == len(before.captured_queries)


HOME_QUERIES = 4


def test_home_page_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(HOME_QUERIES) as before:
        client.get(reverse("hubs:home"))
    for n in range(10):
        make_hub(name=f"Extra Hub {n}")

    with django_assert_max_num_queries(HOME_QUERIES) as after:
        client.get(reverse("hubs:home"))

    assert len(after.captured_queries) == len(before.captured_queries)


def test_search_for_a_plain_word_covers_every_industry_it_names(client):
    # "software" names both software publishers (513210) and custom programming (541511).
    response = client.get(reverse("hubs:search"), {"industry": "software", "near": "Bangalore"})

    assert [name for name, _ in hub_cards(body(response))] == ["Bangalore Software"]
    assert response.context["industry"].code == "513210"
    assert [i.code for i in response.context["form"].industry_related] == ["541511"]
    # Hubs listed as results are not listed again as complementary.
    assert [h.name for h in response.context["complementary"] or []] == []


def test_search_offers_each_alternative_place_label_once(client):
    response = client.get(reverse("hubs:search"), {"industry": "software", "near": "San Jose"})

    labels = [p.label for p in response.context["place"].alternatives]
    assert response.context["place"].label == "San Jose, CA"
    assert len(labels) == len(set(labels))
    assert "San Jose, CA" not in labels


def test_search_with_an_industry_and_no_place_lists_its_hubs_by_members(client):
    industry = Industry.objects.get(code="339920")
    make_hub(name="Tiny Board Hub", industry=industry, member_count=0)

    response = client.get(SEARCH, {"industry": "surfboards"})

    expected = list(
        Hub.objects.approved()
        .filter(industry__code__startswith=industry.code)
        .order_by("-member_count", "name")
        .values_list("name", flat=True)
    )
    assert heading(response, "industry-hubs-heading") == (
        "Sporting and Athletic Goods Manufacturing hubs, most members first"
    )
    cards = hub_cards(section(response, "industry-hubs-heading"))
    assert cards == [(name, None) for name in expected]
    assert expected[-1] == "Tiny Board Hub"
    assert "Add your location above to sort them by distance from you." in body(response)


def test_search_with_neither_industry_nor_place_shows_only_the_form(client):
    response = client.get(SEARCH)

    assert "industry-hubs-heading" not in body(response)
    assert hub_cards(body(response)) == []


def test_search_for_a_state_is_centred_on_it_within_its_own_radius(client):
    montana = Place.objects.get(kind=Place.Kind.STATE, country="US", admin1="MT")

    response = client.get(SEARCH, {"near": "Montana"})

    assert h1(response) == "Hubs near Montana, USA"
    assert response.context["radius_shown"] == geo.round_radius(geo.km_to_miles(montana.radius_km))
    assert response.context["map_center"] == {
        "lat": montana.latitude,
        "lng": montana.longitude,
        "label": "Montana, USA",
    }


def test_search_for_a_state_keeps_the_radius_the_visitor_chose(client):
    response = client.get(SEARCH, {"near": "Montana", "radius": "50", "unit": "mi"})

    assert response.context["radius_shown"] == 50


def test_a_hub_named_like_the_words_and_nearest_anywhere_is_shown_once(client):
    response = client.get(SEARCH, {"industry": "software", "near": "Toronto"})

    # Bangalore Software is named like the word and among the nearest: listed there only.
    assert heading(response, "named-heading") == ""
    assert [name for name, _ in hub_cards(body(response))] == [
        "Silicon Valley",
        "Bangalore Software",
    ]
