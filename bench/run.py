"""`make bench`: search query scaling on SQLite and PostgreSQL, then HTTP throughput.

    python -m bench.run            # the full run (about 7 minutes on 2 cores)
    python -m bench.run --quick    # small sizes, a smoke run of a minute or two
    python -m bench.run --skip-http --databases sqlite
    python -m bench.run --skip-scaling --skip-http --skip-words   # only the CSV import

Results go to stdout and bench/out/latest.md; progress goes to stderr.
"""

import argparse
import datetime
import importlib.metadata
import os
import platform
import shutil
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench import databases, phase, report, wrk

OUT_FILE = Path(__file__).resolve().parent / "out" / "latest.md"


@dataclass(frozen=True)
class Profile:
    name: str
    sizes: tuple[int, ...]
    searches: int
    rounds: int  # Each search, and each page's wrk run, is repeated; the best run counts.
    check_points: int
    budget_s: int  # Per size: the timing loop stops early rather than run past it.
    http_hubs: int
    http_businesses: int
    wrk_seconds: int
    import_rows: int


FULL = Profile("full", (10_000, 100_000, 1_000_000), 200, 3, 20, 120, 100_000, 500_000, 15, 5_000)
QUICK = Profile("quick", (1_000, 10_000, 30_000), 50, 1, 10, 30, 5_000, 25_000, 3, 500)
WRK_THREADS, WRK_CONNECTIONS, GUNICORN_WORKERS = 2, 8, 2
BUSY_LOAD = 0.5  # A 1-minute load average above this means something else is running.


def _database_names(text):
    names = {name.strip() for name in text.split(",") if name.strip()}
    if not names or names - {"sqlite", "postgres"}:
        raise argparse.ArgumentTypeError("choose among: sqlite, postgres")
    return names


def _note(notes, text):
    """Say it now, and keep it for the report."""
    print(f"Note: {text}", file=sys.stderr, flush=True)
    notes.append(text)


def _arguments(argv):
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    parser.add_argument("--skip-scaling", action="store_true", help="skip the search scaling")
    parser.add_argument("--skip-http", action="store_true", help="skip the HTTP throughput")
    parser.add_argument("--skip-words", action="store_true", help="skip the industry matcher")
    parser.add_argument("--skip-places", action="store_true", help="skip the gazetteer")
    parser.add_argument("--skip-imports", action="store_true", help="skip the CSV import")
    parser.add_argument(
        "--demo-data",
        action="store_true",
        help="HTTP throughput on the demo site alone, without the generated 100k hubs",
    )
    parser.add_argument(
        "--http-seconds", type=int, help="seconds of wrk per page and round (default 15)"
    )
    parser.add_argument("--http-rounds", type=int, help="rounds of wrk per page (default 3)")
    parser.add_argument(
        "--databases",
        type=_database_names,
        default="sqlite,postgres",
        help="comma-separated databases for the scaling: sqlite, postgres (default both)",
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL", databases.DEFAULT_SERVER_URL),
        help="URL of the PostgreSQL server (default $BENCH_POSTGRES_URL or %(default)s)",
    )
    parser.add_argument(
        "--keep-db",
        action="store_true",
        help=f"leave {databases.BENCH_DATABASE} in place at the end",
    )
    parser.add_argument("--out", type=Path, default=OUT_FILE, help="Markdown report (%(default)s)")
    return parser.parse_args(argv)


def _machine(profile, args):
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "Date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "Profile": profile.name,
        "CPU": f"{os.cpu_count()} cores ({cpu})",
        "Memory": f"{memory_kb / 1024**2:.0f} GiB",
        "Python": platform.python_version(),
        "Django": importlib.metadata.version("django"),
        "SQLite": sqlite3.sqlite_version,
        "PostgreSQL": (
            "unreachable"
            if databases.postgres_problem(args.postgres)
            else databases.postgres_version(args.postgres)
        ),
        "gunicorn": importlib.metadata.version("gunicorn"),
        "wrk": wrk.version() if shutil.which("wrk") else "not installed",
    }


def _scaling(profile, args, notes):
    params = {
        "sizes": profile.sizes,
        "searches": profile.searches,
        "rounds": profile.rounds,
        "check_points": profile.check_points,
        "budget_s": profile.budget_s,
    }
    results = []
    if "sqlite" in args.databases:
        try:
            with databases.sqlite_database() as url:
                results.append(phase.run("bench.scaling:measure", database_url=url, **params))
        except phase.PhaseFailed as error:
            _note(notes, f"SQLite scaling failed: {error} (see its output).")
    if "postgres" in args.databases:
        problem = databases.postgres_problem(args.postgres)
        if problem:
            _note(notes, f"PostgreSQL scaling skipped: the server is unreachable ({problem}).")
            return results
        try:
            with databases.postgres_database(args.postgres, keep=args.keep_db) as url:
                results.append(phase.run("bench.scaling:measure", database_url=url, **params))
        except phase.PhaseFailed as error:
            _note(notes, f"PostgreSQL scaling failed: {error} (see its output).")
    return results


def _words(args, notes):
    """The industry matcher on each database: loading, building its index, matching."""
    return _on_each_database(args, notes, "bench.words:measure", "industry matcher")


def _places(args, notes):
    """The gazetteer on each database: loading it, resolving typed places."""
    return _on_each_database(args, notes, "bench.places:measure", "gazetteer")


def _on_each_database(args, notes, function, what):
    results = []
    targets = []
    if "sqlite" in args.databases:
        targets.append(("SQLite", databases.sqlite_database))
    if "postgres" in args.databases and not databases.postgres_problem(args.postgres):
        targets.append(("PostgreSQL", lambda: databases.postgres_database(args.postgres)))
    for name, database in targets:
        try:
            with database() as url:
                results.append(phase.run(function, database_url=url))
        except phase.PhaseFailed as error:
            _note(notes, f"{name} {what} failed: {error} (see its output).")
    return results


def _imports(profile, args, notes):
    """The curator's CSV import on each database, each seeded with the demo and gazetteer."""
    results = []
    targets = []
    if "sqlite" in args.databases:
        targets.append(("SQLite", databases.sqlite_database))
    if "postgres" in args.databases and not databases.postgres_problem(args.postgres):
        targets.append(("PostgreSQL", lambda: databases.postgres_database(args.postgres)))
    for name, database in targets:
        try:
            with database() as url, tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
                results.append(
                    phase.run(
                        "bench.imports:measure",
                        database_url=url,
                        rows=profile.import_rows,
                        directory=tmp,
                    )
                )
        except phase.PhaseFailed as error:
            _note(notes, f"{name} CSV import failed: {error} (see its output).")
    return results


def _throughput(profile, args, notes):
    if not shutil.which("wrk"):
        _note(notes, "HTTP throughput skipped: wrk is not installed (apt-get install wrk).")
        return None
    problem = databases.postgres_problem(args.postgres)
    if problem:
        _note(notes, f"HTTP throughput skipped: PostgreSQL is unreachable ({problem}).")
        return None
    try:
        with (
            databases.postgres_database(args.postgres, keep=args.keep_db) as url,
            tempfile.TemporaryDirectory(prefix="bench-paths-") as tmp,
        ):
            return phase.run(
                "bench.throughput:measure",
                database_url=url,
                hubs=0 if args.demo_data else profile.http_hubs,
                businesses=0 if args.demo_data else profile.http_businesses,
                seconds=args.http_seconds or profile.wrk_seconds,
                rounds=args.http_rounds or profile.rounds,
                threads=WRK_THREADS,
                connections=WRK_CONNECTIONS,
                workers=GUNICORN_WORKERS,
                directory=tmp,
            )
    except phase.PhaseFailed as error:
        _note(notes, f"HTTP throughput failed: {error} (see its output).")
        return None


def main(argv=None):
    args = _arguments(argv)
    profile = QUICK if args.quick else FULL
    started, load_before = time.monotonic(), os.getloadavg()[0]
    notes = []
    words_results = [] if args.skip_words else _words(args, notes)
    places_results = [] if args.skip_places else _places(args, notes)
    imports_results = [] if args.skip_imports else _imports(profile, args, notes)
    scaling_results = [] if args.skip_scaling else _scaling(profile, args, notes)
    throughput_result = None if args.skip_http else _throughput(profile, args, notes)
    status = 1 if notes else 0  # A phase failed or could not run.
    elapsed, load_after = time.monotonic() - started, os.getloadavg()[0]
    if load_before > BUSY_LOAD:
        _note(
            notes,
            f"The machine was busy when the run started (load average {load_before:.2f}): "
            "other processes shared the CPU, so the figures may be low.",
        )

    info = _machine(profile, args)
    info["Load average (1 min)"] = f"{load_before:.2f} at the start, {load_after:.2f} at the end"
    info["Run time"] = f"{elapsed / 60:.1f} minutes"
    markdown = report.document(
        info=info,
        scaling_results=scaling_results,
        throughput_result=throughput_result,
        notes=notes,
        searches=profile.searches,
        words_results=words_results,
        places_results=places_results,
        imports_results=imports_results,
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(markdown)
    print(markdown)
    print(
        report.summary(
            scaling_results=scaling_results,
            throughput_result=throughput_result,
            elapsed_s=elapsed,
            imports_results=imports_results,
        )
    )
    return status


if __name__ == "__main__":
    sys.exit(main())
