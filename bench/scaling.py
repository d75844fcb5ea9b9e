"""Search scaling: grow one hubs table 10k -> 100k -> 1M, time the search page's own read."""

import statistics
import time

from django.conf import settings
from django.core.management import call_command
from django.db import connection

from bench import loading, synthetic
from bench.phase import progress
from hubs import geo, queries, search
from hubs.models import Hub, Industry, Region

SEED = 2022
CITIES = 3000
WARMUP_SEARCHES = 10
INDUSTRIES = [
    ("311812", "Commercial Bakeries"),
    ("332710", "Machine Shops"),
    ("334413", "Semiconductor and Related Device Manufacturing"),
    ("336411", "Aircraft Manufacturing"),
    ("339920", "Sporting and Athletic Goods Manufacturing"),
    ("513210", "Software Publishers"),
    ("541715", "Research and Development in the Physical, Engineering, and Life Sciences"),
    ("722511", "Full-Service Restaurants"),
]
# Points the brute-force check adds to the searches' own: the antimeridian, the far south and
# north, and mid-ocean, where the search must widen its box to the whole table.
EDGE_POINTS = [(0.5, 179.95), (-54.0, -179.9), (78.0, 15.0), (0.0, -30.0), (-40.0, -120.0)]


def _database_label():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


def _schema():
    call_command("migrate", interactive=False, verbosity=0)
    industries = [
        Industry.objects.create(code=code, title=title, slug=f"{code}-bench")
        for code, title in INDUSTRIES
    ]
    region = Region.objects.create(
        name="Benchmark land",
        slug="benchmark-land",
        kind=Region.Kind.COUNTRY,
        latitude=0,
        longitude=0,
    )
    return industries, region


def _search(lat, lng, industry):
    """What the search page lists: the first page within its radius, else the nearest anywhere."""
    found = search.search_hubs(
        industry=industry, lat=lat, lng=lng, radius_km=settings.HUB_NEAR_RADIUS_KM
    )
    return list(found.page.object_list) or found.nearest_anywhere


def _brute_force(lat, lng, industry):
    """What the search must list, by computing every distance in Python."""
    rows = queries.hubs_of_industry(industry).values_list("pk", "latitude", "longitude")
    ranked = sorted((geo.haversine_km(lat, lng, r_lat, r_lng), pk) for pk, r_lat, r_lng in rows)
    within = [row for row in ranked if row[0] <= settings.HUB_NEAR_RADIUS_KM]
    return within[: search.SEARCH_PAGE_SIZE] or ranked[: search.NEAREST_ANYWHERE]


def _check(searches):
    """Compare the search with the brute force; equal distances may come in either order."""
    wrong = []
    for lat, lng, industry in searches:
        found = _search(lat, lng, industry)
        expected = _brute_force(lat, lng, industry)
        found_km = [geo.haversine_km(lat, lng, h.latitude, h.longitude) for h in found]
        same_hubs = [h.pk for h in found] == [pk for _, pk in expected]
        same_km = len(found_km) == len(expected) and all(
            abs(a - b) < 1e-6 for a, (b, _) in zip(found_km, expected, strict=True)
        )
        if not (same_hubs or same_km):
            wrong.append({"lat": lat, "lng": lng, "industry": industry.code})
    return {"points": len(searches), "wrong": wrong}


def _hub_list_plan(lat, lng):
    """The hub list "near" a place, as its view builds it: the query plan of the page's rows and
    whether any step reads the whole hubs table (a sequential scan on SQLite or PostgreSQL)."""
    from django.core.paginator import Paginator
    from django.test import RequestFactory

    from hubs.filters import HubFilter

    request = RequestFactory().get("/hubs/", {"near": f"{lat:.4f}, {lng:.4f}"})
    hub_filter = HubFilter(request.GET, queryset=queries.public_hubs(), request=request)
    page = Paginator(hub_filter.qs, 20).get_page(1)
    plans = [hub_filter.qs.explain(), page.object_list.explain()]
    full_scan = any(
        ("Seq Scan on hubs_hub" in plan) or ("SCAN hubs_hub" in plan and "USING" not in plan)
        for plan in plans
    )
    return {
        "within_km": hub_filter.automatic_within,
        "hubs_listed": page.paginator.count,
        "plan": plans[1],
        "full_scan": full_scan,
    }


def _time_searches(searches, *, rounds, budget_s):
    """Each search's fastest time in ``rounds`` runs (ms), and SQL statements per search.

    The fastest of a few runs filters out moments when other processes held the CPU. The loop
    stops at the time budget, keeping the searches timed so far.
    """
    for lat, lng, industry in searches[:WARMUP_SEARCHES]:
        _search(lat, lng, industry)
    timed = searches[WARMUP_SEARCHES:]
    timings = [[] for _ in timed]
    statements = 0

    def count(execute, sql, params, many, context):
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    deadline = time.monotonic() + budget_s
    runs = [(n, search) for _ in range(rounds) for n, search in enumerate(timed)]
    with connection.execute_wrapper(count):
        for n, (lat, lng, industry) in runs:
            start = time.perf_counter()
            _search(lat, lng, industry)
            timings[n].append((time.perf_counter() - start) * 1000)
            if time.monotonic() > deadline:
                break
    calls = sum(len(times) for times in timings)
    return [min(times) for times in timings if times], statements / calls


def measure(*, sizes, searches, rounds, check_points, budget_s):
    """Grow the approved hubs through ``sizes``; after each, time ``searches`` searches."""
    label = _database_label()
    progress(f"{label}: migrating")
    industries, region = _schema()
    cities = synthetic.random_cities(synthetic.seeded(SEED, "cities"), CITIES)
    hub_rng = synthetic.seeded(SEED, "hubs")
    search_rng = synthetic.seeded(SEED, "searches")
    points = synthetic.search_points(search_rng, cities, WARMUP_SEARCHES + searches)
    plan = [(lat, lng, search_rng.choice(industries)) for lat, lng in points]
    checks = plan[-check_points:] + [(lat, lng, industries[0]) for lat, lng in EDGE_POINTS]

    steps, check = [], None
    for size in sizes:
        loaded = Hub.objects.count()
        progress(f"{label}: adding {size - loaded:,} hubs to reach {size:,}")
        start = time.monotonic()
        specs = (
            (lat, lng, hub_rng.choice(industries).pk, 0)
            for lat, lng in synthetic.points(hub_rng, cities, size - loaded)
        )
        loading.bulk_load(
            Hub,
            loading.HUB_COLUMNS,
            loading.hub_rows(specs, first_id=loading.next_id(Hub), region_id=region.pk),
        )
        loading.analyze()
        load_s = time.monotonic() - start
        if check is None:
            progress(f"{label}: checking {len(checks)} searches against brute force")
            check = {"size": size, **_check(checks)}
        progress(f"{label}: timing {searches} searches ({rounds} rounds) at {size:,} hubs")
        timings, statements = _time_searches(plan, rounds=rounds, budget_s=budget_s)
        steps.append(
            {
                "size": size,
                "load_s": load_s,
                "searches": len(timings),
                "median_ms": statistics.median(timings),
                "p95_ms": statistics.quantiles(timings, n=20, method="inclusive")[18],
                "max_ms": max(timings),
                "statements": statements,
            }
        )
        progress(
            f"{label}: median {steps[-1]['median_ms']:.2f} ms, p95 {steps[-1]['p95_ms']:.2f} ms"
        )
    lat, lng, _ = plan[0]
    progress(f"{label}: the hub list near ({lat:.2f}, {lng:.2f}) at {steps[-1]['size']:,} hubs")
    return {
        "database": label,
        "hub_list": {"size": steps[-1]["size"], **_hub_list_plan(lat, lng)},
        "rounds": rounds,
        "steps": steps,
        "check": check,
        "largest_city_share": synthetic.largest_share(cities),
    }
