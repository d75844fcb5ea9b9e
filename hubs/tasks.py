"""Background work, as Django tasks: delivering mail, drawing share cards, and the jobs the
scheduler enqueues.

Each task is a thin wrapper over a function of the module that owns the work, and takes only
JSON-friendly arguments (a key, a job's name), because the database backend stores them.
"""

from django.core.management import call_command
from django.tasks import task

from hubs import cards, mailing, schedule
from hubs.models import Hub


@task
def deliver_mail(key: str) -> str:
    """Send one outbox message; idempotent, so a retried or repeated task sends nothing twice."""
    return mailing.deliver(key)


@task
def render_hub_card(hub_pk: int) -> str:
    """Draw and store a hub's share card (hubs.cards); returns its path, or "gone"."""
    hub = Hub.objects.select_related("industry", "region").filter(pk=hub_pk).first()
    return cards.store_hub_card(hub) if hub else "gone"


@task
def run_job(name: str) -> str:
    """Run one of the scheduler's jobs (hubs.schedule.JOBS) by name; no other name is run."""
    job = schedule.JOBS[name]
    if job.command:
        call_command(job.command, verbosity=0)
        return f"ran {job.command}"
    return f"{name}: {mailing.sweep_overdue()} overdue messages enqueued"
