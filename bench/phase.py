"""Runs one benchmark phase in a child process whose Django settings point at one database.

Django binds its settings to a process once, so each database gets a fresh interpreter:
``run("bench.scaling:measure", database_url=..., **params)`` starts ``python -m bench.phase``,
which sets Django up on bench.settings, calls the function and hands its result back as JSON.
"""

import importlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


class PhaseFailed(Exception):
    pass


def progress(message):
    """Progress goes to stderr, so that stdout holds only the results."""
    print(f"  {message}", file=sys.stderr, flush=True)


def child_env(database_url):
    """The environment of a process serving the benchmark database: development, DEBUG off."""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_ENV="development",
        BENCH_DATABASE_URL=database_url,
        PYTHONUNBUFFERED="1",
    )
    return env


def run(target, *, database_url, **params):
    """Call ``target`` ("module:function") with ``params`` in a child process; return its result."""
    with tempfile.TemporaryDirectory(prefix="bench-phase-") as tmp:
        result_file = Path(tmp) / "result.json"
        command = [sys.executable, "-m", "bench.phase", target, json.dumps(params), result_file]
        finished = subprocess.run(command, cwd=PROJECT_DIR, env=child_env(database_url))
        if finished.returncode != 0:
            raise PhaseFailed(f"{target} exited with status {finished.returncode}")
        return json.loads(result_file.read_text())


def _main(target, params, result_file):
    import django

    django.setup()
    module, _, function = target.partition(":")
    result = getattr(importlib.import_module(module), function)(**json.loads(params))
    Path(result_file).write_text(json.dumps(result))


if __name__ == "__main__":
    _main(*sys.argv[1:])
