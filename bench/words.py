"""The industry matcher: loading every NAICS code and index entry, building the in-process
index, and matching owners' words (the test table of tests/hubs/industry_words.py)."""

import statistics
import time

from django.core.management import call_command
from django.db import connection

from bench.phase import progress
from bench.scaling import _database_label
from hubs import naics, vocabulary
from tests.hubs.industry_words import WORDS

ROUNDS = 5


def _timed(function):
    start = time.perf_counter()
    result = function()
    return result, (time.perf_counter() - start) * 1000


def measure(*, rounds=ROUNDS):
    label = _database_label()
    progress(f"{label}: migrating, loading NAICS")
    call_command("migrate", interactive=False, verbosity=0)
    _, load_ms = _timed(naics.load_naics)
    vocabulary._parse.cache_clear()
    _, build_ms = _timed(vocabulary.build)
    _, rebuild_ms = _timed(vocabulary.build)
    vocabulary.vocabulary()
    statements = 0

    def count(execute, sql, params, many, context):
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    def best_of(texts, **options):
        times = []
        for text in texts:
            runs = [_timed(lambda t=text: vocabulary.match(t, **options))[1] for _ in range(rounds)]
            times.append(min(runs))
        return sorted(times)

    progress(f"{label}: matching {len(WORDS)} words, {rounds} rounds")
    with connection.execute_wrapper(count):
        words = best_of([text for text, _ in WORDS])
        typed = best_of([text[: max(2, len(text) - 2)] for text, _ in WORDS], prefix=True)
    return {
        "database": label,
        "load_s": load_ms / 1000,
        "build_ms": build_ms,
        "rebuild_ms": rebuild_ms,
        "words": len(WORDS),
        "statements": statements,
        "median_ms": statistics.median(words),
        "p90_ms": words[int(len(words) * 0.9)],
        "max_ms": words[-1],
        "prefix_median_ms": statistics.median(typed),
        "prefix_p90_ms": typed[int(len(typed) * 0.9)],
    }
