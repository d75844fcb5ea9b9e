"""Remind those coming to a meeting, the day before it.

Run hourly by the scheduler (hubs/schedule.py): each meeting starting within the next day is
reminded once; its ``reminded_at`` stamp (and the email's outbox key) make a second run, or a
run overlapping another, send nothing more.
"""

from django.core.management.base import BaseCommand

from hubs.meetings import meetings_remind


class Command(BaseCommand):
    help = "Email a reminder to those coming to each meeting that starts within a day."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, send nothing.")

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        meetings, emails = meetings_remind(dry_run=dry_run)
        if verbosity:
            verb = "Would remind" if dry_run else "Reminded"
            self.stdout.write(f"{verb} {emails} attendees of {meetings} meetings.")
