"""The scheduled jobs and when they are due: `manage.py run_scheduler` enqueues each as a task
(`run_job`) once per period, and the task worker runs it."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.core.management import call_command, get_commands
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from hubs import mailing
from hubs.models.schedule import ScheduledRun


@dataclass(frozen=True)
class Job:
    every: timedelta
    command: str = ""  # A management command to run; none means the outbox's sweep.


JOBS = {
    # Mail whose delivery task was lost, or whose retry the backend could not defer.
    "sweep_mail": Job(every=timedelta(minutes=1)),
    "remind_stale": Job(every=timedelta(days=1), command="remind_stale"),
    "remind_meetings": Job(every=timedelta(hours=1), command="remind_meetings"),
}


@task
def run_job(name: str) -> str:
    """The task: run one of the jobs above by name; no other name is run."""
    job = JOBS[name]
    if job.command:
        call_command(job.command, verbosity=0)
        return f"ran {job.command}"
    return f"{name}: {mailing.sweep_overdue()} overdue messages enqueued"


def available_jobs() -> list[str]:
    """Jobs whose command exists in this installation (meeting reminders may not)."""
    commands = get_commands()
    return [name for name, job in JOBS.items() if not job.command or job.command in commands]


def enqueue_due(*, now: datetime | None = None) -> list[str]:
    """Enqueue every job whose period has passed since it was last enqueued; returns their
    names. The row lock makes two schedulers enqueue a job once between them."""
    now = now or timezone.now()
    enqueued = []
    for name in available_jobs():
        with transaction.atomic():
            run, created = ScheduledRun.objects.select_for_update().get_or_create(
                name=name, defaults={"last_enqueued_at": now}
            )
            if not created and run.last_enqueued_at + JOBS[name].every > now:
                continue
            run.last_enqueued_at = now
            run.save(update_fields=["last_enqueued_at"])
            transaction.on_commit(partial(run_job.enqueue, name))
        enqueued.append(name)
    return enqueued
