"""Hostile input across every public GET parameter and the owners' form fields: no 500, no
markup reflected unescaped, and nothing saved half. A table of values, each sent alone in one
parameter or field while the others hold ordinary values."""

import pytest
from django.test import Client
from django.urls import reverse

from hubs.models import Business, Hub, Membership
from tests.factories import make_business, make_hub, make_user

pytestmark = pytest.mark.django_db

MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(1)>",
    "<a href=javascript:alert(1)>x</a>",
    "</textarea><script>alert(1)</script>",
    "<!--",
]
HOSTILE = MARKUP + [
    "",
    " ",
    "\t",
    "'",
    '"',
    "\\",
    "%",
    "%00",
    "\x00",
    "a\x00b",
    "\r\nSet-Cookie: x=1",
    "\u2028\u2029\x85\x0b",
    "' OR 1=1--",
    "{{ 7*7 }}",
    "${7*7}",
    "../../etc/passwd",
    "//evil.example/",
    "javascript:alert(1)",
    '=HYPERLINK("http://evil.example")',
    "1e-05",
    "-0.00001",
    "1e308",
    "-1e308",
    "nan",
    "inf",
    "-inf",
    "-0",
    "0x10",
    "9" * 40,
    "-1",
    "１２３",  # fullwidth digits
    "٣",  # Arabic-Indic digit
    "90.0000001",
    "-180.5",
    "41.2, -111.9",
    "ogden, ut, us, , ,",
    "\u202eevil",  # right-to-left override
    "e\u0301" * 50,  # combining accents
    "😀" * 60,
    "x" * 5000,
    "[]",
    "{}",
    ",,,,",
]

PUBLIC_GET = {
    "hubs:search": ["industry", "near", "lat", "lng", "radius", "unit", "page"],
    "hubs:hub_list": ["q", "industry", "region", "stage", "near", "sort", "page"],
    "hubs:business_list": ["q", "industry", "region", "near", "within", "page"],
    "hubs:industry_suggestions": ["q"],
    "hubs:hubs_geojson": [
        "industry",
        "region",
        "stage",
        "limit",
        "near",
        "radius_km",
        "lat",
        "lng",
    ],
    "hubs:hub_create": ["industry", "near"],  # its GET pre-fills the form
}
ORDINARY_GET = {"industry": "339920", "near": "Ogden, UT"}


def _assert_safe(response, value, where):
    assert response.status_code < 500, where
    if value in MARKUP and response["Content-Type"].startswith("text/html"):
        assert value not in response.content.decode(), f"reflected: {where}"


def _client(user=None):
    client = Client(raise_request_exception=False)
    if user:
        client.force_login(user)
    return client


def test_public_get_parameters_survive_hostile_values(settings):
    settings.PAGE_CACHE_SECONDS = 0  # Each request reaches the view.
    client = _client(make_user(email="visitor@example.org"))
    sent = 0
    for url_name, parameters in PUBLIC_GET.items():
        for name in parameters:
            for value in HOSTILE:
                params = {**ORDINARY_GET, name: value}
                response = client.get(reverse(url_name), params)
                _assert_safe(response, value, f"{url_name} {name}={value!r}")
                sent += 1
    region = make_hub().region
    for value in HOSTILE:
        response = client.get(reverse("hubs:region", args=[region.slug]), {"page": value})
        _assert_safe(response, value, f"region page={value!r}")
        sent += 1

    assert sent == 32 * len(HOSTILE)
    assert sent >= 1_000


FORMS = {
    "business_create": {
        "name": "Fuzz Works",
        "industry": "339920",
        "place_text": "Provo, UT",
        "address": "1 Main St",
        "website": "https://fuzz.example.org",
        "description": "Things.",
        "size": "2-9",
        "founded_year": "2015",
        "latitude": "",
        "longitude": "",
    },
    "hub_create": {
        "name": "Fuzz Hub",
        "industry": "339920",
        "place_text": "Provo, UT",
        "description": "A hub.",
        "latitude": "",
        "longitude": "",
        "create_anyway": "on",
    },
    "business_contact": {"subject": "Hello", "message": "Hi there."},
    "business_flag": {"reason": "spam", "note": "Looks fake."},
}


def test_owner_form_fields_survive_hostile_values_and_save_nothing_half(
    settings, django_capture_on_commit_callbacks
):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "contact": "", "flag": ""}
    owner = make_user(email="fuzzer@example.org")
    mine = make_business(name="Fuzzer's Own")
    mine.owners.add(owner)
    target = make_business(name="Target Co")
    client = _client(owner)
    urls = {
        "business_create": reverse("hubs:business_create"),
        "hub_create": reverse("hubs:hub_create"),
        "business_contact": reverse("hubs:business_contact", args=[target.slug]),
        "business_flag": reverse("hubs:business_flag", args=[target.slug]),
    }
    sent = 0
    with django_capture_on_commit_callbacks(execute=True):
        for form, ordinary in FORMS.items():
            fields = {**ordinary, **({"business": mine.pk} if form == "hub_create" else {})}
            for name in ordinary:
                for value in HOSTILE:
                    response = client.post(urls[form], {**fields, name: value})
                    _assert_safe(response, value, f"{form} {name}={value!r}")
                    sent += 1

    assert sent == 21 * len(HOSTILE)
    # Nothing half-saved: every business has its place, every hub its organizer.
    assert not Business.objects.filter(region__isnull=True).exists()
    assert not Business.objects.filter(city="").exists()
    new_hubs = Hub.objects.filter(created_by=owner)
    assert all(
        Membership.objects.filter(hub=hub, role="organizer", state="active").exists()
        for hub in new_hubs
    )
