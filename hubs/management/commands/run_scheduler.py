"""Enqueue the scheduled jobs (hubs.schedule.JOBS) as tasks when they are due.

One long-running process beside the task worker (`manage.py db_worker`); a second scheduler is
harmless, since each period's run is claimed in the database. `--once` makes one pass, for a
cron line or a systemd timer instead of the loop.
"""

import time

from django.core.management.base import BaseCommand

from hubs.schedule import enqueue_due


class Command(BaseCommand):
    help = "Enqueue scheduled jobs (mail sweep, freshness reminders, meeting reminders) when due."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One pass, then exit.")
        parser.add_argument(
            "--interval", type=float, default=30.0, help="Seconds between passes (default 30)."
        )

    def handle(self, *args, once=False, interval=30.0, verbosity=1, **options):
        while True:
            enqueued = enqueue_due()
            if verbosity and (enqueued or once):
                self.stdout.write(f"Enqueued {len(enqueued)} jobs: {', '.join(enqueued) or '-'}.")
            if once:
                return
            time.sleep(interval)
