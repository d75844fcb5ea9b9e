"""Whole public pages are cached for anonymous visitors, and any change to the directory makes
them stale at once."""

import pytest
from django.urls import reverse

from tests.factories import make_hub, make_membership, make_user

pytestmark = pytest.mark.django_db


def test_anonymous_page_is_served_from_the_cache_without_queries(client, django_assert_num_queries):
    hub = make_hub(description="First words.")
    client.get(hub.get_absolute_url())

    with django_assert_num_queries(0):
        again = client.get(hub.get_absolute_url())

    assert "First words." in again.content.decode()
    assert again["X-Frame-Options"] == "DENY"  # Middleware still runs on a cached page.


def test_a_change_to_the_directory_shows_at_once(client):
    hub = make_hub(description="First words.")
    client.get(hub.get_absolute_url())

    hub.description = "Second words."
    hub.save()
    response = client.get(hub.get_absolute_url())

    assert "Second words." in response.content.decode()


def test_a_new_member_shows_at_once_on_the_search_page(client):
    hub = make_hub(latitude=-21.1, longitude=-175.2)
    url = reverse("hubs:search")
    params = {"industry": hub.industry.code, "near": "-21.1, -175.2"}
    client.get(url, params)

    make_membership(hub=hub)
    hub.refresh_member_count()
    response = client.get(url, params)

    assert "1 member business" in response.content.decode()


def test_signed_in_visitors_are_never_served_a_cached_page(client):
    hub = make_hub()
    client.get(hub.get_absolute_url())
    client.force_login(make_user())

    response = client.get(hub.get_absolute_url())

    assert "Log out" in response.content.decode()


def test_pages_setting_a_cookie_are_not_cached(client):
    params = {"industry": "339920", "near": "Ogden, UT", "unit": "km"}
    first = client.get(reverse("hubs:search"), params)
    client.cookies.clear()

    second = client.get(reverse("hubs:search"), {**params, "unit": "mi"})

    assert first.cookies["unit"].value == "km"
    assert second.cookies["unit"].value == "mi"
    assert "0.0 mi</strong> away" in second.content.decode()
