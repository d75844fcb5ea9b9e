"""A curator's CSV import: a generated 5,000-row partner file of hubs, a few percent of its rows
bad, imported with --skip-invalid as `manage.py import_csv` does it.

The file is written as partners write places: "City, ST", "City, Country", a city with a
`country` (and `state`) column, a bare city name, a US ZIP code, or coordinates (with or without
the place they name). Places are real gazetteer towns picked by population, so large towns come
up again and again, as in a real list. The bad rows are planted and known: the import must reject
exactly them.
"""

import csv
import io
import os
import random
import time
from pathlib import Path

from django.core.management import call_command
from django.db import connection

from bench.phase import progress
from hubs import gazetteer
from hubs.models import Hub, Industry, Place

SEED = 2011
ROWS = 5000
BAD_SHARE = 0.04
HEADERS = ["name", "industry", "place", "state", "country", "latitude", "longitude", "status"]
STATUSES = ["", "", "", "approved", "Approved", "PENDING", "pending review"]
# What goes wrong in real files, and the reason the import gives for each.
BAD_KINDS = [
    "unknown place",
    "latitude out of range",
    "coordinates not numbers",
    "missing name",
    "unknown status",
    "unknown industry",
]


def _towns(rng, count):
    """Half the rows in US towns, half anywhere; big towns come up most (Zipf-like weights)."""
    towns = Place.objects.filter(kind=Place.Kind.CITY, population__gte=20_000).exclude(
        name__contains=","
    )
    picked = []
    for share in (towns.filter(country="US"), towns):
        found = list(
            share.order_by("-population", "pk").values(
                "name", "admin1", "country", "latitude", "longitude"
            )
        )
        weights = [1.0 / (rank + 10) for rank in range(len(found))]
        picked += rng.choices(found, weights=weights, k=count // 2 + 1)
    rng.shuffle(picked)
    return picked[:count]


def _zip_codes(rng, count):
    codes = list(
        Place.objects.filter(kind=Place.Kind.POSTCODE)
        .order_by("source_id")
        .values_list("source_id", flat=True)
    )
    return rng.sample(codes, count)


def _place_cells(rng, town, zip_code):
    """The place, state, country, latitude and longitude cells, in one of the forms people use."""
    name, country = town["name"], town["country"]
    lat, lng = f"{town['latitude']:.5f}", f"{town['longitude']:.5f}"
    us = country == "US"
    form = rng.choices(
        ["city, st", "city, country", "columns", "bare", "zip", "point and place", "point"],
        weights=[20 if us else 0, 25, 20, 10, 8 if us else 0, 10, 7],
    )[0]
    if form == "city, st":
        return [f"{name}, {town['admin1']}", "", "", "", ""]
    if form == "city, country":
        return [f"{name}, {gazetteer.country_name(country)}", "", "", "", ""]
    if form == "columns":
        state = town["admin1"] if us else ""
        return [name, state, rng.choice([country, gazetteer.country_name(country)]), "", ""]
    if form == "bare":
        return [name, "", "", "", ""]
    if form == "zip":
        return [zip_code, "", "", "", ""]
    if form == "point and place":
        return [name, "", country, lat, lng]
    return ["", "", "", lat, lng]


def _bad(rng, kind, cells):
    """Spoil a row's cells (name, industry, place, state, country, lat, lng, status)."""
    if kind == "unknown place":
        cells[2:7] = [f"Xq{rng.randrange(10**6)}zzyville", "", "", "", ""]
    elif kind == "latitude out of range":
        cells[5], cells[6] = "95.5", "10.0"
    elif kind == "coordinates not numbers":
        cells[5], cells[6] = "north", "west"
    elif kind == "missing name":
        cells[0] = ""
    elif kind == "unknown status":
        cells[7] = "maybe"
    elif kind == "unknown industry":
        cells[1] = "999999"
    return cells


def partner_file(*, rows=ROWS, bad_share=BAD_SHARE, seed=SEED):
    """The CSV text of a partner's hub list, and the spreadsheet row numbers of its bad rows."""
    rng = random.Random(seed)
    industries = list(
        Industry.objects.filter(code__regex=r"^\d{6}$")
        .order_by("code")
        .values_list("code", "title")
    )
    towns = _towns(rng, rows)
    zip_codes = _zip_codes(rng, rows)
    bad_rows = set(rng.sample(range(2, rows + 2), round(rows * bad_share)))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for index, (town, zip_code) in enumerate(zip(towns, zip_codes, strict=True)):
        number = index + 2  # As a spreadsheet numbers it: the header is row 1.
        code, title = rng.choice(industries)
        industry = rng.choice([code, code, title])
        name = f"{town['name']} {title.split(',')[0][:60]} {number}"
        cells = [name, industry, *_place_cells(rng, town, zip_code), rng.choice(STATUSES)]
        if number in bad_rows:
            cells = _bad(rng, BAD_KINDS[number % len(BAD_KINDS)], cells)
        writer.writerow(cells)
    return out.getvalue(), sorted(bad_rows)


def _rejected_rows(path):
    with path.open(encoding="utf-8") as rejected:
        return [int(row["row"]) for row in csv.DictReader(rejected)]


def measure(*, rows=ROWS, directory):
    """Import the generated file into a seeded database; time it and check what was rejected."""
    from bench.scaling import _database_label
    from hubs.demo import seed_demo

    label = _database_label()
    progress(f"{label}: migrating, seeding the demo (gazetteer included)")
    call_command("migrate", interactive=False, verbosity=0)
    seed_demo()
    text, bad_rows = partner_file(rows=rows)
    path = Path(directory) / "partner-hubs.csv"
    path.write_text(text, encoding="utf-8")
    hubs_before = Hub.objects.count()
    statements = 0

    def count(execute, sql, params, many, context):
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    progress(f"{label}: importing {rows:,} rows ({len(bad_rows)} bad) with --skip-invalid")
    out, errors = io.StringIO(), io.StringIO()
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    with connection.execute_wrapper(count):
        call_command("import_csv", "hubs", str(path), "--skip-invalid", stdout=out, stderr=errors)
    seconds = time.perf_counter() - start
    rejected = _rejected_rows(path.with_name("partner-hubs-rejected.csv"))
    return {
        "database": label,
        "rows": rows,
        "bad_rows": len(bad_rows),
        "seconds": seconds,
        "rows_per_s": rows / seconds,
        "statements": statements,
        "imported": Hub.objects.count() - hubs_before,
        "rejected": len(rejected),
        "rejected_as_planted": rejected == bad_rows,
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
        "summary": out.getvalue().strip().splitlines()[-1],
    }
