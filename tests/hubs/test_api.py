"""The public GeoJSON API at /hubs.geojson."""

import json

import pytest
from django.urls import reverse

from hubs import api, geo, opendata, vocabulary
from hubs.models import Hub, Stage
from tests.factories import make_hub, make_industry, make_membership, make_region

pytestmark = pytest.mark.django_db

GEOJSON = reverse("hubs:hubs_geojson")
PROPERTIES = ["name", "slug", "url", "industry", "industry_title", "stage", "members", "mode"]


def features(response):
    assert response.status_code == 200, response.content
    collection = json.loads(response.content)
    assert collection["type"] == "FeatureCollection"
    assert list(collection) == ["type", "features"]
    return collection["features"]


def names(found):
    return [feature["properties"]["name"] for feature in found]


@pytest.fixture
def kites():
    """Kite making: hubs along a meridian south of (-45, -140), with a sub-industry and stages."""
    industry = make_industry(code="94", title="Kite Making", slug="kite-making")
    sub = make_industry(code="941", title="Box Kite Making", slug="box-kite-making")
    region = make_region(name="Kite Coast", slug="kite-coast")
    for name, trade, lat, override in [
        ("Kite Hub A", industry, -45.0, Stage.ESTABLISHED),
        ("Kite Hub B", sub, -45.5, ""),
        ("Kite Hub C", industry, -46.0, Stage.EMERGING),
        ("Kite Hub D", industry, -47.0, ""),
    ]:
        make_hub(
            name=name,
            industry=trade,
            region=region,
            latitude=lat,
            longitude=-140.0,
            stage_override=override,
        )
    make_hub(name="Kite Hub Pending", industry=industry, status=Hub.Status.PENDING)
    make_hub(name="Kite Hub Rejected", industry=industry, status=Hub.Status.REJECTED)
    make_hub(name="Kite Hub Archived", industry=industry, status=Hub.Status.ARCHIVED)
    return industry


def test_geojson_feature_has_the_documented_shape(client, kites):
    hub = Hub.objects.get(name="Kite Hub A")
    make_membership(hub=hub)
    hub.refresh_member_count()

    found = features(client.get(GEOJSON, {"industry": "kite-making", "limit": "1"}))

    assert found == [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [-140.0, -45.0]},
            "properties": {
                "name": "Kite Hub A",
                "slug": hub.slug,
                "url": f"http://testserver{hub.get_absolute_url()}",
                "industry": "94",
                "industry_title": "Kite Making",
                "stage": "established",
                "members": 1,
                "mode": "in_person",
            },
        }
    ]


def test_geojson_is_served_as_geojson(client):
    response = client.get(GEOJSON)

    assert response["Content-Type"] == "application/geo+json"


def test_geojson_without_a_point_lists_approved_hubs_by_name(client):
    expected = list(Hub.objects.approved().order_by("name").values_list("name", flat=True))

    found = features(client.get(GEOJSON))

    assert names(found) == expected
    assert all(
        list(f["properties"])
        == PROPERTIES + (["coverage"] if f["properties"]["mode"] == "online" else [])
        for f in found
    )


def test_geojson_with_a_point_orders_by_distance_rounded_to_hundredths(client, kites):
    found = features(client.get(GEOJSON, {"industry": "94", "lat": "-44.9", "lng": "-140"}))

    assert names(found) == ["Kite Hub A", "Kite Hub B", "Kite Hub C", "Kite Hub D"]
    for feature in found:
        lng, lat = feature["geometry"]["coordinates"]
        distance = feature["properties"]["distance_km"]
        assert list(feature["properties"]) == [*PROPERTIES, "distance_km"]
        assert distance == pytest.approx(geo.haversine_km(-44.9, -140, lat, lng), abs=0.005 + 1e-9)
        assert round(distance, 2) == distance


def test_geojson_near_a_typed_place_resolves_it_like_the_search_box(client):
    found = features(client.get(GEOJSON, {"near": "Ogden, UT", "industry": "339920"}))

    assert names(found) == ["Ogden Outdoor Products", "Provo Outdoor Gear Makers"]
    assert found[0]["properties"]["distance_km"] == 0.0
    assert found[1]["properties"]["distance_km"] == pytest.approx(113.16, abs=0.01)


def test_geojson_radius_keeps_only_hubs_within_it(client, kites):
    query = {"industry": "kite-making", "lat": "-45", "lng": "-140", "radius_km": "120"}

    found = features(client.get(GEOJSON, query))

    assert names(found) == ["Kite Hub A", "Kite Hub B", "Kite Hub C"]


def test_geojson_limit_defaults_to_50_and_goes_up_to_500(client):
    industry = make_industry(slug="many-hubs")
    region = make_region()
    for n in range(501):
        Hub(
            name=f"Many {n:03d}",
            slug=f"many-{n:03d}",
            industry=industry,
            region=region,
            latitude=-45.0,
            longitude=-140.0,
            status=Hub.Status.APPROVED,
        ).save()

    default = features(client.get(GEOJSON, {"industry": "many-hubs"}))
    most = features(client.get(GEOJSON, {"industry": "many-hubs", "limit": "500"}))
    near = features(client.get(GEOJSON, {"industry": "many-hubs", "lat": "-45", "lng": "-140"}))

    assert names(default) == [f"Many {n:03d}" for n in range(50)]
    assert names(most) == [f"Many {n:03d}" for n in range(500)]
    assert len(near) == 50


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"stage": "emerging"}, ["Kite Hub C"]),
        ({"stage": "nascent"}, ["Kite Hub B", "Kite Hub D"]),
        ({"region": "kite-coast"}, ["Kite Hub A", "Kite Hub B", "Kite Hub C", "Kite Hub D"]),
        ({"industry": "box-kite-making"}, ["Kite Hub B"]),
        ({"industry": "941"}, ["Kite Hub B"]),
    ],
)
def test_geojson_filters(client, kites, query, expected):
    found = features(client.get(GEOJSON, {"industry": "kite-making", **query}))

    assert names(found) == expected


def test_geojson_region_filter_includes_the_metros_of_a_state(client):
    found = features(client.get(GEOJSON, {"region": "utah-us"}))

    assert names(found) == ["Ogden Outdoor Products", "Provo Outdoor Gear Makers"]


def test_geojson_never_shows_hubs_not_approved(client, kites):
    everything = features(client.get(GEOJSON, {"industry": "kite-making", "limit": "500"}))
    near = features(client.get(GEOJSON, {"industry": "kite-making", "lat": "-45", "lng": "-140"}))

    for found in (everything, near):
        assert names(found) == ["Kite Hub A", "Kite Hub B", "Kite Hub C", "Kite Hub D"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "501"}, "limit"),
        ({"limit": "abc"}, "limit"),
        ({"limit": "-1"}, "limit"),
        ({"limit": "2.5"}, "limit"),
        ({"limit": "²"}, "limit"),
        ({"lat": "91", "lng": "0"}, "lat"),
        ({"lat": "nan", "lng": "0"}, "lat"),
        ({"lat": "10", "lng": "181"}, "lng"),
        ({"lat": "10"}, "lng"),
        ({"lng": "10"}, "lat"),
        ({"lat": "1", "lng": "1", "radius_km": "-5"}, "radius_km"),
        ({"lat": "1", "lng": "1", "radius_km": "abc"}, "radius_km"),
        ({"lat": "1", "lng": "1", "radius_km": "inf"}, "radius_km"),
        ({"radius_km": "5"}, "radius_km"),
        ({"industry": "unknown"}, "industry"),
        ({"region": "atlantis"}, "region"),
        ({"stage": "bogus"}, "stage"),
        ({"near": "Ogdn"}, "near"),
        ({"near": "91, 10"}, "near"),
    ],
)
def test_geojson_bad_parameter_is_a_400_naming_it(client, query, parameter):
    response = client.get(GEOJSON, query)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    error = json.loads(response.content)
    assert error["parameter"] == parameter
    assert isinstance(error["error"], str) and error["error"]


def test_geojson_error_messages_explain_the_problem(client):
    def error(query):
        return json.loads(client.get(GEOJSON, query).content)

    assert error({"limit": "0"}) == {
        "error": "limit must be a whole number from 1 to 500.",
        "parameter": "limit",
    }
    assert error({"near": "Ogdn"}) == {
        "error": "We couldn't find the place “Ogdn”.",
        "parameter": "near",
    }
    assert error({"lat": "10"}) == {"error": "Give both lat and lng.", "parameter": "lng"}


def test_geojson_costs_a_fixed_number_of_queries(client, kites, django_assert_max_num_queries):
    vocabulary.vocabulary()  # built once per process (kites is a new industry), then no query
    query = {"industry": "kite-making", "lat": "-45", "lng": "-140", "radius_km": "500"}
    with django_assert_max_num_queries(2) as before:
        client.get(GEOJSON, query)
    for n in range(20):
        make_hub(name=f"More Kites {n}", industry=kites, latitude=-45.1)

    with django_assert_max_num_queries(2) as after:
        found = features(client.get(GEOJSON, query))

    assert len(found) == 24
    assert len(after.captured_queries) == len(before.captured_queries)


def test_geojson_nearest_of_few_hubs_is_one_ordered_read(client, kites, django_assert_num_queries):
    vocabulary.vocabulary()
    query = {"industry": "kite-making", "lat": "-44.9", "lng": "-140"}
    client.get(GEOJSON, query)  # counts the hubs of each industry for this directory version

    # The industry's few hubs all measured, nearest first: not the five widening boxes of
    # ``nearest``.
    with django_assert_num_queries(1):
        found = features(client.get(GEOJSON, query))

    assert names(found) == ["Kite Hub A", "Kite Hub B", "Kite Hub C", "Kite Hub D"]


def test_geojson_nearest_past_few_hubs_widens_to_the_same_features(client, monkeypatch):
    query = {"industry": "339920", "near": "Ogden, UT", "limit": "1"}
    sorted_whole = features(client.get(GEOJSON, query))
    monkeypatch.setattr(api, "READ_ALL_AT_MOST", 0)

    widened = features(client.get(GEOJSON, query))

    assert names(widened) == ["Ogden Outdoor Products"]
    assert widened == sorted_whole


def test_geojson_coverage_is_the_open_data_cell_of_each_online_hub(client):
    hubs = Hub.objects.approved().online().prefetch_related("covered_regions").order_by("name")
    expected = [opendata.coverage_cell(hub).split(";") for hub in hubs]

    found = features(client.get(GEOJSON, {"mode": "online", "limit": "500"}))

    assert [feature["properties"]["coverage"] for feature in found] == expected
    assert any(len(coverage) > 1 for coverage in expected)  # the order of several is compared
