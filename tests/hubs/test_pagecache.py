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


def _page_entries():
    # LocMemCache keeps its entries in _cache: the count is what the bound is about.
    from django.core.cache import caches

    return len(caches["pages"]._cache)


def test_unknown_query_parameters_add_no_cache_entry(client):
    hub = make_hub()
    client.get(hub.get_absolute_url())

    for n in range(5):
        client.get(hub.get_absolute_url(), {f"junk{n}": "x"})
    client.get(reverse("hubs:search"), {"industry": "339920", "industry ": "x"})
    client.get(reverse("hubs:search"), [("near", "Ogden, UT"), ("near", "Provo, UT")])

    assert _page_entries() == 1


def test_an_invalid_unit_cookie_shares_the_page_of_no_cookie(client, django_assert_num_queries):
    hub = make_hub()
    client.get(hub.get_absolute_url())

    for value in ["zz", "km<script>", "x" * 50]:
        client.cookies["unit"] = value
        with django_assert_num_queries(0):
            client.get(hub.get_absolute_url())

    assert _page_entries() == 1


def test_another_host_cannot_poison_the_canonical_links_others_get(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "mirror.example.org"]
    hub = make_hub()
    client.get(hub.get_absolute_url(), HTTP_HOST="mirror.example.org")

    response = client.get(hub.get_absolute_url())

    canonical = f'<link rel="canonical" href="http://testserver{hub.get_absolute_url()}">'
    assert canonical in response.content.decode()
    assert "mirror.example.org" not in response.content.decode()


def test_a_forged_forwarded_proto_cannot_poison_the_scheme_others_get(client):
    hub = make_hub()
    client.get(hub.get_absolute_url(), HTTP_X_FORWARDED_PROTO="https")

    response = client.get(hub.get_absolute_url())

    assert f"http://testserver{hub.get_absolute_url()}" in response.content.decode()
    assert "https://testserver" not in response.content.decode()


def test_pages_are_kept_apart_from_rate_limit_counters(client):
    from django.core.cache import cache, caches

    hub = make_hub()
    client.get(hub.get_absolute_url())

    assert list(cache._cache) == [":1:directory-version"]  # default: counters and the version
    assert len(caches["pages"]._cache) == 1


def test_page_cache_entries_are_bounded(settings):
    assert settings.CACHES["pages"]["OPTIONS"]["MAX_ENTRIES"] == settings.PAGE_CACHE_MAX_ENTRIES
    assert settings.PAGE_CACHE_MAX_ENTRIES == 500
