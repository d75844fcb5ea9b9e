"""Look-ups of typed places remembered by each worker (hubs/lookups.py): asked again, they cost
no query; any change to the gazetteer or the directory makes them look again."""

import pytest
from django.test import override_settings

from hubs.fields import PlaceField
from hubs.lookups import remembered
from hubs.models import Place
from tests.factories import make_hub

pytestmark = pytest.mark.django_db


def _ogden():
    return Place.objects.get(kind=Place.Kind.CITY, name="Ogden", country="US", admin1="UT")


def test_a_place_looked_up_again_costs_no_query(django_assert_num_queries):
    first = PlaceField().clean("Ogden, UT")

    with django_assert_num_queries(0):
        again = PlaceField().clean("Ogden, UT")

    assert (again.place, again.point, again.label) == (first.place, first.point, "Ogden, UT")


def test_each_text_is_looked_up_on_its_own():
    ogden, provo = PlaceField().clean("Ogden, UT"), PlaceField().clean("Provo, UT")

    assert (ogden.label, provo.label) == ("Ogden, UT", "Provo, UT")
    assert PlaceField().clean("Ogden, UT").label == "Ogden, UT"


def test_a_changed_place_is_looked_up_afresh():
    PlaceField().clean("Ogden, UT")
    ogden = _ogden()
    ogden.latitude, ogden.longitude = 41.5, -112.5
    ogden.save()

    again = PlaceField().clean("Ogden, UT")

    assert again.point == (41.5, -112.5)


def test_any_change_to_the_directory_makes_look_ups_look_again(django_assert_num_queries):
    PlaceField().clean("Ogden, UT")
    make_hub()

    with django_assert_num_queries(1):
        PlaceField().clean("Ogden, UT")


def test_an_unknown_place_is_remembered_with_its_close_spellings(django_assert_num_queries):
    with pytest.raises(Exception) as first:
        PlaceField().clean("Ogdn, UT")

    with django_assert_num_queries(0), pytest.raises(Exception) as again:
        PlaceField().clean("Ogdn, UT")

    assert again.value.messages == first.value.messages
    assert "Ogden" in again.value.messages[0]


def test_a_remembered_answer_is_a_copy_the_caller_may_change():
    first = PlaceField().clean("Ogden, UT")
    first.latitude = 0.0

    assert PlaceField().clean("Ogden, UT").latitude == _ogden().latitude


def test_look_ups_still_work_when_the_cache_is_unreachable():
    down = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
        "lookups": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    with override_settings(CACHES=down):
        assert remembered("place", "Ogden, UT", lambda text: text.upper()) == "OGDEN, UT"
        assert PlaceField().clean("Ogden, UT").label == "Ogden, UT"
