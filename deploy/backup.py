"""Backup and restore: the PostgreSQL database (pg_dump's custom format) and the uploaded media,
in one archive.

    python -m deploy.backup create --database-url URL --media DIR --archive FILE.tar
    python -m deploy.backup restore --archive FILE.tar --database-url URL --media DIR

`restore` wants an empty database (created by the operator) and a media folder that does not
exist yet or is empty; it refuses anything else rather than mix two sites' data. pg_dump and
pg_restore come from Debian's postgresql-client, of the server's major version.
"""

import argparse
import hashlib
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

DUMP = "database.dump"
MEDIA = "media"


def create(*, database_url: str, media: Path, archive: Path) -> None:
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / DUMP
        # A consistent snapshot of the whole database, compressed; restored with pg_restore.
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), database_url],
            check=True,
        )
        with tarfile.open(archive, "w") as tar:
            tar.add(dump, arcname=DUMP)
            if media.exists():
                tar.add(media, arcname=MEDIA)


def restore(*, archive: Path, database_url: str, media: Path) -> None:
    if media.exists() and any(media.iterdir()):
        raise SystemExit(f"{media} is not empty: restore into a fresh media folder.")
    with tempfile.TemporaryDirectory() as work, tarfile.open(archive) as tar:
        tar.extractall(work, filter="data")  # "data" refuses links and paths out of the folder.
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", database_url,
             str(Path(work) / DUMP)],
            check=True,
        )  # fmt: skip
        if (Path(work) / MEDIA).exists():
            shutil.copytree(Path(work) / MEDIA, media, dirs_exist_ok=True)


def media_checksums(media: Path) -> dict[str, str]:
    """Each file under ``media`` by its relative path: its SHA-256."""
    if not media.exists():
        return {}
    return {
        str(path.relative_to(media)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(media.rglob("*"))
        if path.is_file()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Back up or restore the database and media.")
    parser.add_argument("action", choices=["create", "restore"])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--media", type=Path, required=True)
    parser.add_argument("--archive", type=Path, required=True)
    args = parser.parse_args()
    if args.action == "create":
        create(database_url=args.database_url, media=args.media, archive=args.archive)
        print(f"Wrote {args.archive} ({args.archive.stat().st_size:,} bytes).")
    else:
        restore(archive=args.archive, database_url=args.database_url, media=args.media)
        print(f"Restored {args.archive} into the database and {args.media}.")


if __name__ == "__main__":
    main()
