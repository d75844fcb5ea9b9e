"""The benchmark's throwaway databases: a temporary SQLite file and industry_hubs_bench."""

import tempfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

BENCH_DATABASE = "industry_hubs_bench"
DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def _on_database(server_url, name):
    return urlsplit(server_url)._replace(path=f"/{name}").geturl()


def postgres_problem(server_url):
    """Why the PostgreSQL server can't be used, or None when it answers."""
    try:
        with psycopg.connect(server_url, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as error:
        return str(error).strip().splitlines()[0]
    return None


def postgres_version(server_url):
    with psycopg.connect(server_url, connect_timeout=5) as conn:
        return conn.execute("SHOW server_version").fetchone()[0].split()[0]


def _admin(server_url, statement):
    with psycopg.connect(server_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(statement)


@contextmanager
def postgres_database(server_url, *, keep=False):
    """A fresh, empty industry_hubs_bench on the server; yields its URL and drops it afterwards."""
    name = sql.Identifier(BENCH_DATABASE)
    _admin(server_url, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
    _admin(server_url, sql.SQL("CREATE DATABASE {}").format(name))
    try:
        yield _on_database(server_url, BENCH_DATABASE)
    finally:
        if not keep:
            _admin(server_url, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


@contextmanager
def sqlite_database():
    """A SQLite file in a temporary directory, removed afterwards; yields its URL."""
    with tempfile.TemporaryDirectory(prefix="bench-sqlite-") as tmp:
        yield f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
