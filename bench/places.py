"""The gazetteer: loading every town, area and ZIP code, and resolving the typed places of
tests/hubs/test_place_table.py (towns, "City, ST", provinces, countries, ZIP codes)."""

import statistics
import time

from django.core.management import call_command
from django.db import connection

from bench.phase import progress
from bench.scaling import _database_label
from hubs import gazetteer
from tests.hubs.test_place_table import AREAS, TOWNS

ROUNDS = 5


def _timed(function):
    start = time.perf_counter()
    result = function()
    return result, (time.perf_counter() - start) * 1000


def measure(*, rounds=ROUNDS):
    label = _database_label()
    progress(f"{label}: migrating, loading the gazetteer")
    call_command("migrate", interactive=False, verbosity=0)
    (places, names), load_ms = _timed(gazetteer.load_gazetteer)
    texts = [typed for typed, _, _ in TOWNS + AREAS]
    most_statements = 0

    def one(text):
        nonlocal most_statements
        statements = 0

        def count(execute, sql, params, many, context):
            nonlocal statements
            statements += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            _, elapsed = _timed(lambda: gazetteer.resolve(text))
        most_statements = max(most_statements, statements)
        return elapsed

    progress(f"{label}: resolving {len(texts)} typed places, {rounds} rounds")
    for text in texts:  # Warm the database's cache and the qualifier tables.
        gazetteer.resolve(text)
    times = sorted(min(one(text) for _ in range(rounds)) for text in texts)
    return {
        "database": label,
        "load_s": load_ms / 1000,
        "places": places,
        "names": names,
        "typed": len(texts),
        "statements": most_statements,
        "median_ms": statistics.median(times),
        "p90_ms": times[int(len(times) * 0.9)],
        "max_ms": times[-1],
    }
