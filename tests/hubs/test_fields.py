"""The two fields that turn typed text into a place or an industry, used everywhere text is read."""

import pytest
from django import forms

from hubs.fields import IndustryField, PlaceField, UnknownIndustry, UnknownPlace
from hubs.models import Industry, Place, UnmatchedIndustryText

pytestmark = pytest.mark.django_db


def test_place_field_resolves_a_town_with_its_state_to_its_point():
    resolution = PlaceField().clean("Ogden, UT")

    ogden = Place.objects.get(kind=Place.Kind.CITY, name="Ogden", country="US", admin1="UT")
    assert (resolution.place, resolution.point, resolution.label) == (
        ogden,
        (ogden.latitude, ogden.longitude),
        "Ogden, UT",
    )


def test_place_field_left_empty_is_none_when_not_required():
    assert PlaceField(required=False).clean("  ") is None


def test_place_field_unknown_place_names_close_spellings_in_its_message():
    with pytest.raises(UnknownPlace) as raised:
        PlaceField().clean("Ogdn")

    assert raised.value.messages == [
        "We couldn't find the place “Ogdn”. Did you mean Ogden, Ogun, Ogod?"
    ]
    assert raised.value.resolution.suggestions == ["Ogden", "Ogun", "Ogod"]


def test_place_field_can_leave_close_spellings_to_the_page():
    with pytest.raises(UnknownPlace) as raised:
        PlaceField(suggestions_in_message=False).clean("Ogdn")

    assert raised.value.messages == ["We couldn't find the place “Ogdn”."]
    assert raised.value.resolution.suggestions == ["Ogden", "Ogun", "Ogod"]


def test_place_field_position_is_written_without_an_exponent():
    resolution = PlaceField.position(0.00001, -0.5)

    assert (resolution.query, resolution.point, resolution.place) == (
        "0.00001, -0.5",
        (0.00001, -0.5),
        None,
    )


def test_place_field_position_with_town_finds_the_town_it_lies_in():
    ogden = Place.objects.get(kind=Place.Kind.CITY, name="Ogden", country="US", admin1="UT")

    resolution = PlaceField.position(ogden.latitude + 0.001, ogden.longitude, town=True)

    assert resolution.place == ogden


def test_place_field_many_resolves_a_files_places_together(django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        found = PlaceField.many(["Ogden, UT", "Nowhereville Zzq"])

    assert found["Ogden, UT"].label == "Ogden, UT"
    assert found["Nowhereville Zzq"].found is False


def test_industry_field_reads_words_and_keeps_the_matchers_reading():
    field = IndustryField()

    industry = field.clean("sporting goods")

    assert industry == Industry.objects.get(code="339920")
    assert field.result.best == industry
    assert field.result.text == "sporting goods"


def test_industry_field_unknown_words_say_so_and_are_counted_for_curators():
    field = IndustryField()

    with pytest.raises(UnknownIndustry) as raised:
        field.clean("qqqzzz xylofrob")

    assert raised.value.messages == [
        "We don't know the industry “qqqzzz xylofrob”. Try a word like “furniture” or a NAICS "
        "code like 337."
    ]
    assert UnmatchedIndustryText.objects.get().text == "qqqzzz xylofrob"


def test_industry_field_strict_gives_the_api_and_importers_message():
    with pytest.raises(forms.ValidationError) as raised:
        IndustryField(strict=True).clean("xqzv")

    assert raised.value.messages == ["Unknown industry 'xqzv'."]
    assert not isinstance(raised.value, UnknownIndustry)


def test_industry_field_strict_reads_an_exact_code():
    assert IndustryField(strict=True).clean("339920") == Industry.objects.get(code="339920")


def test_industry_field_shows_an_industry_by_its_title():
    industry = Industry.objects.get(code="339920")

    assert IndustryField().prepare_value(industry) == industry.title
    assert IndustryField().prepare_value(industry.pk) == industry.title
    assert IndustryField().prepare_value("typed words") == "typed words"
