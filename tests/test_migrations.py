"""The models and the migrations agree: no change is waiting for a migration."""

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_migrations_are_missing():
    out = io.StringIO()

    # Exits with status 1 (SystemExit) when a model change has no migration.
    call_command("makemigrations", check=True, dry_run=True, stdout=out)

    assert out.getvalue() == "No changes detected\n"
