"""Meetings' writes: scheduling one or a series, editing, cancelling, RSVPs with a capacity and
a waitlist, messages to attendees and the day-before reminders.

Each write is a keyword-only function in one transaction; its emails go to the outbox in that
transaction and leave once it commits. Times are stored in UTC and reckoned in the hub's zone:
a series at 19:00 stays at 19:00 local time across a daylight-saving change.
"""

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from hubs.models import CalendarFeed, Hub, Meeting, MeetingSeries, Membership, Rsvp
from hubs.models.meetings import MAX_DURATION_HOURS
from hubs.pagecache import bump_directory_version
from hubs.services import ActionRefused, absolute_url, send_after_commit

# How far ahead a series' meetings are generated, at most.
MAX_SERIES_MONTHS = 12


def times_problem(*, starts_at: datetime, ends_at: datetime, now: datetime | None = None) -> str:
    """What is wrong with a meeting's times, in words a person understands; "" if nothing."""
    now = now or timezone.now()
    if starts_at <= now:
        return "The meeting must start in the future."
    if ends_at <= starts_at:
        return "The meeting must end after it starts."
    if ends_at - starts_at > timedelta(hours=MAX_DURATION_HOURS):
        return f"A meeting may last at most {MAX_DURATION_HOURS} hours."
    return ""


def is_member(hub: Hub, user: User) -> bool:
    """Whether one of the user's businesses is an active member of the hub."""
    if not user.is_authenticated:
        return False
    return Membership.objects.active().filter(hub=hub, business__owners=user).exists()


def may_see_link(meeting: Meeting, user: User, *, member: bool | None = None) -> bool:
    """The online link is for the hub's members and those who said they will come."""
    if not user.is_authenticated:
        return False
    if member if member is not None else is_member(meeting.hub, user):
        return True
    return meeting.rsvps.attending().filter(user=user).exists()


@dataclass(frozen=True)
class Place:
    """Where a meeting happens: online with a link, or at an address (with a point if known)."""

    is_online: bool
    address: str = ""
    online_url: str = ""
    latitude: float | None = None
    longitude: float | None = None


def _check(*, starts_at: datetime, ends_at: datetime, place: Place) -> None:
    problem = times_problem(starts_at=starts_at, ends_at=ends_at)
    if problem:
        raise ActionRefused(problem)
    if place.is_online and not place.online_url:
        raise ActionRefused("An online meeting needs its link.")
    if not place.is_online and not place.address.strip():
        raise ActionRefused("An in-person meeting needs an address.")


def _place_fields(place: Place) -> dict:
    return {
        "is_online": place.is_online,
        "address": "" if place.is_online else place.address.strip(),
        "online_url": place.online_url if place.is_online else "",
        "latitude": None if place.is_online else place.latitude,
        "longitude": None if place.is_online else place.longitude,
    }


@transaction.atomic
def meeting_schedule(
    *,
    hub: Hub,
    by: User,
    title: str,
    description: str,
    starts_at: datetime,
    ends_at: datetime,
    place: Place,
    capacity: int | None,
) -> Meeting:
    """Schedule a one-off meeting of ``hub``."""
    _check(starts_at=starts_at, ends_at=ends_at, place=place)
    return Meeting.objects.create(
        hub=hub,
        title=title,
        description=description,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        created_by=by,
        **_place_fields(place),
    )


def nth_weekday(year: int, month: int, *, weekday: int, week_of_month: int) -> date | None:
    """The nth (1-4) or last (-1) ``weekday`` of a month."""
    days = [
        day
        for day in calendar.Calendar().itermonthdates(year, month)
        if day.month == month and day.weekday() == weekday
    ]
    if week_of_month == -1:
        return days[-1]
    return days[week_of_month - 1] if week_of_month <= len(days) else None


def series_dates(
    *, frequency: str, weekday: int, week_of_month: int | None, start: date, until: date
) -> list[date]:
    """The local dates of a series from ``start`` (included) to ``until`` (excluded)."""
    if frequency == MeetingSeries.Frequency.WEEKLY:
        first = start + timedelta(days=(weekday - start.weekday()) % 7)
        weeks = []
        while first < until:
            weeks.append(first)
            first += timedelta(weeks=1)
        return weeks
    dates = []
    year, month = start.year, start.month
    while date(year, month, 1) < until:
        day = nth_weekday(year, month, weekday=weekday, week_of_month=week_of_month or 1)
        if day is not None and start <= day < until:
            dates.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return dates


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def local_moment(day: date, at: time, zone: tzinfo) -> datetime:
    """A local date and time in ``zone`` as a UTC moment (a time skipped by a change to summer
    time is read with the offset before it, as calendars do)."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


@transaction.atomic
def series_schedule(
    *,
    hub: Hub,
    by: User,
    title: str,
    description: str,
    first_day: date,
    local_time: time,
    duration: timedelta,
    frequency: str,
    week_of_month: int | None,
    months: int,
    place: Place,
    capacity: int | None,
) -> tuple[MeetingSeries, list[Meeting]]:
    """Schedule a repeating meeting and its occurrences for the next ``months`` months, each at
    ``local_time`` in the hub's zone. ``first_day`` fixes the weekday (and, monthly, which
    one of the month unless ``week_of_month`` says "last", -1)."""
    if not 1 <= months <= MAX_SERIES_MONTHS:
        raise ActionRefused(f"A series is scheduled from 1 to {MAX_SERIES_MONTHS} months ahead.")
    if frequency == MeetingSeries.Frequency.WEEKLY:
        week_of_month = None
    elif week_of_month != -1:
        week_of_month = (first_day.day - 1) // 7 + 1
        if week_of_month > 4:
            raise ActionRefused(
                "A monthly meeting falls on the first to fourth, or the last, weekday of a month."
            )
    zone = hub.zone
    first_start = local_moment(first_day, local_time, zone)
    _check(starts_at=first_start, ends_at=first_start + duration, place=place)
    series = MeetingSeries.objects.create(
        hub=hub,
        title=title,
        frequency=frequency,
        weekday=first_day.weekday(),
        week_of_month=week_of_month,
        local_time=local_time,
        duration_minutes=int(duration.total_seconds() // 60),
        created_by=by,
    )
    days = series_dates(
        frequency=frequency,
        weekday=first_day.weekday(),
        week_of_month=week_of_month,
        start=first_day,
        # Monthly: one meeting in each of ``months`` calendar months, the first day's included.
        until=add_months(first_day, months)
        if frequency == MeetingSeries.Frequency.WEEKLY
        else add_months(first_day.replace(day=1), months),
    )
    meetings = Meeting.objects.bulk_create(
        Meeting(
            hub=hub,
            series=series,
            title=title,
            description=description,
            starts_at=(starts := local_moment(day, local_time, zone)),
            ends_at=starts + duration,
            capacity=capacity,
            created_by=by,
            **_place_fields(place),
        )
        for day in days
    )
    # bulk_create sends no post_save: cached pages that list meetings go stale here, unless
    # they are a hub's under review, which no public page shows.
    if meetings and meetings[0].shown_publicly():
        transaction.on_commit(bump_directory_version)
    return series, meetings


def _attendees(meeting: Meeting, *answers: str) -> QuerySet[Rsvp]:
    return meeting.rsvps.filter(answer__in=answers).select_related("user")


def _tell(
    meeting: Meeting,
    rsvps: QuerySet[Rsvp],
    *,
    subject: str,
    template: str,
    key: str | None = None,
    **extra: object,
) -> int:
    emails = [rsvp.user.email for rsvp in rsvps if rsvp.user.email]
    send_after_commit(
        subject=subject,
        template=template,
        key=key,
        context={
            "meeting": meeting,
            "url": absolute_url(meeting.get_absolute_url()),
            **extra,
        },
        to=emails,
    )
    return len(set(emails))


@transaction.atomic
def meeting_edit(
    *,
    meeting: Meeting,
    title: str,
    description: str,
    starts_at: datetime,
    ends_at: datetime,
    place: Place,
    capacity: int | None,
) -> Meeting:
    """Change a meeting; when its time or place changes, those coming or waiting are told. A
    larger capacity moves the waitlist up; a smaller one takes no seat back."""
    meeting = Meeting.objects.select_for_update().select_related("hub").get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ActionRefused("This meeting was cancelled; schedule a new one instead.")
    _check(starts_at=starts_at, ends_at=ends_at, place=place)
    before = (meeting.starts_at, meeting.ends_at, meeting.address, meeting.online_url)
    meeting.title, meeting.description = title, description
    meeting.starts_at, meeting.ends_at, meeting.capacity = starts_at, ends_at, capacity
    for name, value in _place_fields(place).items():
        setattr(meeting, name, value)
    meeting.save()
    if before != (meeting.starts_at, meeting.ends_at, meeting.address, meeting.online_url):
        _tell(
            meeting,
            _attendees(meeting, Rsvp.Answer.YES, Rsvp.Answer.WAITLIST),
            subject=f"Changed: {meeting.title}, {meeting.when}",
            template="emails/meeting_changed.txt",
        )
    _move_waitlist_up(meeting)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, reason: str) -> int:
    """Cancel a meeting and tell those coming or waiting; returns how many were told."""
    meeting = Meeting.objects.select_for_update().select_related("hub").get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ActionRefused("This meeting is cancelled already.")
    if meeting.ends_at <= timezone.now():
        raise ActionRefused("This meeting is over; it can no longer be cancelled.")
    meeting.cancelled_at = timezone.now()
    meeting.cancel_reason = reason
    meeting.save(update_fields=["cancelled_at", "cancel_reason", "updated_at"])
    return _tell(
        meeting,
        _attendees(meeting, Rsvp.Answer.YES, Rsvp.Answer.WAITLIST),
        subject=f"Cancelled: {meeting.title}, {meeting.when}",
        template="emails/meeting_cancelled.txt",
        reason=reason,
    )


def _move_waitlist_up(meeting: Meeting) -> list[Rsvp]:
    """Give free seats to the waitlist in the order people joined it (the meeting row is locked
    by the caller), and tell each one."""
    waiting = list(meeting.rsvps.waiting().select_related("user"))
    if meeting.capacity is not None:
        free = meeting.capacity - meeting.rsvps.attending().count()
        waiting = waiting[: max(0, free)]
    for rsvp in waiting:
        rsvp.answer = Rsvp.Answer.YES
        rsvp.save(update_fields=["answer"])
    if waiting:
        _tell(
            meeting,
            meeting.rsvps.filter(pk__in=[rsvp.pk for rsvp in waiting]).select_related("user"),
            subject=f"A seat is yours: {meeting.title}",
            template="emails/meeting_seat.txt",
        )
    return waiting


@transaction.atomic
def rsvp_set(*, meeting: Meeting, user: User, going: bool) -> Rsvp:
    """Say whether ``user`` comes. A "yes" takes a seat if one is free, else a place on the
    waitlist; a "no" from someone with a seat gives it to the first one waiting.

    The meeting's row is locked (SELECT ... FOR UPDATE on PostgreSQL) while seats are counted,
    so two people answering at once for the last seat get one seat and one waitlist place.
    """
    meeting = Meeting.objects.select_for_update().select_related("hub").get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ActionRefused("This meeting was cancelled: there is nothing to answer.")
    if meeting.starts_at <= timezone.now():
        raise ActionRefused("This meeting has started or is over: answers are closed.")
    rsvp = Rsvp.objects.filter(meeting=meeting, user=user).first()
    previous = rsvp.answer if rsvp else None
    if going:
        if previous in (Rsvp.Answer.YES, Rsvp.Answer.WAITLIST):
            return rsvp  # type: ignore[return-value]  # Found above.
        taken = meeting.rsvps.attending().count()
        full = meeting.capacity is not None and taken >= meeting.capacity
        answer = Rsvp.Answer.WAITLIST if full else Rsvp.Answer.YES
    else:
        answer = Rsvp.Answer.NO
    if rsvp is None:
        rsvp = Rsvp.objects.create(meeting=meeting, user=user, answer=answer)
    elif previous != answer:
        rsvp.answer, rsvp.answered_at = answer, timezone.now()
        rsvp.save(update_fields=["answer", "answered_at"])
    if previous == Rsvp.Answer.YES and answer == Rsvp.Answer.NO:
        _move_waitlist_up(meeting)
    return rsvp


@transaction.atomic
def message_attendees(*, meeting: Meeting, sender: User, subject: str, message: str) -> int:
    """Email those coming (and waiting) from an organizer, replies to the sender; returns how
    many addresses it went to. The caller checks the sender's rate limit."""
    rsvps = _attendees(meeting, Rsvp.Answer.YES, Rsvp.Answer.WAITLIST)
    emails = sorted({rsvp.user.email for rsvp in rsvps if rsvp.user.email})
    send_after_commit(
        subject=f"{meeting.title}: {subject}",
        template="emails/meeting_message.txt",
        context={
            "meeting": meeting,
            "sender": sender,
            "message": message,
            "url": absolute_url(meeting.get_absolute_url()),
        },
        to=emails,
        reply_to=sender.email,
    )
    return len(emails)


def due_for_reminder(*, now: datetime | None = None) -> QuerySet[Meeting]:
    """Meetings starting within a day whose attendees were not reminded yet."""
    now = now or timezone.now()
    return (
        Meeting.objects.scheduled()
        .filter(starts_at__gt=now, starts_at__lte=now + timedelta(days=1), reminded_at=None)
        .select_related("hub")
    )


def meetings_remind(*, now: datetime | None = None, dry_run: bool = False) -> tuple[int, int]:
    """Email those coming to each meeting starting within a day, once (``reminded_at``);
    returns (meetings, emails). Each meeting is its own transaction."""
    now = now or timezone.now()
    meetings = emails = 0
    for meeting in due_for_reminder(now=now):
        if dry_run:
            meetings += 1
            emails += meeting.rsvps.attending().count()
            continue
        with transaction.atomic():
            locked = Meeting.objects.select_for_update().filter(pk=meeting.pk, reminded_at=None)
            if not locked.exists():
                continue  # Another run took it.
            meeting.reminded_at = now
            meeting.save(update_fields=["reminded_at"])
            emails += _tell(
                meeting,
                _attendees(meeting, Rsvp.Answer.YES),
                subject=f"Reminder: {meeting.title}, {meeting.when}",
                template="emails/meeting_reminder.txt",
                key=f"meeting-reminder-{meeting.pk}",
            )
            meetings += 1
    return meetings, emails


def feed_for(user: User) -> CalendarFeed:
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def feed_reset(*, user: User) -> CalendarFeed:
    """Give the user's private calendar a new secret address; the old one stops working."""
    CalendarFeed.objects.filter(user=user).delete()
    return CalendarFeed.objects.create(user=user)


def meetings_of(user: User) -> QuerySet[Meeting]:
    """The meetings a user said they are coming to, for their private calendar."""
    return (
        Meeting.objects.filter(rsvps__user=user, rsvps__answer=Rsvp.Answer.YES)
        .select_related("hub")
        .order_by("starts_at")
    )
