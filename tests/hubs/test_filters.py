"""The FilterSets of hubs/filters.py: each filter field of the hub list and the business
directory, their combinations, and the exact message for each bad value (which leaves the other
filters working)."""

import pytest
from django.test import RequestFactory

from hubs import geo
from hubs.filters import BusinessFilter, HubFilter
from hubs.models import Business, Hub, Region, Stage
from tests.factories import make_business, make_hub, make_industry, make_region

pytestmark = pytest.mark.django_db

NOT_A_CHOICE = "Select a valid choice. That choice is not one of the available choices."
# A point in the South Pacific, near the factories' rows and far from every demo row.
ORIGIN = (-45.0, -140.0)
ALL_LUTES = ["Alpha Lutes", "Bravo Lutes", "Charlie Lutes", "Echo Lutes"]


@pytest.fixture
def testland():
    """A country with two provinces, each with a metro area."""
    country = make_region(name="Testland", kind=Region.Kind.COUNTRY, code="TL", slug="testland")
    north = make_region(name="North", slug="north", kind=Region.Kind.STATE, parent=country)
    south = make_region(name="South", slug="south", kind=Region.Kind.STATE, parent=country)
    return {
        "country": country,
        "north": north,
        "capital": make_region(name="Capital", slug="capital", parent=north),
        "harbour": make_region(name="Harbour", slug="harbour", parent=south),
    }


@pytest.fixture
def lutes(testland):
    """Four hubs of lute making (one of its sub-industry), 0 to 110 km south of ORIGIN."""
    lute = make_industry(code="95", title="Lute Making", slug="lute-making")
    theorbo = make_industry(code="951", title="Theorbo Making", slug="theorbo-making", parent=lute)
    make_industry(code="952", title="Cittern Making", slug="cittern-making", parent=lute)
    rows = [
        ("Alpha Lutes", lute, "capital", -45.0, Stage.EMERGING, 2),
        ("Bravo Lutes", lute, "harbour", -45.3, Stage.ESTABLISHED, 9),
        ("Charlie Lutes", lute, "capital", -45.1, Stage.NASCENT, 1),
        ("Echo Lutes", theorbo, "harbour", -46.0, Stage.NASCENT, 0),
    ]
    for name, industry, region, lat, stage, members in rows:
        make_hub(
            name=name,
            industry=industry,
            region=testland[region],
            latitude=lat,
            longitude=ORIGIN[1],
            stage_override=stage,
        )
        Hub.objects.filter(name=name).update(member_count=members, stage=stage)
    Hub.objects.filter(name="Charlie Lutes").update(description="Baroque THEORBO workshops.")
    return Hub.objects.filter(name__endswith=" Lutes").order_by("name")


def _hubs(data, queryset, *, unit=None):
    request = RequestFactory().get("/hubs/")
    if unit:
        request.COOKIES["unit"] = unit
    hub_filter = HubFilter(data, queryset=queryset, request=request)
    return hub_filter, [hub.name for hub in hub_filter.qs]


def _near(lat=ORIGIN[0], lng=ORIGIN[1]):
    return f"{lat}, {lng}"


def test_hub_filter_without_values_keeps_every_hub_in_its_order(lutes):
    hub_filter, names = _hubs({}, lutes)

    assert hub_filter.is_valid()
    assert names == ["Alpha Lutes", "Bravo Lutes", "Charlie Lutes", "Echo Lutes"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"q": "theorbo"}, ["Charlie Lutes"]),  # The description, whatever its case.
        ({"q": "  BRAVO  "}, ["Bravo Lutes"]),
        ({"q": "   "}, ["Alpha Lutes", "Bravo Lutes", "Charlie Lutes", "Echo Lutes"]),
        (
            {"industry": "lute-making"},
            ["Alpha Lutes", "Bravo Lutes", "Charlie Lutes", "Echo Lutes"],
        ),
        ({"industry": "theorbo-making"}, ["Echo Lutes"]),
        ({"region": "testland"}, ["Alpha Lutes", "Bravo Lutes", "Charlie Lutes", "Echo Lutes"]),
        ({"region": "north"}, ["Alpha Lutes", "Charlie Lutes"]),
        ({"stage": "nascent"}, ["Charlie Lutes", "Echo Lutes"]),
        ({"stage": "established", "region": "north"}, []),
        ({"sort": "members"}, ["Bravo Lutes", "Alpha Lutes", "Charlie Lutes", "Echo Lutes"]),
        ({"sort": "name"}, ["Alpha Lutes", "Bravo Lutes", "Charlie Lutes", "Echo Lutes"]),
    ],
)
def test_hub_filter_each_field_keeps_its_hubs(lutes, data, expected):
    hub_filter, names = _hubs(data, lutes)

    assert hub_filter.is_valid(), hub_filter.errors
    assert names == expected


def test_hub_filter_newest_first():
    industry = make_industry()
    first, second = make_hub(industry=industry), make_hub(industry=industry)

    _, names = _hubs({"sort": "newest"}, Hub.objects.filter(industry=industry))

    assert names == [second.name, first.name]


def test_hub_filter_text_is_cut_at_100_characters(lutes):
    Hub.objects.filter(name="Echo Lutes").update(description="a" * 100 + " and more")

    # Only the first 100 characters are looked for: the rest cannot rule a hub out.
    _, names = _hubs({"q": "a" * 100 + "zzz"}, lutes)

    assert names == ["Echo Lutes"]


def test_hub_filter_near_a_place_lists_the_nearest_first_with_distances(lutes):
    hub_filter, names = _hubs({"near": _near(-45.25, ORIGIN[1])}, lutes)

    assert hub_filter.is_valid(), hub_filter.errors
    assert names == ["Bravo Lutes", "Charlie Lutes", "Alpha Lutes", "Echo Lutes"]
    distances = [round(hub.distance_km, 3) for hub in hub_filter.qs]
    expected = [
        round(geo.haversine_km(-45.25, ORIGIN[1], hub.latitude, hub.longitude), 3)
        for hub in hub_filter.qs
    ]
    assert distances == expected


def test_hub_filter_a_chosen_sort_wins_over_nearest_first(lutes):
    _, names = _hubs({"near": _near(-46.0), "sort": "name"}, lutes)

    assert names == ["Alpha Lutes", "Bravo Lutes", "Charlie Lutes", "Echo Lutes"]


@pytest.mark.parametrize(
    ("within", "unit", "expected"),
    [
        ("25", None, ["Alpha Lutes", "Charlie Lutes"]),  # 0 and 11 km
        ("50", None, ["Alpha Lutes", "Charlie Lutes", "Bravo Lutes"]),  # 33 km
        ("25", "mi", ["Alpha Lutes", "Charlie Lutes", "Bravo Lutes"]),  # 25 mi is 40 km
        ("100", "mi", ["Alpha Lutes", "Charlie Lutes", "Bravo Lutes", "Echo Lutes"]),  # 111 km
    ],
)
def test_hub_filter_within_a_distance_of_the_place_in_the_visitors_unit(
    lutes, within, unit, expected
):
    hub_filter, names = _hubs({"near": _near(), "within": within}, lutes, unit=unit)

    assert hub_filter.is_valid(), hub_filter.errors
    assert names == expected


@pytest.mark.parametrize(
    ("near", "unit"),
    [("Ogden, UT", "mi"), ("Amsterdam", "km"), ("", "km"), ("Xqzzyville", "km")],
)
def test_hub_filter_unit_is_the_places_unless_the_visitor_chose(near, unit):
    assert _hubs({"near": near}, Hub.objects.none())[0].unit == unit
    assert _hubs({"near": near}, Hub.objects.none(), unit="mi")[0].unit == "mi"


@pytest.mark.parametrize(
    ("data", "errors", "expected"),
    [
        (
            {"sort": "nearest", "stage": "nascent"},
            {"sort": ["Nearest needs a place: type one in “Near”."]},
            ["Charlie Lutes", "Echo Lutes"],
        ),
        (
            {"within": "50"},
            {"within": ["A distance needs a place: type one in “Near”."]},
            ["Alpha Lutes", "Bravo Lutes", "Charlie Lutes", "Echo Lutes"],
        ),
        (
            {"near": _near(), "within": "42", "region": "north"},
            {"within": ["Select a valid choice. 42 is not one of the available choices."]},
            ["Alpha Lutes", "Charlie Lutes"],
        ),
        (
            {"near": "Xqzzyville", "stage": "emerging"},
            {"near": ["We couldn't find the place “Xqzzyville”."]},
            ["Alpha Lutes"],
        ),
        (
            {"stage": "huge"},
            {"stage": ["Select a valid choice. huge is not one of the available choices."]},
            ["Alpha Lutes", "Bravo Lutes", "Charlie Lutes", "Echo Lutes"],
        ),
        (
            {"sort": "random"},
            {"sort": ["Select a valid choice. random is not one of the available choices."]},
            ["Alpha Lutes", "Bravo Lutes", "Charlie Lutes", "Echo Lutes"],
        ),
        # An industry with no approved hub, and a metro area, are not offered.
        ({"industry": "cittern-making"}, {"industry": [NOT_A_CHOICE]}, ALL_LUTES),
        ({"region": "capital"}, {"region": [NOT_A_CHOICE]}, ALL_LUTES),
        ({"industry": "no-such-industry"}, {"industry": [NOT_A_CHOICE]}, ALL_LUTES),
    ],
)
def test_hub_filter_bad_values_get_exact_messages_and_the_rest_still_filters(
    lutes, data, errors, expected
):
    hub_filter, names = _hubs(data, lutes)

    assert not hub_filter.is_valid()
    assert hub_filter.errors == errors
    assert names == expected


# BusinessFilter -----------------------------------------------------------------------------


@pytest.fixture
def makers(testland):
    lute = make_industry(code="95", title="Lute Making", slug="lute-making")
    theorbo = make_industry(code="951", title="Theorbo Making", slug="theorbo-making", parent=lute)
    make_industry(code="952", title="Cittern Making", slug="cittern-making", parent=lute)
    make_business(name="Anna's Lutes", industry=lute, region=testland["capital"])
    make_business(
        name="Bert's Workshop",
        industry=theorbo,
        region=testland["harbour"],
        description="Theorbos and archlutes.",
    )
    make_business(name="Cora's Lutes", industry=lute, region=testland["north"])
    return Business.objects.filter(industry__code__startswith="95").order_by("name")


def _businesses(data, queryset):
    business_filter = BusinessFilter(data, queryset=queryset)
    return business_filter, [business.name for business in business_filter.qs]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, ["Anna's Lutes", "Bert's Workshop", "Cora's Lutes"]),
        ({"q": "archlute"}, ["Bert's Workshop"]),
        ({"q": "S LUTES"}, ["Anna's Lutes", "Cora's Lutes"]),
        ({"industry": "lute-making"}, ["Anna's Lutes", "Bert's Workshop", "Cora's Lutes"]),
        ({"industry": "theorbo-making"}, ["Bert's Workshop"]),
        ({"region": "north"}, ["Anna's Lutes", "Cora's Lutes"]),
        ({"region": "testland", "q": "workshop"}, ["Bert's Workshop"]),
    ],
)
def test_business_filter_each_field_keeps_its_businesses(makers, data, expected):
    business_filter, names = _businesses(data, makers)

    assert business_filter.is_valid(), business_filter.errors
    assert names == expected


@pytest.mark.parametrize(
    "data",
    [{"industry": "cittern-making"}, {"region": "harbour"}, {"region": "nowhere"}],
)
def test_business_filter_values_not_offered_are_refused_and_ignored(makers, data):
    business_filter, names = _businesses(data, makers)

    assert business_filter.errors == {next(iter(data)): [NOT_A_CHOICE]}
    assert names == ["Anna's Lutes", "Bert's Workshop", "Cora's Lutes"]


def test_hub_filter_offers_each_industry_with_an_approved_hub_once_in_code_order(lutes):
    pending_only = make_industry(code="953", title="Lyre Making", slug="lyre-making")
    make_hub(name="Pending Lyres", industry=pending_only, status=Hub.Status.PENDING)
    make_hub(name="Foxtrot Lutes", industry=lutes.get(name="Echo Lutes").industry)

    offered = HubFilter({}, queryset=lutes).filters["industry"].queryset

    slugs = [industry.slug for industry in offered if industry.code.startswith("95")]
    assert slugs == ["lute-making", "theorbo-making"]


def test_business_filter_offers_each_industry_with_a_business_once_in_code_order(makers):
    offered = BusinessFilter({}, queryset=makers).filters["industry"].queryset

    slugs = [industry.slug for industry in offered if industry.code.startswith("95")]
    assert slugs == ["lute-making", "theorbo-making"]
