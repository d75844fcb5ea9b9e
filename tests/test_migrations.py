"""The models and the migrations agree: no change is waiting for a migration."""

import io

import pytest
from django.core.management import call_command
from django.db import connection


@pytest.mark.django_db
def test_no_migrations_are_missing():
    out = io.StringIO()

    # Exits with status 1 (SystemExit) when a model change has no migration.
    call_command("makemigrations", check=True, dry_run=True, stdout=out)

    assert out.getvalue() == "No changes detected\n"


@pytest.mark.django_db
def test_hub_names_have_a_trigram_index_on_postgresql():
    """``name__icontains`` (the search's "hubs named", the hub list's text) reads it."""
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL index: SQLite scans")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'hub_name_upper_trgm'")
        (definition,) = cursor.fetchone()

    assert "USING gin (upper((name)::text) gin_trgm_ops)" in definition
