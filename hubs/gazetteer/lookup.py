"""Resolving typed text to a town, a ZIP code, an area or a point, in one indexed query."""

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection

from hubs.models import Place, PlaceName
from hubs.placenames import fold, qualifiers, variants

# A place found under another place's alternative name counts as if it held this share of its
# people: Concórdia (Brazil) beats El Paso, whose alternative names include it, but Köln still
# beats Cologne, Minnesota.
ALTERNATE_NAME_WEIGHT = 0.01
# A spelling we rewrote ("Koeln" read as "Köln") ranks below the words as typed.
VARIANT_WEIGHT = 0.001
# A place whose name matches the accents typed ranks as if this many times more populous.
ACCENTED_SPELLING_WEIGHT = 100
# A city sharing its name with an area of its country is meant when it holds this share of the
# area's people: inside the area under another name ("Querétaro" for Santiago de Querétaro),
# or outside it ("Buenos Aires" is the city, not the province around it).
NAMESAKE_SHARE_INSIDE, NAMESAKE_SHARE_OUTSIDE = 0.25, 0.3
MAX_QUERY_LENGTH = 200
MAX_ROWS = 100  # Names ranked per look-up, the likeliest first.
MAX_NAMED = 2000  # A guard: the readings of one text name a few hundred places at most.
# A position is named after the nearest town within this distance ("near Ogden, UT").
NEAR_TOWN_MAX_KM = 50
AREA_KINDS = frozenset({Place.Kind.COUNTRY, Place.Kind.STATE, Place.Kind.COUNTY})

_ZIP = re.compile(r"^(\d{5})(?:-\d{4})?$")
_LAT_LNG = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*[, ]\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class _Row:
    """A place found under one of its names."""

    key: str
    is_primary: bool
    place: Place

    @property
    def order(self) -> tuple[bool, int, int]:
        """The likeliest first: own names, then the most populous."""
        return (not self.is_primary, -self.place.population, self.place.pk)


class UnknownQualifier(ValueError):
    """The part after a comma names no state, province or country we know."""


@dataclass(frozen=True)
class _Reading:
    """One way to read the typed text: a folded name, and qualifiers the place must match
    (each a tuple of the (country, admin1) pairs it may mean)."""

    key: str
    qualifiers: tuple[tuple[tuple[str, str], ...], ...] = ()

    @property
    def keys(self) -> list[str]:
        return [self.key, *variants(self.key)]

    def admits(self, place: Place) -> bool:
        return all(_within(place, options) for options in self.qualifiers)


def _within(place: Place, options: Sequence[tuple[str, str]]) -> bool:
    """Whether a place lies in one of the areas a qualifier may mean, without being it."""
    for country, admin1 in options:
        if place.country != country:
            continue
        if admin1 and place.admin1 == admin1 and place.kind != Place.Kind.STATE:
            return True
        if not admin1 and place.kind != Place.Kind.COUNTRY:
            return True
    return False


def _readings(text: str) -> list[_Reading]:
    """The readings of typed text: "albany ny" is "albany ny", and also "albany" in New York;
    "Toronto, ON, Canada" is "toronto" in Ontario and in Canada."""
    if "," in text:
        name, *rest = text.split(",")
        wanted: list[tuple[tuple[str, str], ...]] = []
        for part in rest:
            key = fold(part)
            if not key:
                continue
            options = qualifiers().get(key)
            if not options:
                raise UnknownQualifier(part.strip())
            wanted.append(tuple(options))
        return [_Reading(fold(name), tuple(wanted))]
    key = fold(text)
    readings = [_Reading(key)]
    words = key.split()
    for size in (1, 2, 3):
        if len(words) > size:
            options = qualifiers().get(" ".join(words[-size:]))
            if options:
                readings.append(_Reading(" ".join(words[:-size]), (tuple(options),)))
    return readings


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
    # For a position (typed coordinates, the browser's): the town it is near, if any.
    near_town: Place | None = None

    @property
    def found(self) -> bool:
        return self.latitude is not None

    @property
    def point(self) -> tuple[float, float]:
        """The point found: a write asks for it only once the look-up has found one."""
        if self.latitude is None or self.longitude is None:
            raise ValueError(f"“{self.query}” has no point: it was not found.")
        return self.latitude, self.longitude

    @property
    def label(self) -> str:
        if self.place:
            return self.place.label
        if self.near_town:
            return self.near_town.label
        return f"{self.latitude:.4f}, {self.longitude:.4f}"

    @property
    def message(self) -> str:
        """The error with close spellings, for a form field."""
        if not self.suggestions:
            return self.error
        return f"{self.error} Did you mean {', '.join(self.suggestions)}?"

    @property
    def country(self) -> str:
        town = self.place or self.near_town
        return town.country if town else ""

    @property
    def admin1(self) -> str:
        """The GeoNames state or province code of the place or its town ("" for a country)."""
        town = self.place or self.near_town
        return town.admin1 if town else ""

    @property
    def is_area(self) -> bool:
        """A state, county or country rather than a town or a point."""
        return bool(self.place and self.place.kind in AREA_KINDS)

    @property
    def radius_km(self) -> float | None:
        """A search radius that covers the area, or None for a town or a point."""
        return self.place.radius_km if self.place and self.is_area else None


def resolve(text: str) -> Resolution:
    """Resolve typed text to a point: one indexed query, and a second for close spellings
    when nothing is found."""
    text = (text or "").strip()
    parsed = _parse(text)
    if isinstance(parsed, Resolution):
        return parsed
    readings, zip_code = parsed
    keys = list(dict.fromkeys(key for reading in readings for key in reading.keys))
    rows = _admitted(readings, _named(keys))
    return _resolution(text, readings, zip_code, _ranked(readings, rows, text))


def resolve_many(texts: Iterable[str]) -> dict[str, Resolution]:
    """Resolve many texts at once, as resolve() does each (an import's place column): one
    query per 500 names, and one more for each text not found. Keyed by the texts given."""
    parsed = {text: _parse((text or "").strip()) for text in set(texts)}
    wanted = {
        key
        for found in parsed.values()
        if not isinstance(found, Resolution)
        for reading in found[0]
        for key in reading.keys
    }
    by_key: dict[str, list[_Row]] = {}
    keys = sorted(wanted)
    for start in range(0, len(keys), 500):
        for row in _named(keys[start : start + 500]):
            by_key.setdefault(row.key, []).append(row)
    resolutions: dict[str, Resolution] = {}
    for text, found in parsed.items():
        if isinstance(found, Resolution):
            resolutions[text] = found
            continue
        readings, zip_code = found
        text_keys = {key for reading in readings for key in reading.keys}
        rows = sorted(
            (row for key in text_keys for row in by_key.get(key, ())), key=lambda row: row.order
        )
        stripped = (text or "").strip()
        ranked = _ranked(readings, _admitted(readings, rows), stripped)
        resolutions[text] = _resolution(stripped, readings, zip_code, ranked)
    return resolutions


def _parse(text: str) -> Resolution | tuple[list[_Reading], bool]:
    """The readings of a text and whether it is a ZIP code, or a Resolution when the text
    alone settles it (empty, unreadable, too long, coordinates, an unknown qualifier)."""
    if not text:
        return Resolution(query=text, error="Enter a place, a postcode or a latitude, longitude.")
    if "\x00" in text:
        return Resolution(
            query=text.replace("\x00", "")[:MAX_QUERY_LENGTH],
            error="That place name holds a character we can't read.",
        )
    if len(text) > MAX_QUERY_LENGTH:
        return Resolution(
            query=text[:MAX_QUERY_LENGTH], error="That place name is too long to look up."
        )

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
    try:
        readings = [_Reading(zip_code[1])] if zip_code else _readings(text)
    except UnknownQualifier as unknown:
        return Resolution(
            query=text,
            error=f"We don't know “{unknown}” as a state, province or country.",
        )
    readings = [reading for reading in readings if reading.key]
    if not readings:
        return Resolution(
            query=text, error="Enter a place name, a postcode or a latitude, longitude."
        )
    return readings, bool(zip_code)


def _resolution(
    text: str, readings: list[_Reading], zip_code: bool, found: list[Place]
) -> Resolution:
    if found:
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
        suggestions=[] if zip_code else suggest(readings[0].key),
    )


def _named(keys: Sequence[str]) -> list[_Row]:
    """The places found under any of the folded names, the likeliest first, each as a _Row.

    The statement is written out: building it with the ORM cost three times the query itself.
    Qualifiers ("…, ON", "…, Germany") are checked in Python by _admitted(), since no name is
    shared by more than about 60 places."""
    if not keys:
        return []
    place_table = connection.ops.quote_name(Place._meta.db_table)
    name_table = connection.ops.quote_name(PlaceName._meta.db_table)
    marks = ", ".join(["%s"] * len(keys))
    places = Place.objects.raw(
        f"SELECT place.*, name.key AS matched_key, name.is_primary AS matched_primary"
        f" FROM {name_table} name JOIN {place_table} place ON place.id = name.place_id"
        f" WHERE name.key IN ({marks})"
        f" ORDER BY name.is_primary DESC, name.population DESC, place.id LIMIT {MAX_NAMED}",
        list(keys),
    )
    # matched_key and matched_primary are the raw query's extra columns, unknown to the stubs.
    return [
        _Row(place.matched_key, bool(place.matched_primary), place)  # type: ignore[attr-defined]
        for place in places
    ]


def _admitted(readings: list[_Reading], rows: Iterable[_Row]) -> list[_Row]:
    """The rows some reading admits (name and qualifiers), at most MAX_ROWS of them."""
    admitted = [
        row
        for row in rows
        if any(row.key in reading.keys and reading.admits(row.place) for reading in readings)
    ]
    return admitted[:MAX_ROWS]


def _ranked(readings: list[_Reading], rows: list[_Row], text: str) -> list[Place]:
    """The places of the rows, the likeliest first. A name typed with its accents
    ("Concórdia") prefers the places spelled so."""
    spelled = text.split(",")[0].strip()
    accented = not spelled.isascii()
    scores: dict[Place, float] = {}
    own_names: set[int] = set()  # own_names: places found under their own name
    for row in rows:
        place = row.place
        for reading in readings:
            if row.key not in reading.keys or not reading.admits(place):
                continue
            score: float = max(place.population, 1)
            if not row.is_primary:
                score *= ALTERNATE_NAME_WEIGHT
            if row.key != reading.key:
                score *= VARIANT_WEIGHT
            elif row.is_primary:
                own_names.add(place.pk)
            if accented and place.name.casefold() == spelled.casefold():
                score *= ACCENTED_SPELLING_WEIGHT
            scores[place] = max(score, scores.get(place, 0))
    # A city that gives its name to an area is what people mean ("São Paulo", "Berlin",
    # "Buenos Aires", "New York"): the area ranks just below it, one click away.
    cities = [place for place in scores if place.kind == Place.Kind.CITY]
    for area in [place for place in scores if place.kind in AREA_KINDS]:
        namesakes = [
            city for city in cities if _namesake(city, area, own_name=city.pk in own_names)
        ]
        if not namesakes:
            continue
        city = max(namesakes, key=lambda place: scores[place])
        if city.pk not in own_names:
            # Known by the area's name only ("Querétaro" for Santiago de Querétaro), the city
            # takes the area's rank, before small towns of that very name.
            scores[city] = max(scores[city], scores[area])
        scores[area] = min(scores[area], scores[city] * 0.999)
    return sorted(scores, key=lambda place: -scores[place])


def _namesake(city: Place, area: Place, *, own_name: bool) -> bool:
    """Whether a city is what people mean by the name it shares with an area: it lies in the
    area, or holds most of its people (the city of Buenos Aires is not in its province)."""
    if city.country != area.country or area.kind == Place.Kind.COUNTY:
        return False
    inside = area.kind == Place.Kind.STATE and city.admin1 == area.admin1
    if inside and own_name:
        return True
    share = NAMESAKE_SHARE_INSIDE if inside else NAMESAKE_SHARE_OUTSIDE
    return city.population >= share * area.population


def nearest_city(*, lat: float, lng: float) -> Place | None:
    """The gazetteer town nearest a point (the town of a pin dropped on a map)."""
    cities = Place.objects.filter(kind=Place.Kind.CITY)
    found = cities.nearest(lat=lat, lng=lng, limit=1)
    return found[0] if found else None


def time_zone_at(*, lat: float, lng: float, place: Place | None = None) -> str:
    """The IANA time zone of ``place`` if it has one, else of the gazetteer town nearest the
    point (GeoNames gives each town's); "UTC" when none is known."""
    if place is not None and place.time_zone:
        return place.time_zone
    town = nearest_city(lat=lat, lng=lng)
    return town.time_zone if town is not None and town.time_zone else "UTC"


def name_position(resolution: Resolution) -> Resolution:
    """Give a position (typed coordinates, the browser's) the town within NEAR_TOWN_MAX_KM
    nearest it, for its label and its country's unit; one indexed query. The point stays."""
    lat, lng = resolution.latitude, resolution.longitude
    if lat is not None and lng is not None and resolution.place is None:
        cities = Place.objects.filter(kind=Place.Kind.CITY)
        towns = cities.within_radius(lat=lat, lng=lng, radius_km=NEAR_TOWN_MAX_KM)
        resolution.near_town = towns.first()
    return resolution


def suggest(key: str, limit: int = 5) -> list[str]:
    """Close spellings of a folded name, from names that share its first letters."""
    if len(key) < 3:
        return []
    prefix = key[:2]
    names = (
        PlaceName.objects.filter(key__gte=prefix, key__lt=prefix + "\uffff", is_primary=True)
        .order_by("-population")
        .values_list("place__name", "key")[:3000]
    )
    by_key: dict[str, str] = {}
    for name, name_key in names:
        by_key.setdefault(name_key, name)
    close = difflib.get_close_matches(key, list(by_key), n=limit, cutoff=0.75)
    return [by_key[match] for match in close]
