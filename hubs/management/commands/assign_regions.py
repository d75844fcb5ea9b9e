"""Move every hub, business and resource to the region of its point.

Regions used to be guessed as "any state within 400 km" outside the US (Amsterdam landed in North
Brabant); a point now belongs to the state or province of its nearest town. Run this once on a
database filled before that change (seed_demo runs it too); it is safe to re-run.
"""

from django.core.management.base import BaseCommand

from hubs.regions import reassign_regions


class Command(BaseCommand):
    help = "Put every hub, business and resource in the state or province of its nearest town."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, but change nothing.")

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        moved = reassign_regions(dry_run=dry_run)
        if verbosity:
            counts = ", ".join(f"{count} {name}" for name, count in moved.items())
            verb = "Would move" if dry_run else "Moved"
            self.stdout.write(f"{verb} {counts}.")
