"""The hub list and the business directory in name order read an index of names (approved hubs'
and businesses'). On PostgreSQL, hub names are also indexed by trigrams, so "names holding these
words" (``name__icontains``, which the search page and the hub list's text filter ask) reads the
index instead of every hub.

The trigram index needs the pg_trgm extension (trusted since PostgreSQL 13: the database's
owner may create it). SQLite has neither, and scans: this step does nothing there."""

from django.db import migrations, models

TRIGRAM_INDEX = "hub_name_upper_trgm"


def add_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # Django's icontains on PostgreSQL compares UPPER(name::text): the index holds the same.
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON "hubs_hub" '
        'USING gin (UPPER("name"::text) gin_trgm_ops)'
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("hubs", "0013_claims"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="hub",
            index=models.Index(
                condition=models.Q(("status", "approved")),
                fields=["name"],
                name="hub_approved_name",
            ),
        ),
        migrations.AddIndex(
            model_name="business",
            index=models.Index(fields=["name"], name="business_name"),
        ),
        migrations.RunPython(add_trigram_index, drop_trigram_index, elidable=False),
    ]
