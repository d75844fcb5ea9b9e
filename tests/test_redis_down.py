"""With Redis unreachable the site keeps working: the page cache serves pages uncached and logs
it once; rate-limited actions (log-in, password reset) refuse with a clear 503, never a crash."""

import logging

import pytest
from django.test import override_settings
from django.urls import reverse

from hubs.models import Business, Hub, Industry
from tests.factories import make_business, make_hub, make_user

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: every cache call fails at once with redis' ConnectionError.
REDIS_DOWN = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    },
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}
PASSPHRASE = "correct horse battery staple 42"


@pytest.fixture
def redis_down(monkeypatch):
    monkeypatch.setattr("hubs.pagecache._cache_down", False)
    with override_settings(CACHES=REDIS_DOWN):
        yield


def test_public_pages_answer_200_uncached_and_log_once_when_redis_is_down(
    client, redis_down, caplog
):
    hub = make_hub(name="Harbour Makers", description="Boats and sails.")
    caplog.set_level(logging.WARNING, logger="hubs.pagecache")

    pages = [
        reverse("hubs:home"),
        reverse("hubs:search") + "?industry=339920&near=Ogden,+UT",
        reverse("hubs:hub_list"),
        hub.get_absolute_url(),
        hub.get_absolute_url(),
    ]
    responses = [client.get(url) for url in pages]

    assert [r.status_code for r in responses] == [200, 200, 200, 200, 200]
    assert "Boats and sails." in responses[3].content.decode()
    warnings = [r.getMessage() for r in caplog.records if r.name == "hubs.pagecache"]
    assert warnings == ["The cache is unreachable; pages are served uncached until it is back."]


def test_home_and_business_list_give_exact_counts_when_redis_is_down(client, redis_down):
    client.get(reverse("hubs:home"))
    make_business(name="Listed While Redis Is Down", industry=Industry.objects.get(code="339920"))

    home = client.get(reverse("hubs:home")).content.decode()
    directory = client.get(reverse("hubs:business_list")).content.decode()

    assert f"<strong>{Business.objects.count():,}</strong> businesses" in home
    assert f"<strong>{Hub.objects.approved().count():,}</strong> hubs" in home
    assert f'<h2 id="list-heading">{Business.objects.count()} businesses</h2>' in directory


def test_a_write_still_saves_when_redis_is_down(redis_down):
    hub = make_hub(description="Before.")

    hub.description = "After."
    hub.save()

    hub.refresh_from_db()
    assert hub.description == "After."


def test_login_refuses_with_a_clear_503_when_redis_is_down(client, redis_down):
    user = make_user(email="owner@example.org", password=PASSPHRASE)

    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSPHRASE})

    assert response.status_code == 503
    assert "Signing in and sending mail are paused for a moment" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_refuses_with_a_clear_503_when_redis_is_down(client, redis_down, mailoutbox):
    make_user(email="owner@example.org", password=PASSPHRASE)

    response = client.post(reverse("account_reset_password"), {"email": "owner@example.org"})

    assert response.status_code == 503
    assert "Signing in and sending mail are paused for a moment" in response.content.decode()
    assert mailoutbox == []


def test_login_page_itself_still_shows_when_redis_is_down(client, redis_down):
    response = client.get(reverse("account_login"))

    assert response.status_code == 200
