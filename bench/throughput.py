"""HTTP throughput: the site under gunicorn on PostgreSQL with a large directory, loaded by wrk."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from bench import loading, synthetic, wrk
from bench.phase import PROJECT_DIR, child_env, progress
from hubs.demo import seed_demo
from hubs.models import Business, Hub, Industry, Membership, Place, Region

SEED = 2022
CITIES = 3000  # The most populous gazetteer cities, as centres of the generated directory.
HUBS_WITH_MEMBERS = 0.15
MEMBERS_PER_HUB = (3, 30)
MEMBER_SPREAD_KM = 15.0
# (label, path, text the page must contain: proof that it did its work).
PAGES = [
    ("Minimal (base.html)", "/bench/minimal/", "Industry Hubs"),
    ("Search", "/search/?industry=sporting+goods&near=Ogden%2C+UT", "Ogden Outdoor Products"),
    ("Hub page", "/hubs/ogden-outdoor-products/", "Ogden Outdoor Products"),
]


def _load_directory(*, hubs, businesses):
    """The demo site, then ``hubs`` approved hubs and ``businesses`` businesses around real cities.

    Some hubs get members: businesses of their industry placed near them. The other businesses
    spread like the hubs do.
    """
    seed_demo(log=progress)
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
    return {
        "hubs": Hub.objects.approved().count(),
        "businesses": Business.objects.count(),
        "memberships": Membership.objects.count(),
        "places": Place.objects.count(),
    }


@override_settings(PAGE_CACHE_SECONDS=0)
def _profile(path, *, repeat=20):
    """The page in-process, never from the page cache: its mean response time, then one
    request's statements, each timed."""
    client = Client()
    for _ in range(3):
        client.get(path)  # Warm the caches first.
    start = time.perf_counter()
    for _ in range(repeat):
        client.get(path)
    mean_ms = (time.perf_counter() - start) * 1000 / repeat

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
    return {"status": response.status_code, "ms": mean_ms, "statements": statements, "plan": plan}


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


def _load_pages(base_url, *, rounds, threads, connections, seconds):
    """wrk on each page in turn, ``rounds`` times: path -> the figures of each round.

    Taking turns spreads any load from other processes over all pages alike.
    """
    options = {"threads": threads, "connections": connections}
    for _, path, proof in PAGES:
        status, body = _get(base_url + path)
        if status != 200 or proof not in body:
            raise RuntimeError(f"{path} answered {status} without “{proof}”")
        wrk.run(base_url + path, seconds=min(3, seconds), **options)  # Warm-up.
    runs = {path: [] for _, path, _ in PAGES}
    for round_number in range(1, rounds + 1):
        for label, path, _ in PAGES:
            load = wrk.run(base_url + path, seconds=seconds, **options)
            runs[path].append(load)
            progress(
                f"round {round_number}, {label}: {load['requests_per_s']:.1f} requests/s, "
                f"p99 {load['p99_ms']:.1f} ms"
            )
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


def measure(*, hubs, businesses, seconds, rounds, threads, connections, workers):
    """Load the directory, profile each page in-process, then load each page with wrk."""
    progress("PostgreSQL: migrating and loading the demo site")
    call_command("migrate", interactive=False, verbosity=0)
    counts = _load_directory(hubs=hubs, businesses=businesses)
    profiles = {label: _profile(path) for label, path, _ in PAGES}
    connection.close()

    modes = []
    for cache, env in _page_cache_modes():
        progress(
            f"gunicorn: {workers} workers, page cache {cache}; "
            f"wrk -t{threads} -c{connections} -d{seconds}s per page"
        )
        with _gunicorn(workers=workers, env=env) as base_url:
            runs = _load_pages(
                base_url, rounds=rounds, threads=threads, connections=connections, seconds=seconds
            )
            sizes = {path: len(_get(base_url + path)[1]) for _, path, _ in PAGES}
        pages = []
        for label, path, _ in PAGES:
            best = max(runs[path], key=lambda load: load["requests_per_s"])
            rates = [load["requests_per_s"] for load in runs[path]]
            pages.append(
                {"label": label, "path": path, "bytes": sizes[path], **best, "rounds": rates}
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
