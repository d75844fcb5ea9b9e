"""Mail through the outbox: queued in the action's transaction, delivered by a task after commit,
tried again with back-off when the mail server fails, and never sent twice.

`queue` writes an `OutgoingMail` row beside the data, so the action and its email commit or roll
back together, and enqueues the `deliver_mail` task once the transaction commits. `deliver`
holds the row's lock while it sends and stamps `sent_at` before releasing it: a second task for
the same message (a retry, the scheduler's sweep, a curator's retry) finds it sent and stops.
"""

import contextvars
import logging
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial
from smtplib import SMTPException
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from hubs.models.outbox import OutgoingMail

logger = logging.getLogger(__name__)

# What became of the mail queued during the current request, by key: "queued", "sent" or
# "delayed" (None outside a request). With the immediate backend delivery happens on commit,
# inside the request, so the page can say "sent"; with a worker it says "we'll email".
request_mail: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "request_mail", default=None
)

# Seconds the scheduler waits past a message's due time before enqueueing it again.
SWEEP_GRACE_SECONDS = 300


class MailNotDelivered(Exception):
    """The last attempt failed: the task is marked failed, for curators to see and retry."""


def queue(
    *,
    subject: str,
    body: str,
    to: Iterable[str],
    reply_to: Iterable[str] = (),
    html_body: str = "",
    from_email: str | None = None,
    key: str | None = None,
) -> OutgoingMail | None:
    """Put a message in the outbox and deliver it once the current transaction commits.

    A ``key`` names the message for good (a reminder of a listing on a given day): queuing it
    again returns None and sends nothing more.
    """
    recipients = sorted({address for address in to if address})
    if not recipients:
        return None
    mail, created = OutgoingMail.objects.get_or_create(
        key=key or uuid.uuid4().hex,
        defaults={
            # Names typed by people reach the subject: no line break may end the header early.
            "subject": " ".join(subject.splitlines()),
            "body": body,
            "html_body": html_body,
            "from_email": from_email or settings.DEFAULT_FROM_EMAIL,
            "to": recipients,
            "reply_to": [address for address in reply_to if address],
        },
    )
    if not created:
        return None
    report = request_mail.get()
    if report is not None:
        report[mail.key] = "queued"
    transaction.on_commit(lambda: enqueue_delivery(mail.key))
    return mail


def queue_message(message: EmailMessage) -> OutgoingMail | None:
    """Queue a message another library built (django-allauth's confirmations and resets)."""
    html = ""
    if isinstance(message, EmailMultiAlternatives):
        html = next((str(c) for c, mime in message.alternatives if mime == "text/html"), "")
    return queue(
        subject=str(message.subject),
        body=str(message.body),
        html_body=html,
        to=message.to,
        reply_to=message.reply_to,
        from_email=message.from_email,
    )


def enqueue_delivery(key: str, *, run_after: datetime | None = None) -> None:
    task = deliver_mail.using(run_after=run_after) if run_after else deliver_mail
    task.enqueue(key)


def backoff(attempts: int) -> timedelta:
    """The wait before the next try: the base, doubled after each failure, an hour at most."""
    return timedelta(seconds=min(settings.MAIL_RETRY_BASE_SECONDS * 2 ** (attempts - 1), 3600))


def _message(mail: OutgoingMail) -> EmailMessage:
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body,
        from_email=mail.from_email,
        to=mail.to,
        reply_to=mail.reply_to or None,
        # The same Message-ID on every try, so a receiving server can spot a repeat too.
        headers={"Message-ID": f"<{mail.key}@{domain}>"},
    )
    if mail.html_body:
        message.attach_alternative(mail.html_body, "text/html")
    return message


def deliver(key: str) -> str:
    """Send one message unless it went already; returns what happened."""
    with transaction.atomic():
        mail = OutgoingMail.objects.select_for_update().filter(key=key).first()
        if mail is None:
            return "missing"
        if mail.sent_at:
            return "already sent"
        mail.attempts += 1
        try:
            _message(mail).send()
        except (SMTPException, OSError) as error:
            mail.last_error = f"{type(error).__name__}: {error}"[:2000]
            mail.next_attempt_at = timezone.now() + backoff(mail.attempts)
            if mail.attempts >= settings.MAIL_MAX_ATTEMPTS:
                mail.failed_at = timezone.now()
            outcome = "failed" if mail.failed_at else "retry"
        else:
            mail.sent_at, mail.last_error = timezone.now(), ""
            outcome = "sent"
        mail.save(
            update_fields=["attempts", "last_error", "next_attempt_at", "sent_at", "failed_at"]
        )
    _report(key, outcome)
    if outcome == "sent":
        return outcome
    logger.warning("Mail %s not delivered (attempt %d): %s", key, mail.attempts, mail.last_error)
    if outcome == "failed":
        raise MailNotDelivered(f"{mail.attempts} attempts failed; last: {mail.last_error}")
    _retry_later(mail)
    return outcome


@task
def deliver_mail(key: str) -> str:
    """The task: send one outbox message; a retried or repeated task sends nothing twice."""
    return deliver(key)


def _report(key: str, outcome: str) -> None:
    report = request_mail.get()
    if report is not None and key in report:
        report[key] = "sent" if outcome == "sent" else "delayed"


def _retry_later(mail: OutgoingMail) -> None:
    # A backend that cannot defer (the immediate one) leaves the retry to the scheduler's sweep.
    if deliver_mail.get_backend().supports_defer:
        enqueue_delivery(mail.key, run_after=mail.next_attempt_at)


def sweep_overdue(*, grace_seconds: int = SWEEP_GRACE_SECONDS) -> int:
    """Enqueue delivery of messages whose task was lost or never deferred; returns how many."""
    keys = list(
        OutgoingMail.objects.overdue(grace_seconds=grace_seconds).values_list("key", flat=True)
    )
    # Pushing the due time on keeps the next sweep from enqueueing the same message again.
    OutgoingMail.objects.filter(key__in=keys).update(next_attempt_at=timezone.now())
    for key in keys:
        enqueue_delivery(key)
    return len(keys)


def retry_failed(mails: Iterable[OutgoingMail]) -> int:
    """A curator's retry: give failed, unsent messages a fresh round of attempts."""
    keys = [mail.key for mail in mails if not mail.sent_at]
    with transaction.atomic():
        OutgoingMail.objects.filter(key__in=keys).update(
            failed_at=None, attempts=0, next_attempt_at=timezone.now()
        )
        for key in keys:
            transaction.on_commit(partial(enqueue_delivery, key))
    return len(keys)


def request_mail_sent() -> bool:
    """Whether the current request queued mail and all of it has gone already."""
    report = request_mail.get() or {}
    return bool(report) and all(state == "sent" for state in report.values())


def request_mail_delayed() -> bool:
    """Whether a message of the current request met a mail server that did not answer."""
    return "delayed" in (request_mail.get() or {}).values()
