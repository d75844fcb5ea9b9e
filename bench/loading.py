"""Fast writes of generated rows: COPY on PostgreSQL, executemany in one transaction on SQLite."""

import json
from itertools import batched

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from hubs.models import Connection, Hub, Membership, stage_for_members
from hubs.pagecache import bump_directory_version

SQLITE_BATCH = 50_000

HUB_COLUMNS = (
    "id",
    "name",
    "slug",
    "industry_id",
    "region_id",
    "latitude",
    "longitude",
    "status",
    "member_count",
    "stage",
    "is_demo",
)
BUSINESS_COLUMNS = (
    "id",
    "name",
    "slug",
    "industry_id",
    "region_id",
    "city",
    "latitude",
    "longitude",
    "town_latitude",
    "town_longitude",
    "is_demo",
)
MEMBERSHIP_COLUMNS = ("hub_id", "business_id", "role", "state", "connections", "joined_at")


def next_id(model):
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def _defaults(model, given):
    """Column -> database value of every column not ``given``, from the field's default.

    Columns added to a model later get their defaults too, so the loader keeps up with the app;
    generated columns are the database's to fill.
    """
    now = timezone.now()
    values = {}
    for field in model._meta.concrete_fields:
        if field.column in given or field.primary_key or field.has_db_default() or field.generated:
            continue
        stamped = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        value = now if stamped else field.get_default()
        values[field.column] = field.get_db_prep_save(value, connection)
    return values


def bulk_load(model, columns, rows):
    """Insert ``rows``, tuples of values for ``columns``; returns how many were written."""
    defaults = _defaults(model, set(columns))
    extra = tuple(defaults.values())
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in [*columns, *defaults])
    count = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row + extra)
                    count += 1
        else:
            placeholders = ", ".join(["%s"] * (len(columns) + len(extra)))
            insert = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"
            for batch in batched(rows, SQLITE_BATCH):
                cursor.executemany(insert, [row + extra for row in batch])
                count += len(batch)
        if "id" in columns:
            for statement in connection.ops.sequence_reset_sql(no_style(), [model]):
                cursor.execute(statement)
    # Rows written without save() send no signal: cached pages, look-ups and the search's
    # tallies must not outlive them.
    bump_directory_version()
    return count


def analyze():
    """Refresh the planner's statistics; on PostgreSQL also vacuum, so autovacuum stays idle."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def hub_rows(specs, *, first_id, region_id):
    """Approved hub rows from (lat, lng, industry_id, member_count) specs."""
    approved = Hub.Status.APPROVED.value
    for hub_id, (lat, lng, industry_id, members) in enumerate(specs, start=first_id):
        stage = stage_for_members(members).value
        name, slug = f"Bench hub {hub_id}", f"bench-hub-{hub_id}"
        yield (hub_id, name, slug, industry_id, region_id, lat, lng, approved, members, stage, True)


def business_rows(specs, *, first_id, region_id):
    """Business rows from (lat, lng, industry_id) specs; the town is the exact point."""
    for business_id, (lat, lng, industry_id) in enumerate(specs, start=first_id):
        name, slug = f"Bench business {business_id}", f"bench-business-{business_id}"
        yield (
            business_id,
            name,
            slug,
            industry_id,
            region_id,
            "Bench town",
            lat,
            lng,
            lat,
            lng,
            True,
        )


def membership_rows(pairs, *, rng):
    """Active memberships from (hub_id, business_id, is_organizer) triples."""
    joined = Membership._meta.get_field("joined_at").get_db_prep_save(timezone.now(), connection)
    active = Membership.State.ACTIVE.value
    roles = {True: Membership.Role.ORGANIZER.value, False: Membership.Role.MEMBER.value}
    kinds = Connection.values
    for hub_id, business_id, is_organizer in pairs:
        offers = json.dumps(rng.sample(kinds, rng.randint(0, 3)))
        yield (hub_id, business_id, roles[is_organizer], active, offers, joined)
