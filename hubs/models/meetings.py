"""Meetings of a hub: one-off or repeating (a series), RSVPs with capacity and a waitlist, and
each user's private calendar feed."""

import secrets
from datetime import datetime, tzinfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from hubs.models.hubs import Hub
from hubs.models.visibility import ShownWithHub

# A meeting may last at most this long, and seat at most this many people.
MAX_DURATION_HOURS = 72
MAX_CAPACITY = 10000


def describe_time(moment: datetime, zone: tzinfo) -> str:
    """ "Tue 12 Jan 2027, 19:00 MST": a moment in a zone, with the zone's abbreviation."""
    local = moment.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %Y}, {local:%H:%M} {local.tzname()}"


class MeetingSeries(models.Model):
    """A repeating meeting: weekly, or monthly on the nth (or last) weekday, at a local time
    in the hub's time zone. Its occurrences are Meeting rows, generated ahead."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        MONTHLY = "monthly", "Monthly"

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="meeting_series")
    title = models.CharField(max_length=150)
    frequency = models.CharField(max_length=10, choices=Frequency)
    weekday = models.PositiveSmallIntegerField(help_text="0 is Monday, 6 is Sunday.")
    # 1 to 4 for "the second Tuesday", -1 for "the last Thursday"; none for a weekly series.
    week_of_month = models.SmallIntegerField(null=True, blank=True)
    local_time = models.TimeField(help_text="Start time in the hub's time zone.")
    duration_minutes = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "meeting series"
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__lte=6), name="meetingseries_weekday_in_week"
            ),
            models.CheckConstraint(
                condition=Q(frequency="weekly", week_of_month__isnull=True)
                | Q(frequency="monthly", week_of_month__in=[1, 2, 3, 4, -1]),
                name="meetingseries_week_of_month",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.rule})"

    @property
    def rule(self) -> str:
        """ "Weekly on Tuesday", "Monthly on the second Tuesday", "Monthly on the last Thursday"."""
        day = WEEKDAYS[self.weekday]
        if self.frequency == self.Frequency.WEEKLY:
            return f"Weekly on {day}"
        return f"Monthly on the {ORDINALS[self.week_of_month]} {day}"


WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}


class MeetingQuerySet(models.QuerySet):
    """Meetings by state: the only place "upcoming" or "cancelled" is spelled out in a filter."""

    def scheduled(self):
        return self.filter(cancelled_at__isnull=True)

    def upcoming(self, *, now=None):
        """Not cancelled and not yet over, soonest first."""
        return self.scheduled().filter(ends_at__gt=now or timezone.now()).order_by("starts_at")

    def held(self, *, now=None):
        """Not cancelled and over."""
        return self.scheduled().filter(ends_at__lte=now or timezone.now())


class Meeting(ShownWithHub, models.Model):
    """A meeting of a hub, in person at a place or online with a link; times stored in UTC."""

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="meetings")
    series = models.ForeignKey(
        MeetingSeries,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
    )
    title = models.CharField(max_length=150)
    description = models.TextField(blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    is_online = models.BooleanField(default=False)
    address = models.CharField(
        max_length=255, blank=True, help_text="Where people meet, for an in-person meeting."
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    online_url = models.URLField(
        "online link",
        blank=True,
        help_text="Shown only to the hub's members and to people who said they will come.",
    )
    capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text="Seats; leave blank for no limit."
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    reminded_at = models.DateTimeField(
        null=True, blank=True, help_text="When the attendees were reminded, the day before."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1, capacity__lte=MAX_CAPACITY),
                name="meeting_capacity_range",
            ),
            models.CheckConstraint(
                condition=Q(is_online=False) | ~Q(online_url=""), name="meeting_online_has_link"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="meeting_point_valid",
            ),
        ]
        indexes = [
            # "The hub's next meetings" and "meetings starting tomorrow": reads by start.
            models.Index(fields=["hub", "starts_at"], name="meeting_hub_start"),
            models.Index(fields=["starts_at"], name="meeting_start"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("hubs:meeting", args=[self.pk])

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def when(self) -> str:
        """When it starts, in the hub's zone: "Tue 12 Jan 2027, 19:00 MST"."""
        return describe_time(self.starts_at, self.hub.zone)

    @property
    def until(self) -> str:
        """When it ends, in the hub's zone: "21:00" the same local day, else in full."""
        start, end = self.local_starts_at, self.local_ends_at
        if end.date() == start.date():
            return f"{end:%H:%M}"
        return describe_time(self.ends_at, self.hub.zone)

    @property
    def local_starts_at(self):
        return self.starts_at.astimezone(self.hub.zone)

    @property
    def local_ends_at(self):
        return self.ends_at.astimezone(self.hub.zone)


class RsvpQuerySet(models.QuerySet):
    def attending(self):
        return self.filter(answer=Rsvp.Answer.YES)

    def waiting(self):
        return self.filter(answer=Rsvp.Answer.WAITLIST)


class Rsvp(models.Model):
    """A person's answer to a meeting: coming, not coming, or waiting for a seat."""

    class Answer(models.TextChoices):
        YES = "yes", "Going"
        NO = "no", "Not going"
        WAITLIST = "waitlist", "On the waitlist"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rsvps"
    )
    answer = models.CharField(max_length=10, choices=Answer)
    created_at = models.DateTimeField(auto_now_add=True)
    # The waitlist moves up in the order people joined it.
    answered_at = models.DateTimeField(default=timezone.now)

    objects = RsvpQuerySet.as_manager()

    class Meta:
        ordering = ["answered_at", "pk"]
        verbose_name = "RSVP"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="rsvp_once_per_meeting"),
        ]
        indexes = [models.Index(fields=["meeting", "answer"], name="rsvp_meeting_answer")]

    def __str__(self):
        return f"{self.user} – {self.meeting}: {self.get_answer_display()}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """The secret address of a user's private calendar of the meetings they are going to."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Calendar of {self.user}"

    def get_absolute_url(self):
        return reverse("hubs:calendar_feed", args=[self.token])
