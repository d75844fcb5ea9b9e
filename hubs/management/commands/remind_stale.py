"""Ask owners and organizers to confirm listings nobody has confirmed for a while.

Meant for a daily timer. Each listing is asked once per reminder period (settings
FRESHNESS_REMIND_MONTHS); a hub still unconfirmed FRESHNESS_FLAG_MONTHS after its reminder is
flagged to the curators, never deleted.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse

from hubs.curation import confirm_token, remind_stale


class Command(BaseCommand):
    help = "Email a one-click confirm link for stale listings; flag hubs that never answer."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, send nothing.")
        parser.add_argument(
            "--base-url",
            default=settings.SITE_URL,
            help="The site's address for the links in the emails (default: SITE_URL).",
        )

    def handle(self, *args, dry_run=False, base_url, verbosity=1, **options):
        def confirm_url(kind, pk):
            path = reverse("hubs:confirm_listing", args=[confirm_token(kind, pk)])
            return base_url.rstrip("/") + path

        hubs, businesses, flagged = remind_stale(confirm_url=confirm_url, dry_run=dry_run)
        if verbosity:
            verb = "Would ask" if dry_run else "Asked"
            self.stdout.write(
                f"{verb} {hubs} hubs and {businesses} businesses to confirm; "
                f"{'would flag' if dry_run else 'flagged'} {flagged} hubs."
            )
