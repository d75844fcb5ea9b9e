"""HTTP throughput: the site under gunicorn on PostgreSQL with a large directory, loaded by wrk."""

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from bench import loading, synthetic, wrk
from bench.phase import PROJECT_DIR, child_env, progress
from hubs.demo import seed_demo
from hubs.forms import RADIUS_CHOICES
from hubs.models import Business, Hub, Industry, Membership, Place, Region
from tests.hubs.industry_words import WORDS

SEED = 2022
CITIES = 3000  # The most populous gazetteer cities, as centres of the generated directory.
HUBS_WITH_MEMBERS = 0.15
MEMBERS_PER_HUB = (3, 30)
MEMBER_SPREAD_KM = 15.0
# (label, path, text the page must contain: proof that it did its work). A path of None: every
# request a different one, from the file that ``_unique_paths`` writes for that label.
NEW_SEARCHES, GEOJSON_NEW = "New searches (every URL once)", "GeoJSON API (every URL once)"
PAGES = [
    ("Minimal (base.html)", "/bench/minimal/", "Industry Hubs"),
    ("Search", "/search/?industry=sporting+goods&near=Ogden%2C+UT", "Ogden Outdoor Products"),
    ("Hub page", "/hubs/ogden-outdoor-products/", "Ogden Outdoor Products"),
    (NEW_SEARCHES, None, 'id="results-heading"'),
    ("GeoJSON API", "/hubs.geojson?industry=339920&near=Ogden%2C+UT", "Ogden Outdoor Products"),
    (GEOJSON_NEW, None, "FeatureCollection"),
]
UNIQUE_PATHS = 200_000  # More than any run asks for: a path is never asked twice.
SEARCH_PLACES = 700  # The most populous towns, as visitors type them ("Ogden, UT").


def _load_directory(*, hubs, businesses):
    """The demo site, then ``hubs`` approved hubs and ``businesses`` businesses around real cities.

    Some hubs get members: businesses of their industry placed near them. The other businesses
    spread like the hubs do.
    """
    seed_demo(log=progress)
    if not hubs and not businesses:
        return _counts()
    region = Region.objects.create(
        name="Benchmark data",
        slug="benchmark-data",
        kind=Region.Kind.COUNTRY,
        latitude=0,
        longitude=0,
    )
    rng = synthetic.seeded(SEED, "directory")
    centres = (
        Place.objects.filter(kind=Place.Kind.CITY)
        .order_by("-population")
        .values_list("latitude", "longitude", "population")[:CITIES]
    )
    cities = synthetic.real_cities(rng, centres)
    leaves = list(Industry.objects.filter(children=None).values_list("pk", flat=True))

    hub_specs = []
    for lat, lng in synthetic.points(rng, cities, hubs - Hub.objects.approved().count()):
        members = rng.randint(*MEMBERS_PER_HUB) if rng.random() < HUBS_WITH_MEMBERS else 0
        hub_specs.append((lat, lng, rng.choice(leaves), members))
    first_hub, first_business = loading.next_id(Hub), loading.next_id(Business)
    progress(f"PostgreSQL: loading {len(hub_specs):,} hubs")
    loading.bulk_load(
        Hub,
        loading.HUB_COLUMNS,
        loading.hub_rows(hub_specs, first_id=first_hub, region_id=region.pk),
    )

    business_specs, pairs = [], []
    for hub_id, (lat, lng, industry_id, members) in enumerate(hub_specs, start=first_hub):
        for n in range(members):
            pairs.append((hub_id, first_business + len(business_specs), n == 0))
            business_specs.append((*synthetic.near(rng, lat, lng, MEMBER_SPREAD_KM), industry_id))
    spread = max(0, businesses - Business.objects.count() - len(business_specs))
    for lat, lng in synthetic.points(rng, cities, spread):
        business_specs.append((lat, lng, rng.choice(leaves)))
    progress(f"PostgreSQL: loading {len(business_specs):,} businesses, {len(pairs):,} memberships")
    loading.bulk_load(
        Business,
        loading.BUSINESS_COLUMNS,
        loading.business_rows(business_specs, first_id=first_business, region_id=region.pk),
    )
    loading.bulk_load(
        Membership, loading.MEMBERSHIP_COLUMNS, loading.membership_rows(pairs, rng=rng)
    )
    loading.analyze()
    return _counts()


def _counts():
    return {
        "hubs": Hub.objects.approved().count(),
        "businesses": Business.objects.count(),
        "memberships": Membership.objects.count(),
        "places": Place.objects.count(),
    }


def _unique_paths(directory):
    """label -> a file of paths, each a search nobody made before: what people type for their
    industry (the matcher's test words) near one of the most populous towns, within each offered
    radius, shuffled; and the GeoJSON API's industries by code near the same towns."""
    rng = synthetic.seeded(SEED, "unique paths")
    towns = [
        place.label
        for place in Place.objects.filter(kind=Place.Kind.CITY).order_by("-population")[
            :SEARCH_PLACES
        ]
    ]
    radii = RADIUS_CHOICES
    words = [text for text, _ in WORDS]
    codes = list(Industry.objects.filter(children=None).values_list("code", flat=True))
    combinations = len(words) * len(towns) * len(radii)
    picks = rng.sample(range(combinations), min(UNIQUE_PATHS, combinations))
    searches, features = [], []
    for pick in picks:
        word, rest = divmod(pick, len(towns) * len(radii))
        town, radius = divmod(rest, len(radii))
        near = {"near": towns[town], "radius": radii[radius]}
        searches.append("/search/?" + urlencode({"industry": words[word], **near}))
        geojson = {"industry": rng.choice(codes), "near": towns[town], "radius_km": radii[radius]}
        features.append("/hubs.geojson?" + urlencode(geojson))
    files = {}
    for label, paths in [(NEW_SEARCHES, searches), (GEOJSON_NEW, features)]:
        files[label] = Path(directory) / f"{len(files)}.txt"
        files[label].write_text("\n".join(paths) + "\n")
    return files


@override_settings(PAGE_CACHE_SECONDS=0)
def _profile(paths, *, repeat=20):
    """The page in-process, never from the page cache: its mean and median response time over
    ``repeat`` requests (of the same path, or of ``repeat`` different ones), then one request's
    statements, each timed."""
    client = Client()
    paths = paths * repeat if len(paths) == 1 else paths[:repeat]
    path = paths[0]
    for _ in range(3):
        client.get(path)  # Warm the caches first.
    times = []
    for each in paths:
        start = time.perf_counter()
        client.get(each)
        times.append((time.perf_counter() - start) * 1000)
    mean_ms, p50_ms = statistics.fmean(times), statistics.median(times)

    timings = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append((time.perf_counter() - started) * 1000)

    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timed):
        response = client.get(path)
    statements = [
        {"ms": ms, "sql": query["sql"]}
        for query, ms in zip(captured.captured_queries, timings, strict=True)
    ]
    plan = ""
    if statements:
        slowest = max(statements, key=lambda s: s["ms"])
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
    return {
        "status": response.status_code,
        "ms": mean_ms,
        "p50_ms": p50_ms,
        "statements": statements,
        "plan": plan,
    }


def _last_path(paths_file):
    return paths_file.read_text().split()[-1]


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read().decode()


@contextmanager
def _gunicorn(*, workers, env):
    """The site under gunicorn on a free port of 127.0.0.1; yields its base URL, then stops it."""
    base_url = f"http://127.0.0.1:{_free_port()}"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi",
        f"--workers={workers}",
        f"--bind={base_url.removeprefix('http://')}",
        "--log-level=warning",
    ]
    env = {**child_env(os.environ["BENCH_DATABASE_URL"]), **env}
    server = subprocess.Popen(command, cwd=PROJECT_DIR, env=env)
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited with status {server.returncode}")
            try:
                _get(base_url + PAGES[0][1])
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _load_pages(base_url, *, rounds, threads, connections, seconds, unique):
    """wrk on each page in turn, ``rounds`` times: label -> the figures of each round.

    Taking turns spreads any load from other processes over all pages alike. A page of unique
    paths (``unique``: label -> file) never asks for a path twice, warm-up included.
    """
    options = {"threads": threads, "connections": connections}
    next_line = dict.fromkeys(unique, 1)

    def load(label, path, seconds):
        if path is not None:
            return wrk.run(base_url + path, seconds=seconds, **options)
        figures = wrk.run(
            base_url + "/",
            seconds=seconds,
            paths_file=unique[label],
            first_line=next_line[label],
            **options,
        )
        next_line[label] += figures["requests"] + connections  # Those in flight at the end.
        return figures

    for label, path, proof in PAGES:
        first = path or unique[label].read_text().split("\n", 1)[0]
        status, body = _get(base_url + first)
        if status != 200 or proof not in body:
            raise RuntimeError(f"{first} answered {status} without “{proof}”")
        load(label, path, min(3, seconds))  # Warm-up.
    runs = {label: [] for label, _, _ in PAGES}
    for round_number in range(1, rounds + 1):
        for label, path, _ in PAGES:
            figures = load(label, path, seconds)
            runs[label].append(figures)
            progress(
                f"round {round_number}, {label}: {figures['requests_per_s']:.1f} requests/s, "
                f"p99 {figures['p99_ms']:.1f} ms"
            )
    if any(line > UNIQUE_PATHS for line in next_line.values()):
        raise RuntimeError("The run asked for more unique paths than were written.")
    return runs


def _page_cache_modes():
    """(label, environment) of each way to serve: with the site's page cache, and without.

    With the cache, wrk's repeated request is a cache hit after the first; without it, every
    request does the page's work, as a search nobody made in the last minutes does.
    """
    seconds = getattr(settings, "PAGE_CACHE_SECONDS", 0)
    if not seconds:
        return [("none", {})]
    return [(f"on ({seconds} s)", {}), ("off", {"PAGE_CACHE_SECONDS": "0"})]


def measure(*, hubs, businesses, seconds, rounds, threads, connections, workers, directory):
    """Load the directory, profile each page in-process, then load each page with wrk.

    ``hubs`` and ``businesses`` of 0: the demo site alone.
    """
    progress("PostgreSQL: migrating and loading the demo site")
    call_command("migrate", interactive=False, verbosity=0)
    counts = _load_directory(hubs=hubs, businesses=businesses)
    unique = _unique_paths(directory)
    profiles = {}
    for label, path, _ in PAGES:
        # In-process, the unique pages take paths from the end of their file: wrk never reaches
        # them, so each stays a search nobody made before.
        paths = [path] if path else unique[label].read_text().split()[-50:]
        profiles[label] = _profile(paths, repeat=20 if path else 50)
    connection.close()

    modes = []
    for cache, env in _page_cache_modes():
        progress(
            f"gunicorn: {workers} workers, page cache {cache}; "
            f"wrk -t{threads} -c{connections} -d{seconds}s per page"
        )
        with _gunicorn(workers=workers, env=env) as base_url:
            runs = _load_pages(
                base_url,
                rounds=rounds,
                threads=threads,
                connections=connections,
                seconds=seconds,
                unique=unique,
            )
            sizes = {
                label: len(_get(base_url + (path or _last_path(unique[label])))[1])
                for label, path, _ in PAGES
            }
        pages = []
        for label, path, _ in PAGES:
            best = max(runs[label], key=lambda load: load["requests_per_s"])
            rates = [load["requests_per_s"] for load in runs[label]]
            shown = path or f"{len(unique[label].read_text().split()):,} paths, e.g. " + (
                _last_path(unique[label])
            )
            pages.append(
                {"label": label, "path": shown, "bytes": sizes[label], **best, "rounds": rates}
            )
        modes.append({"cache": cache, "pages": pages})
    return {
        "counts": counts,
        "modes": modes,
        "profiles": profiles,
        "workers": workers,
        "wrk": {
            "threads": threads,
            "connections": connections,
            "seconds": seconds,
            "rounds": rounds,
        },
    }
