"""When each scheduled job was last enqueued, so that one run is enqueued per period however
many schedulers run (a second one for safety, or one left over from a deploy)."""

from django.db import models


class ScheduledRun(models.Model):
    name = models.CharField(max_length=100, unique=True)
    last_enqueued_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} (last enqueued {self.last_enqueued_at:%Y-%m-%d %H:%M})"
