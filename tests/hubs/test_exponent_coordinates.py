"""Coordinates in exponent form ("1e-05"), which browsers and scripts send for points near the
equator or the prime meridian, are numbers like any other: no form turns them into a 500."""

import pytest
from django.urls import reverse

from hubs import gazetteer
from hubs.models import Business, Hub
from tests.factories import make_business, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(client):
    owner = make_user(email="owner@example.org")
    client.force_login(owner)
    client.owner = owner
    return client


@pytest.mark.parametrize(
    ("lat", "lng"), [("1e-05", "1"), ("-0.00001", "1e-05"), ("4.1e1", "-1.1e2")]
)
def test_search_by_position_in_exponent_form_shows_results(client, lat, lng):
    response = client.get(reverse("hubs:search"), {"industry": "339920", "lat": lat, "lng": lng})

    assert response.status_code == 200
    center = response.context["map_center"]
    assert (center["lat"], center["lng"]) == (float(lat), float(lng))


@pytest.mark.parametrize(("lat", "lng"), [("1e-05", "1"), ("-0.00001", "1e-05")])
def test_business_create_with_a_pin_in_exponent_form_saves_that_point(owner_client, lat, lng):
    data = {
        "name": "Equator Sails",
        "industry": "339920",
        "place_text": "",
        "latitude": lat,
        "longitude": lng,
        "size": "2-9",
    }

    response = owner_client.post(reverse("hubs:business_create"), data)

    business = Business.objects.get(name="Equator Sails")
    assert response.status_code == 302
    assert (business.latitude, business.longitude) == (float(lat), float(lng))
    assert business.city == gazetteer.nearest_city(lat=float(lat), lng=float(lng)).name


def test_hub_create_with_a_pin_in_exponent_form_saves_that_point(owner_client):
    business = make_business()
    business.owners.add(owner_client.owner)
    data = {
        "name": "Null Island Sailmakers",
        "industry": "339920",
        "business": business.pk,
        "place_text": "",
        "latitude": "-0.00001",
        "longitude": "1e-05",
        "description": "Sails.",
        "create_anyway": "on",
    }

    response = owner_client.post(reverse("hubs:hub_create"), data)

    hub = Hub.objects.get(name="Null Island Sailmakers")
    assert response.status_code == 302
    assert (hub.latitude, hub.longitude) == (-0.00001, 0.00001)
