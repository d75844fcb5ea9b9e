"""Backup and restore drill: back up a populated database and its media into one archive
(deploy/backup.py), restore it into a fresh database and a fresh media folder, and compare every
table (row count and an md5 of its rows in order) and every media file (SHA-256).

    python -m deploy.drills.restore            # the demo directory (gazetteer included)
    python -m deploy.drills.restore --small    # migrations' rows only, for a quick CI run

Its databases (ih_drill_restore_src, ih_drill_restore_dst on 127.0.0.1:5432 unless
--server-url says otherwise) are created and dropped. Prints "tables that differ: 0" and exits
0 when the copy is exact.
"""

import argparse
import os
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]


def _url(server_url, name):
    return urllib.parse.urlsplit(server_url)._replace(path=f"/{name}").geturl()


def _recreate(server_url, name):
    with psycopg.connect(_url(server_url, "postgres"), autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _drop(server_url, name):
    with psycopg.connect(_url(server_url, "postgres"), autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def table_fingerprints(database_url):
    """Every table of the public schema: (row count, md5 of its rows' text in sorted order)."""
    with psycopg.connect(database_url) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        fingerprints = {}
        for table in tables:
            query = sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"
                " FROM {} AS t"
            ).format(sql.Identifier(table))
            fingerprints[table] = tuple(connection.execute(query).fetchone())
    return fingerprints


def populate(*, small, media):
    """Migrate, load the demo directory unless ``small``, and write share cards as media."""
    from django.core.management import call_command

    from hubs import cards
    from hubs.models import Hub

    call_command("migrate", verbosity=0)
    if not small:
        from hubs.demo import seed_demo

        seed_demo()
    (media / "cards").mkdir(parents=True, exist_ok=True)
    hubs = list(Hub.objects.select_related("industry", "region")[:20])
    for hub in hubs:
        png = cards.hub_card_png(
            name=hub.name, industry=hub.industry.title, region=str(hub.region),
            stage=hub.get_stage_display(), members=hub.member_count,
        )  # fmt: skip
        (media / "cards" / f"{hub.slug}.png").write_bytes(png)
    (media / "README.txt").write_text("Uploaded files live here.\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="Skip the demo directory.")
    parser.add_argument(
        "--tamper",
        action="store_true",
        help="Change one row after the restore, to see the comparison catch it (exits 1).",
    )
    parser.add_argument("--server-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="restore-drill-"))
    source, target = "ih_drill_restore_src", "ih_drill_restore_dst"
    source_url, target_url = _url(args.server_url, source), _url(args.server_url, target)
    source_media, target_media = work / "media", work / "restored-media"
    archive = work / "backup.tar"
    os.environ.update({"DJANGO_ENV": "development", "DATABASE_URL": source_url, "REDIS_URL": ""})
    os.environ["MEDIA_ROOT"] = str(source_media)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connections

    from deploy import backup

    _recreate(args.server_url, source)
    _recreate(args.server_url, target)
    try:
        started = time.monotonic()
        populate(small=args.small, media=source_media)
        connections.close_all()
        populated = time.monotonic()
        backup.create(database_url=source_url, media=source_media, archive=archive)
        backed_up = time.monotonic()
        backup.restore(archive=archive, database_url=target_url, media=target_media)
        restored = time.monotonic()
        if args.tamper:
            with psycopg.connect(target_url) as connection:
                connection.execute("UPDATE django_migrations SET name = name || '!' WHERE id = 1")
        before, after = table_fingerprints(source_url), table_fingerprints(target_url)
        media_before = backup.media_checksums(source_media)
        media_after = backup.media_checksums(target_media)
    finally:
        connections.close_all()
        _drop(args.server_url, source)
        _drop(args.server_url, target)
    differ = sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))
    files_differ = sorted(
        f
        for f in media_before.keys() | media_after.keys()
        if media_before.get(f) != media_after.get(f)
    )
    print(f"populated in {populated - started:.1f} s")
    print(f"archive: {archive.stat().st_size:,} bytes, written in {backed_up - populated:.1f} s")
    print(f"restored in {restored - backed_up:.1f} s")
    print(f"tables compared: {len(before)}")
    print(f"rows compared: {sum(count for count, _ in before.values()):,}")
    print(f"media files compared: {len(media_before)}")
    print(f"tables that differ: {len(differ)}" + (f" ({', '.join(differ)})" if differ else ""))
    print(f"media files that differ: {len(files_differ)}")
    sys.exit(0 if not differ and not files_differ and before else 1)


if __name__ == "__main__":
    main()
