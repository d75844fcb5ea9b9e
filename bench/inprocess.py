"""A page in-process, never from the page cache: its median time and CPU, its statements and,
on request, the Python function calls it makes (a figure other work on the machine does not move).

    BENCH_DATABASE_URL=postgres://.../ih_big DJANGO_SETTINGS_MODULE=bench.settings \
        python -m bench.inprocess new-searches [--requests 200] [--calls] [--profile]

The page is one of ``new-searches`` (every request a search nobody made before: what people type
for their industry near one of the most populous towns, as `make bench` asks them), ``geojson``
(the API, every URL once), ``ogden`` (the same search each time) or ``hub`` (the Ogden hub's
page), or any path. Run it with FRAGMENT_CACHE_SECONDS=0 in the environment to build a hub page
from nothing. It only reads the database.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time

import django

NAMED = {
    "ogden": "/search/?industry=sporting+goods&near=Ogden%2C+UT",
    "hub": "/hubs/ogden-outdoor-products/",
}
WARM_UP = 30


def _paths(page, count):
    from bench import throughput

    if page in ("new-searches", "geojson"):
        files = throughput._unique_paths(tempfile.mkdtemp())
        label = throughput.NEW_SEARCHES if page == "new-searches" else throughput.GEOJSON_NEW
        return files[label].read_text().split()[-count:]
    return [NAMED.get(page, page)] * count


class _BackendCPU:
    """The CPU time the PostgreSQL backend serving ``connection`` spends (Linux, a server on
    this machine): what the page costs the database, which the process's own CPU leaves out."""

    def __init__(self, connection):
        self.path, self.started = None, None
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            path = f"/proc/{cursor.fetchone()[0]}/schedstat"
        if os.path.exists(path):
            self.path, self.started = path, self._read(path)

    @staticmethod
    def _read(path):
        with open(path) as f:
            return int(f.read().split()[0])  # nanoseconds on a CPU

    def spent(self):
        """Milliseconds since this was made, or None where it cannot be read."""
        if self.path is None:
            return None
        return (self._read(self.path) - self.started) / 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--calls", action="store_true", help="count Python function calls")
    parser.add_argument("--profile", action="store_true", help="print where the time goes")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    from django.db import connection
    from django.test import Client, override_settings

    paths = _paths(args.page, WARM_UP + args.requests)
    profiler = cProfile.Profile() if args.calls or args.profile else None
    times, cpu, statements = [], [], []

    def counted(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with override_settings(PAGE_CACHE_SECONDS=0):
        client = Client()
        for path in paths[:WARM_UP]:
            client.get(path)
        backend_cpu = _BackendCPU(connection)
        with connection.execute_wrapper(counted):
            for path in paths[WARM_UP:]:
                started, started_cpu = time.perf_counter(), time.process_time()
                if profiler:
                    profiler.enable()
                response = client.get(path)
                if profiler:
                    profiler.disable()
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
                if response.status_code != 200:
                    sys.exit(f"{path}: {response.status_code}")
        database_cpu = backend_cpu.spent() / args.requests
    print(
        f"{args.page}: p50 {statistics.median(times):.2f} ms, CPU p50 "
        f"{statistics.median(cpu):.2f} ms"
        + (f" (+ PostgreSQL {database_cpu:.2f} ms a request)" if database_cpu is not None else "")
        + f", {len(statements) / args.requests:.2f} "
        f"statements a request, load average {os.getloadavg()[0]:.2f}"
        + (" (under the profiler: times inflated)" if profiler else "")
    )
    if profiler:
        stats = pstats.Stats(profiler)
        print(f"Python function calls a request: {stats.total_calls / args.requests:,.0f}")
        if args.profile:
            stats.sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
