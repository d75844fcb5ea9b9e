"""Fill the database with the demo directory.

`make run` calls it when the database is empty, so a newcomer sees real hubs at once. It only
creates or updates rows it owns (matched by code or slug), so running it again changes nothing.
"""

from django.core.management.base import BaseCommand

from hubs.demo import seed_demo
from hubs.models import Hub


class Command(BaseCommand):
    help = "Load NAICS industries, the gazetteer, real hubs and resources, and demo businesses."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds hubs.",
        )

    def handle(self, *args, if_empty=False, verbosity=1, **options):
        if if_empty and Hub.objects.exists():
            if verbosity:
                self.stdout.write("The database already holds hubs; nothing to load.")
            return
        log = self.stdout.write if verbosity > 1 else (lambda message: None)
        report = seed_demo(log=log)
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Demo data: {report}."))
