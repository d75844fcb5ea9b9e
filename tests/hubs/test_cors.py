"""Cross-origin reads: only the GeoJSON API and the open-data files are open to other sites'
scripts, and only for reading."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_business, make_hub, make_user

pytestmark = pytest.mark.django_db

OTHER_SITE = {"headers": {"Origin": "https://partner.example"}}

OPEN_ENDPOINTS = [
    "/hubs.geojson",
    "/hubs.geojson?near=Ogden%2C+UT&limit=3",
    "/data/hubs.csv",
    "/data/hubs.geojson",
    "/data/businesses.csv",
    "/data/resources.csv",
]


@pytest.mark.parametrize("url", OPEN_ENDPOINTS)
def test_open_data_get_allows_any_origin(client, url):
    response = client.get(url, **OTHER_SITE)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response


@pytest.mark.parametrize("url", OPEN_ENDPOINTS)
def test_open_data_head_allows_any_origin(client, url):
    response = client.head(url, **OTHER_SITE)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("url", OPEN_ENDPOINTS)
def test_open_data_preflight_allows_reading_only(client, url):
    response = client.options(
        url, headers={**OTHER_SITE["headers"], "Access-Control-Request-Method": "GET"}
    )

    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD"
    assert response["Access-Control-Max-Age"] == "86400"
    assert response.content == b""


@pytest.mark.parametrize("url", OPEN_ENDPOINTS)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_open_data_refuses_writes_without_the_header(client, url, method):
    response = getattr(client, method)(url, **OTHER_SITE)

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert "Access-Control-Allow-Origin" not in response


def test_api_error_is_readable_by_other_sites(client):
    response = client.get("/hubs.geojson?limit=0", **OTHER_SITE)

    assert response.status_code == 400
    assert response.json()["parameter"] == "limit"
    assert response["Access-Control-Allow-Origin"] == "*"


def _closed_urls():
    hub = make_hub(name="Closed Hub")
    business = make_business(name="Closed Business")
    return [
        "/",
        "/search/?industry=sporting+goods&near=Ogden%2C+UT",
        "/hubs/",
        hub.get_absolute_url(),
        reverse("hubs:hub_embed", args=[hub.slug]),
        reverse("hubs:hub_badge", args=[hub.slug]),
        reverse("hubs:hub_press", args=[hub.slug]),
        reverse("hubs:feed_hubs"),
        business.get_absolute_url(),
        reverse("hubs:industry_suggestions") + "?q=tools",
        reverse("hubs:data"),
        "/sitemap.xml",
        "/robots.txt",
        reverse("hubs:business_create"),
        reverse("hubs:hub_contact", args=[hub.slug]),
        reverse("account_login"),
        reverse("account_signup"),
        "/account/",
        "/admin/",
        "/admin/login/",
    ]


def test_pages_forms_admin_and_accounts_send_no_cors_header(client):
    for url in _closed_urls():
        response = client.get(url, **OTHER_SITE)

        assert response.status_code in {200, 302}, url
        assert "Access-Control-Allow-Origin" not in response, url


def test_pages_send_no_cors_header_to_a_signed_in_staff_member(client):
    client.force_login(make_user(is_staff=True, is_superuser=True))

    for url in _closed_urls():
        response = client.get(url, **OTHER_SITE)

        assert response.status_code in {200, 302}, url
        assert "Access-Control-Allow-Origin" not in response, url


def test_pages_answer_no_preflight(client):
    hub = make_hub(name="Closed Hub")

    for url in [hub.get_absolute_url(), reverse("hubs:hub_contact", args=[hub.slug])]:
        response = client.options(
            url, headers={**OTHER_SITE["headers"], "Access-Control-Request-Method": "POST"}
        )

        assert "Access-Control-Allow-Origin" not in response, url
        assert "Access-Control-Allow-Methods" not in response, url


def test_cross_origin_form_post_is_refused_without_the_header():
    client = Client(enforce_csrf_checks=True)
    user = make_user(email="owner@example.org")

    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": "correct horse"},
        **OTHER_SITE,
    )

    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response
    assert "_auth_user_id" not in client.session
