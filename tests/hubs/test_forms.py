"""The forms of hubs/forms.py: what each turns valid input into, and the exact message each
gives for bad input. Forms are checked through is_valid(), errors and cleaned_data only."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import timezone
from PIL import Image

from hubs.forms import (
    BusinessForm,
    ContactForm,
    FlagForm,
    HubEditForm,
    HubFlagForm,
    HubRegisterForm,
    InviteForm,
    JoinForm,
    MentionForm,
    PartnerForm,
    SearchForm,
    UpdateForm,
    remembered_unit,
)
from hubs.models import Flag, Membership, Place, UnmatchedIndustryText
from tests.factories import (
    make_business,
    make_hub,
    make_industry,
    make_membership,
    make_resource,
    make_user,
)

pytestmark = pytest.mark.django_db

UNKNOWN_INDUSTRY = (
    "We don't know the industry “zzzqqq”. Try a word like “furniture” or a NAICS code like 337."
)


@pytest.fixture
def ogden():
    return Place.objects.get(kind=Place.Kind.CITY, name="Ogden", admin1="UT")


def _png(size=(4, 4)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, "PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


# SearchForm ---------------------------------------------------------------------------------


def test_search_form_turns_words_and_a_town_into_an_industry_and_a_point(ogden):
    form = SearchForm({"industry": " sporting goods ", "near": "Ogden, UT"})

    assert form.is_valid(), form.errors
    cleaned = form.cleaned_data
    assert (cleaned["industry"].code, cleaned["industry_text"]) == ("339920", "sporting goods")
    place = cleaned["place"]
    assert (place.place, place.latitude, place.longitude) == (
        ogden,
        ogden.latitude,
        ogden.longitude,
    )
    assert (cleaned["radius"], cleaned["unit"]) == (None, "")


def test_search_form_takes_a_naics_code():
    form = SearchForm({"industry": "339920"})

    assert form.is_valid(), form.errors
    assert (form.cleaned_data["industry"].code, form.cleaned_data["place"]) == ("339920", None)


def test_search_form_empty_is_valid_and_asks_nothing():
    form = SearchForm({})

    assert form.is_valid()
    assert (form.cleaned_data["industry"], form.cleaned_data["place"]) == (None, None)


def test_search_form_unknown_industry_says_so_and_counts_the_text_for_curators():
    form = SearchForm({"industry": "zzzqqq", "near": "Ogden, UT"})

    assert not form.is_valid()
    assert form.errors == {"industry": [UNKNOWN_INDUSTRY]}
    assert list(UnmatchedIndustryText.objects.values_list("text", "count")) == [("zzzqqq", 1)]
    # The field points to its message for screen readers.
    assert form.fields["industry"].widget.attrs["aria-describedby"] == "industry-error"
    assert form.fields["industry"].widget.attrs["aria-invalid"] == "true"
    assert "aria-invalid" not in form.fields["near"].widget.attrs


def test_search_form_unknown_place_says_so():
    form = SearchForm({"near": "Xqzzyville"})

    assert not form.is_valid()
    assert form.errors == {"near": ["We couldn't find the place “Xqzzyville”."]}


def test_search_form_a_position_alone_is_named_after_its_nearest_town(ogden):
    form = SearchForm({"lat": str(ogden.latitude), "lng": str(ogden.longitude)})

    assert form.is_valid(), form.errors
    place = form.cleaned_data["place"]
    assert (place.latitude, place.longitude) == (ogden.latitude, ogden.longitude)
    assert place.near_town == ogden


def test_search_form_a_typed_place_wins_over_the_browsers_position(ogden):
    form = SearchForm({"near": "Ogden, UT", "lat": "52.37", "lng": "4.89"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["place"].place == ogden


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"lat": "91", "lng": "0"}, {"lat": ["Ensure this value is less than or equal to 90."]}),
        (
            {"lat": "0", "lng": "-181"},
            {"lng": ["Ensure this value is greater than or equal to -180."]},
        ),
        ({"radius": "ten"}, {"radius": ["Enter a number."]}),
        ({"radius": "nan"}, {"radius": ["Enter a number."]}),
        (
            {"unit": "furlongs"},
            {"unit": ["Select a valid choice. furlongs is not one of the available choices."]},
        ),
        (
            {"industry": "x" * 121},
            {"industry": ["Ensure this value has at most 120 characters (it has 121)."]},
        ),
        (
            {"near": "x" * 201},
            {"near": ["Ensure this value has at most 200 characters (it has 201)."]},
        ),
    ],
)
def test_search_form_bad_values_get_exact_messages(data, errors):
    form = SearchForm(data)

    assert not form.is_valid()
    assert form.errors == errors


@pytest.mark.parametrize(("typed", "kept"), [("0", 1), ("-5", 1), ("99999", 5000), ("75.5", 75.5)])
def test_search_form_radius_is_clamped(typed, kept):
    form = SearchForm({"radius": typed})

    assert form.is_valid()
    assert form.cleaned_data["radius"] == kept


def test_search_form_radius_km_converts_miles_and_rounds_a_default():
    chosen = SearchForm({"radius": "100"})
    default = SearchForm({})
    assert chosen.is_valid() and default.is_valid()

    assert chosen.radius_km("km", 150) == 100
    assert chosen.radius_km("mi", 150) == pytest.approx(160.9344)
    assert default.radius_km("km", 150) == 150
    assert default.radius_km("mi", 150) == pytest.approx(160.9344)  # 93 mi, shown as 100 mi


@pytest.mark.parametrize(
    ("cookie", "country", "unit"),
    [("mi", "NL", "mi"), ("km", "US", "km"), ("", "US", "mi"), ("parsecs", "NL", "km")],
)
def test_remembered_unit_is_the_cookie_else_the_countrys_unit(cookie, country, unit):
    request = RequestFactory().get("/")
    if cookie:
        request.COOKIES["unit"] = cookie

    assert remembered_unit(request, country) == unit


# BusinessForm -------------------------------------------------------------------------------


def _business_data(**overrides):
    data = {
        "name": "Wasatch Skis",
        "industry": "339920",
        "place_text": "Ogden, UT",
        "address": "1 Main St",
        "website": "https://wasatch.example",
        "description": "Skis.",
        "size": "2-9",
        "founded_year": "1990",
        "location_public": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_business_form_cleans_every_field_and_finds_the_town(ogden):
    form = BusinessForm(_business_data())

    assert form.is_valid(), form.errors
    cleaned = form.cleaned_data
    assert (cleaned["name"], cleaned["industry"].code, cleaned["size"]) == (
        "Wasatch Skis",
        "339920",
        "2-9",
    )
    assert (cleaned["founded_year"], cleaned["location_public"]) == (1990, True)
    assert (cleaned["website"], cleaned["logo_upload"]) == ("https://wasatch.example", None)
    assert cleaned["location"].place == ogden


def test_business_form_a_pin_keeps_its_point_and_takes_the_nearest_town(ogden):
    form = BusinessForm(
        _business_data(place_text="", latitude=str(ogden.latitude + 0.01), longitude="-111.97")
    )

    assert form.is_valid(), form.errors
    location = form.cleaned_data["location"]
    assert (location.latitude, location.longitude) == (ogden.latitude + 0.01, -111.97)
    assert location.place == ogden


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        (
            {"place_text": ""},
            {"place_text": ["Enter the town or postcode, or drop a pin on the map."]},
        ),
        (
            {"place_text": "", "latitude": "41.2"},
            {"place_text": ["Drop the pin again: the position was incomplete."]},
        ),
        (
            {"place_text": "Xqzzyville"},
            {"place_text": ["We couldn't find the place “Xqzzyville”."]},
        ),
        ({"industry": "zzzqqq"}, {"industry": [UNKNOWN_INDUSTRY]}),
        ({"industry": ""}, {"industry": ["This field is required."]}),
        ({"name": ""}, {"name": ["This field is required."]}),
        ({"name": "Skis\nBcc: x@example.org"}, {"name": ["Keep the name on one line."]}),
        ({"founded_year": "1599"}, {"founded_year": ["Enter a year between 1600 and this year."]}),
        ({"website": "not a link"}, {"website": ["Enter a valid URL."]}),
        (
            {"size": "huge"},
            {"size": ["Select a valid choice. huge is not one of the available choices."]},
        ),
        (
            {"latitude": "95", "longitude": "0", "place_text": ""},
            {
                "latitude": ["Ensure this value is less than or equal to 90."],
                # The hidden field's error is not shown beside it: the place field's is.
                "place_text": ["Drop the pin again: the position was incomplete."],
            },
        ),
    ],
)
def test_business_form_bad_values_get_exact_messages(overrides, errors):
    form = BusinessForm(_business_data(**overrides))

    assert not form.is_valid()
    assert form.errors == errors


def test_business_form_refuses_next_year_as_founding_year():
    form = BusinessForm(_business_data(founded_year=str(timezone.now().year + 1)))

    assert not form.is_valid()
    assert form.errors == {"founded_year": ["Enter a year between 1600 and this year."]}


def test_business_form_a_logo_is_re_encoded_and_a_non_image_refused():
    good = BusinessForm(_business_data(), files={"logo_upload": _png()})
    bad = BusinessForm(
        _business_data(),
        files={"logo_upload": SimpleUploadedFile("logo.png", b"not an image", "image/png")},
    )

    assert good.is_valid(), good.errors
    assert good.cleaned_data["logo_upload"].name.endswith(".png")
    assert not bad.is_valid()
    assert bad.errors == {
        "logo_upload": ["This file is not a JPEG, PNG or WebP image we can read."]
    }


def test_business_form_editing_without_moving_looks_nothing_up():
    business = make_business(city="Testville")

    form = BusinessForm(_business_data(place_text="Testville"), instance=business)

    assert form.is_valid(), form.errors
    assert "location" not in form.cleaned_data
    assert form["place_text"].initial == "Testville"


# HubRegisterForm ----------------------------------------------------------------------------


def _hub_data(business, **overrides):
    data = {
        "name": "Wasatch Outdoor",
        "industry": "339920",
        "business": str(business.pk),
        "place_text": "Ogden, UT",
        "description": "Makers of outdoor gear.",
    }
    data.update(overrides)
    return data


def test_hub_register_form_cleans_name_industry_business_and_centre(ogden):
    owner = make_user()
    business = make_business()
    business.owners.add(owner)

    form = HubRegisterForm(_hub_data(business), user=owner)

    assert form.is_valid(), form.errors
    cleaned = form.cleaned_data
    assert (cleaned["name"], cleaned["industry"].code, cleaned["business"]) == (
        "Wasatch Outdoor",
        "339920",
        business,
    )
    assert (cleaned["location"].place, cleaned["create_anyway"]) == (ogden, False)
    assert form.fields["business"].initial == business.pk  # The only one: chosen already.


def test_hub_register_form_offers_only_the_users_businesses():
    owner, other = make_user(), make_user()
    mine, theirs = make_business(), make_business()
    mine.owners.add(owner)
    theirs.owners.add(other)

    form = HubRegisterForm(_hub_data(theirs), user=owner)

    assert list(form.fields["business"].queryset) == [mine]
    assert not form.is_valid()
    assert form.errors == {
        "business": ["Select a valid choice. That choice is not one of the available choices."]
    }


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"name": "A\rB"}, {"name": ["Keep the name on one line."]}),
        ({"description": ""}, {"description": ["This field is required."]}),
        (
            {"place_text": ""},
            {"place_text": ["Enter the town or postcode, or drop a pin on the map."]},
        ),
        ({"industry": "zzzqqq"}, {"industry": [UNKNOWN_INDUSTRY]}),
    ],
)
def test_hub_register_form_bad_values_get_exact_messages(overrides, errors):
    owner = make_user()
    business = make_business()
    business.owners.add(owner)

    form = HubRegisterForm(_hub_data(business, **overrides), user=owner)

    assert not form.is_valid()
    assert form.errors == errors


def test_hub_register_form_with_two_businesses_chooses_neither():
    owner = make_user()
    for business in (make_business(), make_business()):
        business.owners.add(owner)

    assert HubRegisterForm(user=owner).fields["business"].initial is None


# JoinForm -----------------------------------------------------------------------------------


def test_join_form_offers_businesses_not_yet_in_the_hub_or_asking():
    owner = make_user()
    hub = make_hub()
    free, member, asking, left = (make_business() for _ in range(4))
    for business in (free, member, asking, left):
        business.owners.add(owner)
    make_membership(hub=hub, business=member)
    make_membership(hub=hub, business=asking, state=Membership.State.REQUESTED)
    make_membership(hub=hub, business=left, state=Membership.State.LEFT)

    form = JoinForm(
        {"business": str(free.pk), "connections": ["media", "finance"]}, user=owner, hub=hub
    )

    assert sorted(b.pk for b in form.fields["business"].queryset) == sorted([free.pk, left.pk])
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"business": free, "connections": ["media", "finance"]}


def test_join_form_refuses_a_member_business_and_an_unknown_connection():
    owner = make_user()
    hub = make_hub()
    member = make_business()
    member.owners.add(owner)
    make_membership(hub=hub, business=member)

    form = JoinForm({"business": str(member.pk), "connections": ["bribes"]}, user=owner, hub=hub)

    assert not form.is_valid()
    assert form.errors == {
        "business": ["Select a valid choice. That choice is not one of the available choices."],
        "connections": ["Select a valid choice. bribes is not one of the available choices."],
    }


# HubEditForm --------------------------------------------------------------------------------


def test_hub_edit_form_cleans_links_and_founding_year():
    hub = make_hub()
    form = HubEditForm(
        {
            "description": "New.",
            "mission": "Grow.",
            "website": "https://hub.example",
            "founded_year": "2001",
        },
        instance=hub,
    )

    assert form.is_valid(), form.errors
    assert (form.cleaned_data["founded_year"], form.cleaned_data["cover_upload"]) == (2001, None)


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"founded_year": "1200"}, {"founded_year": ["Enter a year between 1600 and this year."]}),
        ({"website": "javascript:alert(1)"}, {"website": ["Enter a valid URL."]}),
        ({"linkedin_url": "linkedin"}, {"linkedin_url": ["Enter a valid URL."]}),
    ],
)
def test_hub_edit_form_bad_values_get_exact_messages(data, errors):
    form = HubEditForm(data, instance=make_hub())

    assert not form.is_valid()
    assert form.errors == errors


# PartnerForm, MentionForm, UpdateForm, ContactForm, InviteForm ------------------------------


def test_partner_form_offers_resources_within_300_km_not_yet_partners():
    hub = make_hub(latitude=-45.0, longitude=-140.0)
    near = make_resource(latitude=-45.5, longitude=-140.0)  # About 56 km.
    make_resource(latitude=-49.0, longitude=-140.0)  # About 445 km.
    partner = make_resource(latitude=-45.1, longitude=-140.0)
    hub.partners.create(resource=partner)

    form = PartnerForm({"resource": str(near.pk), "note": "Loans."}, hub=hub)

    assert list(form.fields["resource"].queryset) == [near]
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"resource": near, "note": "Loans."}
    assert PartnerForm({"resource": str(partner.pk)}, hub=hub).errors == {
        "resource": ["Select a valid choice. That choice is not one of the available choices."]
    }


def test_mention_form_cleans_a_dated_link_and_refuses_a_bad_one():
    good = MentionForm(
        {"title": "In the news", "url": "https://news.example/a", "published_on": "2026-03-01"}
    )
    bad = MentionForm({"title": "", "url": "news", "published_on": "yesterday"})

    assert good.is_valid(), good.errors
    assert good.cleaned_data == {
        "title": "In the news",
        "url": "https://news.example/a",
        "published_on": date(2026, 3, 1),
    }
    assert bad.errors == {
        "title": ["This field is required."],
        "url": ["Enter a valid URL."],
        "published_on": ["Enter a valid date."],
    }


def test_update_form_needs_a_title_and_news():
    assert UpdateForm({"title": "Meet-up", "body": "Thursday."}).is_valid()
    assert UpdateForm({}).errors == {
        "title": ["This field is required."],
        "body": ["This field is required."],
    }


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"subject": "Hi\nBcc: x@example.org", "message": "Hello"},
            {"subject": ["Keep the subject on one line."]},
        ),
        (
            {"subject": "Hi\u2028there", "message": "Hello"},
            {"subject": ["Keep the subject on one line."]},
        ),
        (
            {"subject": "", "message": ""},
            {"subject": ["This field is required."], "message": ["This field is required."]},
        ),
        (
            {"subject": "Hi", "message": "x" * 5001},
            {"message": ["Ensure this value has at most 5000 characters (it has 5001)."]},
        ),
    ],
)
def test_contact_form_bad_values_get_exact_messages(data, errors):
    form = ContactForm(data)

    assert not form.is_valid()
    assert form.errors == errors


def test_contact_form_keeps_a_multi_line_message():
    form = ContactForm({"subject": "Hello", "message": "Line one.\nLine two."})

    assert form.is_valid()
    assert form.cleaned_data == {"subject": "Hello", "message": "Line one.\nLine two."}


def test_invite_form_takes_an_email_address():
    good, bad = InviteForm({"email": "co@example.org"}), InviteForm({"email": "co at example"})

    assert good.is_valid() and good.cleaned_data == {"email": "co@example.org"}
    assert bad.errors == {"email": ["Enter a valid email address."]}


# FlagForm and HubFlagForm -------------------------------------------------------------------


def test_flag_form_offers_the_reasons_a_visitor_can_give():
    form = FlagForm({"reason": Flag.Reason.CLOSED, "note": "Shut in May."})

    assert [value for value, _ in form.fields["reason"].choices] == ["wrong", "closed", "spam"]
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"reason": "closed", "note": "Shut in May."}
    assert FlagForm({"reason": "stale"}).errors == {
        "reason": ["Select a valid choice. stale is not one of the available choices."]
    }


def test_hub_flag_form_a_duplicate_names_a_nearby_approved_hub_of_the_industry():
    industry = make_industry()
    hub = make_hub(industry=industry)
    near = make_hub(industry=industry, latitude=-45.2, longitude=-140.0)
    make_hub(industry=industry, latitude=-45.2, longitude=-140.1, status="pending")
    make_hub(latitude=-45.2, longitude=-140.0)  # Another industry.
    make_hub(industry=industry, latitude=-52.0, longitude=-140.0)  # About 780 km.

    form = HubFlagForm({"reason": "duplicate", "duplicate_of": str(near.pk)}, hub=hub)

    assert list(form.fields["duplicate_of"].queryset) == [near]
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["reason"], form.cleaned_data["duplicate_of"]) == ("duplicate", near)


def test_hub_flag_form_a_duplicate_needs_the_hub_and_other_reasons_drop_it():
    industry = make_industry()
    hub = make_hub(industry=industry)
    near = make_hub(industry=industry, latitude=-45.2, longitude=-140.0)

    missing = HubFlagForm({"reason": "duplicate"}, hub=hub)
    other = HubFlagForm({"reason": "spam", "duplicate_of": str(near.pk)}, hub=hub)
    itself = HubFlagForm({"reason": "duplicate", "duplicate_of": str(hub.pk)}, hub=hub)

    assert missing.errors == {"duplicate_of": ["Choose the hub this one duplicates."]}
    assert other.is_valid() and other.cleaned_data["duplicate_of"] is None
    assert itself.errors == {
        "duplicate_of": ["Select a valid choice. That choice is not one of the available choices."]
    }
