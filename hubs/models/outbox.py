"""The outbox: every email the site sends, written in the transaction of the action it tells of,
and delivered by a task that records when it went, so a retried task never sends it twice."""

from django.db import models
from django.utils import timezone


class OutgoingMailQuerySet(models.QuerySet):
    def unsent(self):
        return self.filter(sent_at__isnull=True)

    def sent(self):
        return self.filter(sent_at__isnull=False)

    def failed(self):
        """Given up after the last attempt: waiting for a curator's retry."""
        return self.unsent().filter(failed_at__isnull=False)

    def overdue(self, *, grace_seconds):
        """Unsent, not given up, and due more than ``grace_seconds`` ago: its delivery task was
        lost (the process stopped between the commit and the enqueue) or the worker is behind."""
        cutoff = timezone.now() - timezone.timedelta(seconds=grace_seconds)
        return self.unsent().filter(failed_at__isnull=True, next_attempt_at__lt=cutoff)


class OutgoingMail(models.Model):
    """One message: its content as rendered when the action happened, and its delivery."""

    # Unique: the delivery task is keyed by it, and it becomes the Message-ID.
    key = models.CharField(max_length=100, unique=True)
    subject = models.CharField(max_length=998)
    body = models.TextField()
    html_body = models.TextField(blank=True)
    from_email = models.CharField(max_length=254)
    to = models.JSONField(default=list)
    reply_to = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    objects = OutgoingMailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "outgoing email"
        verbose_name_plural = "outgoing emails"
        indexes = [
            # The scheduler's sweep for overdue mail reads only unsent rows.
            models.Index(
                fields=["next_attempt_at"],
                name="outgoingmail_unsent_due",
                condition=models.Q(sent_at__isnull=True),
            )
        ]

    def __str__(self):
        return f"{self.subject} → {', '.join(self.to)}"

    @property
    def status(self):
        if self.sent_at:
            return "sent"
        if self.failed_at:
            return "failed"
        return "retrying" if self.attempts else "queued"
