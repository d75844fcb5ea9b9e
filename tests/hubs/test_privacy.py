"""A home-based business's exact location must not be learnable by anyone but its owners.

Every count, distance, order and radius filter that others see is measured to the business's
public point (its town's centre when its location is private). The bisection test plays the
attacker: it moves the searched point and watches the "want a hub" count change.
"""

import json
import re

import pytest
from django.conf import settings
from django.urls import reverse

from hubs import geo, services
from hubs.models import Interest
from tests.factories import FAR_AWAY, make_business, make_industry, make_user

pytestmark = pytest.mark.django_db

SEARCH = reverse("hubs:search")
HOME = FAR_AWAY  # the exact spot of the home-based business
TOWN = (FAR_AWAY[0], FAR_AWAY[1] + 0.1)  # its town's centre, about 7.9 km east


@pytest.fixture
def home_business():
    industry = make_industry(title="Candle Making")
    business = make_business(
        industry=industry,
        latitude=HOME[0],
        longitude=HOME[1],
        town_latitude=TOWN[0],
        town_longitude=TOWN[1],
        location_public=False,
    )
    Interest.objects.create(business=business, industry=industry)
    return business


def _interested(client, industry, point):
    """The "N businesses near here want a hub" count an anonymous visitor sees at ``point``."""
    response = client.get(
        SEARCH, {"industry": industry.code, "lat": f"{point[0]:.6f}", "lng": f"{point[1]:.6f}"}
    )
    assert response.status_code == 200
    found = re.search(r"(\d+) business(?:es)? near .*? wants? a", response.content.decode())
    return int(found.group(1)) if found else 0


def _bisect_edge(client, industry, *, inside, outside, steps=24):
    """Where the count drops from 1 to 0 on the segment from ``inside`` to ``outside``."""
    for _ in range(steps):
        middle = ((inside[0] + outside[0]) / 2, (inside[1] + outside[1]) / 2)
        if _interested(client, industry, middle):
            inside = middle
        else:
            outside = middle
    return inside


def test_interest_count_bisection_learns_the_town_not_the_home(client, home_business):
    industry = home_business.industry
    radius = settings.INTEREST_RADIUS_KM
    edges = [
        _bisect_edge(client, industry, inside=TOWN, outside=(TOWN[0], TOWN[1] + sign * 2.0))
        for sign in (-1, 1)
    ] + [
        _bisect_edge(client, industry, inside=TOWN, outside=(TOWN[0] + sign * 1.0, TOWN[1]))
        for sign in (-1, 1)
    ]

    # Every edge found lies on the circle around the town: the attacker learns the town only.
    assert [round(geo.haversine_km(*TOWN, *edge), 1) for edge in edges] == [radius] * 4
    assert all(abs(geo.haversine_km(*HOME, *edge) - radius) > 2 for edge in edges[:2])


def test_interest_count_uses_the_exact_point_of_a_public_location(client, home_business):
    home_business.location_public = True
    home_business.save()
    edge = _bisect_edge(
        client, home_business.industry, inside=HOME, outside=(HOME[0], HOME[1] - 2.0)
    )

    assert round(geo.haversine_km(*HOME, *edge), 1) == settings.INTEREST_RADIUS_KM


def test_unaffiliated_business_distance_is_measured_to_its_town(client, home_business):
    searched = (TOWN[0], TOWN[1] + 0.3)  # about 23.6 km east of the town, 31.5 km of the home

    response = client.get(
        SEARCH,
        {"industry": home_business.industry.code, "lat": searched[0], "lng": searched[1]},
    )

    html = response.content.decode()
    to_town = geo.haversine_km(*TOWN, *searched)
    assert f"{home_business.name}</a>, Testville · {to_town:.1f} km" in html


def test_unaffiliated_business_within_radius_of_home_but_not_town_is_not_listed(
    client, home_business
):
    # 26 km west of the home, 34 km west of the town; radius 30 km.
    searched = (HOME[0], HOME[1] - 0.33)
    assert geo.haversine_km(*HOME, *searched) < 30 < geo.haversine_km(*TOWN, *searched)

    response = client.get(
        SEARCH,
        {
            "industry": home_business.industry.code,
            "lat": searched[0],
            "lng": searched[1],
            "radius": 30,
            "unit": "km",
        },
    )

    assert home_business.name not in response.content.decode()


def test_interest_threshold_counts_neighbours_by_their_public_points(settings, mailoutbox):
    settings.INTEREST_THRESHOLD = 2
    settings.INTEREST_RADIUS_KM = 50
    industry = make_industry()
    # Exact spots 45 km apart (within 50), but the private one's town is 60 km away.
    private = make_business(
        industry=industry,
        latitude=HOME[0],
        longitude=HOME[1],
        town_latitude=HOME[0],
        town_longitude=HOME[1] + 0.763,
        location_public=False,
    )
    private.owners.add(make_user())
    Interest.objects.create(business=private, industry=industry)
    neighbour = make_business(industry=industry, latitude=HOME[0], longitude=HOME[1] - 0.572)
    neighbour.owners.add(make_user())
    assert geo.haversine_km(*HOME, neighbour.latitude, neighbour.longitude) < 50
    assert geo.haversine_km(*private.public_point, *neighbour.public_point) > 50

    count = services.interest_record(business=neighbour, industry=industry)

    assert count == 1
    assert mailoutbox == []
    assert list(Interest.objects.filter(invited_at__isnull=False)) == []


def _map_data(html):
    return json.loads(
        re.search(r'<script id="map-data" type="application/json">(.*?)</script>', html)[1]
    )


def test_business_page_map_of_a_home_based_business_shows_only_its_town(client):
    business = make_business(
        name="Home Candles",
        city="Townsville",
        address="12 Secret Lane",
        latitude=-45.123456,
        longitude=-140.654321,
        town_latitude=-45.5,
        town_longitude=-140.25,
        location_public=False,
    )

    html = client.get(business.get_absolute_url()).content.decode()

    assert _map_data(html) == [
        {
            "name": "Home Candles",
            "url": business.get_absolute_url(),
            "lat": -45.5,
            "lng": -140.25,
            "detail": "Townsville",
            "approximate": True,
            "zoom": 12,
        }
    ]
    assert 'aria-label="Map of the business\'s town"' in html
    for secret in ["45.12", "140.65", "12 Secret Lane"]:
        assert secret not in html, secret


def test_business_page_map_of_a_public_location_shows_its_exact_point(client):
    business = make_business(
        name="Main Street Forge",
        city="Townsville",
        address="1 Main Street",
        latitude=-45.123456,
        longitude=-140.654321,
        town_latitude=-45.5,
        town_longitude=-140.25,
    )

    html = client.get(business.get_absolute_url()).content.decode()

    assert _map_data(html) == [
        {
            "name": "Main Street Forge",
            "url": business.get_absolute_url(),
            "lat": -45.123456,
            "lng": -140.654321,
            "detail": "1 Main Street",
            "approximate": False,
            "zoom": 15,
        }
    ]
    assert 'aria-label="Map of the business"' in html
    assert '<script src="/static/js/map.js"></script>' in html
