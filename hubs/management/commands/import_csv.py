"""Import hubs, businesses or resources from a CSV file, as the admin's import does.

Partners send lists; curators load them without the admin. The whole file is checked first and
nothing is written unless every row is valid, so the command is safe to re-run: rows are
matched by slug, and a second import of the same file updates rather than duplicates.
"""

from pathlib import Path

import tablib
from django.core.management.base import BaseCommand, CommandError

from hubs.importers import RESOURCES, import_rows


class Command(BaseCommand):
    help = "Import hubs, businesses or resources from a CSV file (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(RESOURCES))
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check the file, write nothing.")

    def handle(self, *args, kind, path, dry_run=False, verbosity=1, **options):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path} as UTF-8 text: {error}") from None
        try:
            dataset = tablib.Dataset().load(text, format="csv")
        except Exception as error:  # tablib raises several types for malformed CSV.
            raise CommandError(f"{path} is not a CSV file we can read: {error}") from None
        result = import_rows(RESOURCES[kind](), dataset, dry_run=dry_run)
        problems = [str(e.error) for e in result.base_errors]
        problems += [f"row {n}: {e.error}" for n, errors in result.row_errors() for e in errors]
        problems += [
            f"row {row.number}: {field}: {' '.join(messages)}"
            for row in result.invalid_rows
            for field, messages in row.error_dict.items()
        ]
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} problems; nothing was imported.")
        totals = result.totals
        verb = "Would import" if dry_run else "Imported"
        if verbosity:
            self.stdout.write(
                f"{verb} {kind}: {totals['new']} new, {totals['update']} updated, "
                f"{totals['skip']} unchanged."
            )
