"""Import hubs, businesses or resources from a CSV file, as the admin's import does.

Partners send lists; curators load them without the admin. The whole file is checked first and
nothing is written unless every row is valid (or, with --skip-invalid, the valid rows are written
and the others come back in a CSV with their spreadsheet row numbers and reasons). Rows are
matched by slug, so the command is safe to re-run. --dry-run reports where every row would land.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hubs.importers import RESOURCES, import_rows, read_table, rejected_csv


class Command(BaseCommand):
    help = "Import hubs, businesses or resources from a CSV file (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(RESOURCES))
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check the file, write nothing.")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the valid rows and write the others to the --rejected file.",
        )
        parser.add_argument(
            "--rejected",
            type=Path,
            help="Where --skip-invalid writes the rejected rows (default: <file>-rejected.csv).",
        )

    def handle(self, *args, kind, path, dry_run=False, verbosity=1, **options):
        skip_invalid = options.get("skip_invalid", False)
        try:
            dataset = read_table(path.read_bytes())
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        except Exception as error:  # tablib raises several types for malformed CSV.
            raise CommandError(f"{path} is not a CSV file we can read: {error}") from None
        resource = RESOURCES[kind](skip_invalid=skip_invalid, diffs=False)
        result, rejected = import_rows(resource, dataset, dry_run=dry_run)
        problems = [str(e.error) for e in result.base_errors]
        problems += [f"row {number}: {reason}" for number, reason, _ in rejected]
        for problem in problems:
            self.stderr.write(problem)
        if result.base_errors or (rejected and not skip_invalid):
            raise CommandError(f"{len(problems)} problems; nothing was imported.")
        if dry_run and verbosity:
            rejected_rows = {number for number, _, _ in rejected}
            for landing in resource.landings:
                if landing.row not in rejected_rows:
                    self.stdout.write(str(landing))
            if resource.ignored_columns:
                self.stdout.write(f"Ignored columns: {', '.join(resource.ignored_columns)}.")
        if rejected:
            target = options.get("rejected") or path.with_name(f"{path.stem}-rejected.csv")
            target.write_text(rejected_csv(rejected, dataset.headers), encoding="utf-8")
            self.stderr.write(f"{len(rejected)} rejected rows written to {target}.")
        totals = result.totals
        verb = "Would import" if dry_run else "Imported"
        if verbosity:
            self.stdout.write(
                f"{verb} {kind}: {totals['new']} new, {totals['update']} updated, "
                f"{totals['skip']} unchanged, {len(rejected)} rejected."
            )
