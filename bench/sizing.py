"""Sizing on paper (docs/scaling.md): a generated directory of many hubs and businesses, its
tables' and indexes' sizes, and the plans of the heaviest reads at that size.

    python -m bench.sizing --hubs 100000 --businesses 1000000

Loads the demo site and the generated rows as `make bench`'s HTTP run does
(`bench.throughput._load_directory`), on a database of its own (ih_sizing, dropped afterwards
unless --keep-db), then prints, as Markdown: the rows, table and index sizes of the largest
tables with bytes per row (to extrapolate to 5M businesses), and for each heavy page its
in-process time with the page cache off, its statements and the EXPLAIN (ANALYZE, BUFFERS) of
its slowest statement.
"""

import argparse
import json
import sys
import time
from urllib.parse import urlencode

from bench import phase

DATABASE = "ih_sizing"
TABLES = ["hubs_business", "hubs_hub", "hubs_membership", "hubs_placename", "hubs_place"]


def _pages():
    from hubs.models import Hub, Industry

    hub = Hub.objects.approved().order_by("-pk").first()
    industry = Industry.objects.filter(children=None).order_by("code")[40]
    near = "Chicago, IL"
    return [
        ("Search page", f"/search/?{urlencode({'industry': industry.title, 'near': near})}"),
        ("Hub list near a place", f"/hubs/?{urlencode({'near': near})}"),
        ("Business directory near a place", f"/businesses/?{urlencode({'near': near})}"),
        ("Business directory of an industry", f"/businesses/?industry={industry.slug}"),
        ("GeoJSON API", f"/hubs.geojson?{urlencode({'industry': industry.code, 'near': near})}"),
        ("Hub page", hub.get_absolute_url()),
    ]


def _sizes():
    from django.db import connection

    rows = []
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(
                f"SELECT count(*), pg_table_size('{table}'), pg_indexes_size('{table}') "  # noqa: S608
                f"FROM {table}"
            )
            count, table_bytes, index_bytes = cursor.fetchone()
            rows.append(
                {
                    "table": table,
                    "rows": count,
                    "table_bytes": table_bytes,
                    "index_bytes": index_bytes,
                }
            )
        cursor.execute("SELECT pg_database_size(current_database())")
        database_bytes = cursor.fetchone()[0]
    return rows, database_bytes


def measure(*, hubs, businesses):
    from django.core.management import call_command

    from bench import throughput

    phase.progress("PostgreSQL: migrating, loading the demo site and the generated rows")
    started = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)
    counts = throughput._load_directory(hubs=hubs, businesses=businesses)
    load_seconds = time.monotonic() - started
    sizes, database_bytes = _sizes()
    pages = {}
    for label, path in _pages():
        phase.progress(f"profiling {label}: {path}")
        profile = throughput._profile([path], repeat=10)
        pages[label] = {"path": path} | profile
    return {
        "counts": counts,
        "load_seconds": load_seconds,
        "sizes": sizes,
        "database_bytes": database_bytes,
        "pages": pages,
    }


def _mb(value):
    return f"{value / 2**20:,.0f} MB"


def report(result, *, businesses_target):
    lines = [
        f"Loaded in {result['load_seconds']:.0f} s: {json.dumps(result['counts'])}.",
        f"Database size: {_mb(result['database_bytes'])}.",
        "",
        "| Table | Rows | Table | Indexes | Bytes per row (table + indexes) |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in result["sizes"]:
        per_row = (row["table_bytes"] + row["index_bytes"]) / max(row["rows"], 1)
        lines.append(
            f"| `{row['table']}` | {row['rows']:,} | {_mb(row['table_bytes'])} | "
            f"{_mb(row['index_bytes'])} | {per_row:,.0f} |"
        )
        if row["table"] == "hubs_business" and businesses_target:
            lines.append(
                f"| ... at {businesses_target:,} businesses (linear) | {businesses_target:,} | "
                f"{_mb(row['table_bytes'] / row['rows'] * businesses_target)} | "
                f"{_mb(row['index_bytes'] / row['rows'] * businesses_target)} | |"
            )
    for label, page in result["pages"].items():
        slowest = max(page["statements"], key=lambda s: s["ms"], default={"ms": 0, "sql": ""})
        lines += [
            "",
            f"### {label}: `{page['path']}`",
            "",
            f"Status {page['status']}, {page['ms']:.1f} ms mean in-process (median "
            f"{page['p50_ms']:.1f} ms), {len(page['statements'])} statements, the slowest "
            f"{slowest['ms']:.1f} ms:",
            "",
            "```",
            page["plan"],
            "```",
        ]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hubs", type=int, default=100_000)
    parser.add_argument("--businesses", type=int, default=1_000_000)
    parser.add_argument("--extrapolate-to", type=int, default=5_000_000)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()

    import psycopg

    url = args.server.rsplit("/", 1)[0] + f"/{DATABASE}"
    with psycopg.connect(args.server, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DATABASE}")
    try:
        result = phase.run(
            "bench.sizing:measure", database_url=url, hubs=args.hubs, businesses=args.businesses
        )
    finally:
        if not args.keep_db:
            with psycopg.connect(args.server, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    print(report(result, businesses_target=args.extrapolate_to))
    sys.exit(0)


if __name__ == "__main__":
    main()
