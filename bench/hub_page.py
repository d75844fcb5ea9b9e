"""The hub page in-process: the median of repeated requests, whole-page cache off.

    BENCH_DATABASE_URL=postgres://.../ih_big DJANGO_SETTINGS_MODULE=bench.settings \
        python -m bench.hub_page [--slug ogden-outdoor-products] [--requests 200]

Run it with FRAGMENT_CACHE_SECONDS=0 in the environment for a page built from nothing kept (as
after any write to the directory), without for a page built from its kept shared parts. It only
reads the database.
"""

import argparse
import os
import statistics
import time

import django


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slug", default="ogden-outdoor-products")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warm-up", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    path = f"/hubs/{args.slug}/"
    with override_settings(PAGE_CACHE_SECONDS=0):
        client = Client()
        for _ in range(args.warm_up):
            client.get(path)
        times = []
        for _ in range(args.requests):
            start = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.status_code
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
    times.sort()
    print(
        f"{path} p50 {statistics.median(times):.2f} ms, p90 {times[len(times) * 9 // 10]:.2f} ms,"
        f" {len(queries)} statements, {args.requests} requests"
    )


if __name__ == "__main__":
    main()
