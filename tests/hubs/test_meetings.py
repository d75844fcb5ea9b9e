"""Meetings' writes (hubs/meetings.py): scheduling, series across daylight-saving changes,
RSVPs with capacity and the waitlist, cancelling, messages and reminders; hubs' time zones."""

from datetime import UTC, date, datetime, time, timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from hubs import gazetteer, meetings, schedule, services
from hubs.meetings import Place
from hubs.models import Hub, Meeting, MeetingSeries, OutgoingMail, Rsvp
from hubs.schedule import available_jobs
from tests.factories import make_business, make_hub, make_membership, make_user
from tests.hubs.test_services import _at_once

# Tests run at a fixed moment, so the meetings they schedule in 2027 stay in the future.
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
DENVER = "America/Denver"
ONLINE = Place(is_online=True, online_url="https://meet.example.org/skis")
UNION_STATION = Place(is_online=False, address="Union Station, 2501 Wall Ave, Ogden, UT")


@pytest.fixture(autouse=True)
def _fixed_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def _utc(*args):
    return datetime(*args, tzinfo=UTC)


def _meeting(hub=None, **overrides):
    values = {
        "hub": hub or make_hub(time_zone=DENVER),
        "title": "Ski makers' meet-up",
        "starts_at": _utc(2027, 1, 13, 2),
        "ends_at": _utc(2027, 1, 13, 4),
        "is_online": False,
        "address": "Union Station, Ogden",
    }
    values.update(overrides)
    return Meeting.objects.create(**values)


def _schedule(hub, **overrides):
    values = {
        "hub": hub,
        "by": make_user(),
        "title": "Ski makers' meet-up",
        "description": "",
        "starts_at": _utc(2027, 1, 13, 2),
        "ends_at": _utc(2027, 1, 13, 4),
        "place": UNION_STATION,
        "capacity": None,
    }
    values.update(overrides)
    return meetings.meeting_schedule(**values)


def _mails(template_word):
    return list(OutgoingMail.objects.filter(subject__contains=template_word).order_by("pk"))


# Time zones


@pytest.mark.django_db
def test_gazetteer_towns_carry_their_geonames_time_zone():
    ogden = gazetteer.resolve("Ogden, UT").place
    stuttgart = gazetteer.resolve("Stuttgart, Germany").place
    zip_code = gazetteer.resolve("84401").place

    assert (ogden.time_zone, stuttgart.time_zone, zip_code.time_zone) == (
        "America/Denver",
        "Europe/Berlin",
        "America/Denver",
    )


@pytest.mark.django_db
def test_time_zone_at_a_point_is_its_nearest_towns():
    assert gazetteer.time_zone_at(lat=41.22, lng=-111.97) == "America/Denver"
    assert gazetteer.time_zone_at(lat=40.71, lng=-74.0) == "America/New_York"


@pytest.mark.django_db
def test_demo_hubs_have_their_towns_time_zone():
    zones = dict(Hub.objects.filter(is_demo=False).values_list("slug", "time_zone"))

    assert zones and "UTC" not in zones.values()


@pytest.mark.django_db
def test_hub_register_sets_the_time_zone_of_its_place():
    hub = services.hub_register(
        business=make_business(),
        name="Wasatch Ski Makers",
        industry=make_business().industry,
        place=gazetteer.resolve("Ogden, UT"),
        description="",
        created_by=None,
    )

    hub.refresh_from_db()
    assert hub.time_zone == "America/Denver"
    assert str(hub.zone) == "America/Denver"


def test_hub_with_an_unknown_zone_name_reads_as_utc():
    assert str(Hub(time_zone="Mars/Olympus").zone) == "UTC"


# Scheduling


@pytest.mark.django_db
def test_meeting_schedule_stores_utc_and_shows_the_hubs_local_time():
    hub = make_hub(time_zone=DENVER)

    meeting = _schedule(hub, capacity=20)

    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.ends_at, meeting.capacity) == (
        _utc(2027, 1, 13, 2),
        _utc(2027, 1, 13, 4),
        20,
    )
    assert meeting.when == "Tue 12 Jan 2027, 19:00 MST"


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "message"),
    [
        (_utc(2027, 1, 13, 4), _utc(2027, 1, 13, 2), "The meeting must end after it starts."),
        (_utc(2027, 1, 13, 4), _utc(2027, 1, 13, 4), "The meeting must end after it starts."),
        (_utc(2026, 11, 30, 2), _utc(2026, 11, 30, 4), "The meeting must start in the future."),
        (_utc(2027, 1, 13, 2), _utc(2037, 1, 13, 2), "A meeting may last at most 72 hours."),
    ],
)
@pytest.mark.django_db
def test_meeting_schedule_refuses_bad_times_and_saves_nothing(starts_at, ends_at, message):
    hub = make_hub(time_zone=DENVER)

    with pytest.raises(services.ActionRefused) as refused:
        _schedule(hub, starts_at=starts_at, ends_at=ends_at)

    assert str(refused.value) == message
    assert not Meeting.objects.filter(hub=hub).exists()


@pytest.mark.django_db
def test_meeting_schedule_online_needs_a_link_and_in_person_an_address():
    hub = make_hub()

    with pytest.raises(services.ActionRefused, match="An online meeting needs its link."):
        _schedule(hub, place=Place(is_online=True))
    with pytest.raises(services.ActionRefused, match="An in-person meeting needs an address."):
        _schedule(hub, place=Place(is_online=False, address="  "))

    assert not Meeting.objects.filter(hub=hub).exists()


@pytest.mark.parametrize("capacity", [0, -1, 10**9])
@pytest.mark.django_db
def test_the_database_refuses_a_capacity_out_of_range(capacity):
    hub = make_hub()

    with pytest.raises(IntegrityError), transaction.atomic():
        _meeting(hub, capacity=capacity)


@pytest.mark.django_db
def test_the_database_refuses_a_meeting_ending_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        _meeting(starts_at=_utc(2027, 1, 13, 4), ends_at=_utc(2027, 1, 13, 2))


# Series


def test_nth_weekday_finds_second_tuesdays_and_last_thursdays():
    assert meetings.nth_weekday(2027, 3, weekday=1, week_of_month=2) == date(2027, 3, 9)
    assert meetings.nth_weekday(2027, 3, weekday=3, week_of_month=-1) == date(2027, 3, 25)
    assert meetings.nth_weekday(2027, 2, weekday=0, week_of_month=4) == date(2027, 2, 22)


def test_series_dates_weekly_and_monthly():
    weekly = meetings.series_dates(
        frequency="weekly", weekday=1, week_of_month=None, start=date(2027, 1, 12),
        until=date(2027, 2, 9),
    )  # fmt: skip
    monthly_last = meetings.series_dates(
        frequency="monthly", weekday=3, week_of_month=-1, start=date(2027, 1, 28),
        until=date(2027, 5, 1),
    )  # fmt: skip

    assert weekly == [date(2027, 1, 12), date(2027, 1, 19), date(2027, 1, 26), date(2027, 2, 2)]
    assert monthly_last == [
        date(2027, 1, 28),
        date(2027, 2, 25),
        date(2027, 3, 25),
        date(2027, 4, 29),
    ]


@pytest.mark.django_db
def test_monthly_series_stays_at_19_local_across_the_march_dst_change_in_denver():
    hub = make_hub(time_zone=DENVER)

    series, created = meetings.series_schedule(
        hub=hub,
        by=make_user(),
        title="Second Tuesday",
        description="",
        first_day=date(2027, 1, 12),
        local_time=time(19, 0),
        duration=timedelta(hours=2),
        frequency="monthly",
        week_of_month=None,
        months=4,
        place=ONLINE,
        capacity=30,
    )

    assert series.rule == "Monthly on the second Tuesday"
    stored = list(series.meetings.values_list("starts_at", flat=True))
    assert stored == [
        _utc(2027, 1, 13, 2),  # 19:00 MST is UTC-7
        _utc(2027, 2, 10, 2),
        _utc(2027, 3, 10, 2),  # 9 March: still winter time
        _utc(2027, 4, 14, 1),  # 19:00 MDT is UTC-6, after 14 March
    ]
    assert [m.when for m in series.meetings.select_related("hub")] == [
        "Tue 12 Jan 2027, 19:00 MST",
        "Tue 9 Feb 2027, 19:00 MST",
        "Tue 9 Mar 2027, 19:00 MST",
        "Tue 13 Apr 2027, 19:00 MDT",
    ]
    assert len(created) == 4
    assert {(m.capacity, m.online_url, m.is_online) for m in created} == {
        (30, "https://meet.example.org/skis", True)
    }


@pytest.mark.django_db
def test_weekly_series_generates_each_week_for_the_months_asked():
    hub = make_hub(time_zone="Europe/Berlin")

    series, created = meetings.series_schedule(
        hub=hub,
        by=make_user(),
        title="Thursday breakfast",
        description="",
        first_day=date(2027, 3, 18),
        local_time=time(8, 0),
        duration=timedelta(hours=1),
        frequency="weekly",
        week_of_month=None,
        months=1,
        place=UNION_STATION,
        capacity=None,
    )

    assert series.rule == "Weekly on Thursday"
    # Berlin changes on 28 March 2027: 08:00 CET is 07:00 UTC, 08:00 CEST 06:00 UTC.
    assert [m.starts_at for m in created] == [
        _utc(2027, 3, 18, 7),
        _utc(2027, 3, 25, 7),
        _utc(2027, 4, 1, 6),
        _utc(2027, 4, 8, 6),
        _utc(2027, 4, 15, 6),
    ]


@pytest.mark.django_db
def test_series_refuses_a_fifth_weekday_and_saves_nothing():
    hub = make_hub()

    with pytest.raises(services.ActionRefused, match="first to fourth, or the last"):
        meetings.series_schedule(
            hub=hub,
            by=make_user(),
            title="Fifth Friday",
            description="",
            first_day=date(2027, 1, 29),
            local_time=time(19, 0),
            duration=timedelta(hours=2),
            frequency="monthly",
            week_of_month=None,
            months=3,
            place=UNION_STATION,
            capacity=None,
        )

    assert not MeetingSeries.objects.filter(hub=hub).exists()
    assert not Meeting.objects.filter(hub=hub).exists()


# RSVPs


@pytest.mark.django_db
def test_rsvp_gives_seats_then_the_waitlist():
    meeting = _meeting(capacity=2)
    first, second, third = make_user(), make_user(), make_user()

    answers = [
        meetings.rsvp_set(meeting=meeting, user=user, going=True).answer
        for user in (first, second, third)
    ]

    assert answers == ["yes", "yes", "waitlist"]
    assert list(meeting.rsvps.values_list("user", "answer")) == [
        (first.pk, "yes"),
        (second.pk, "yes"),
        (third.pk, "waitlist"),
    ]


@pytest.mark.django_db
def test_rsvp_no_from_a_seat_moves_the_first_waiting_up_and_tells_them():
    meeting = _meeting(capacity=1)
    seated, waiting, later = make_user(), make_user(), make_user()
    for user in (seated, waiting, later):
        meetings.rsvp_set(meeting=meeting, user=user, going=True)

    meetings.rsvp_set(meeting=meeting, user=seated, going=False)

    assert dict(meeting.rsvps.values_list("user", "answer")) == {
        seated.pk: "no",
        waiting.pk: "yes",
        later.pk: "waitlist",
    }
    [mail] = _mails("A seat is yours")
    assert mail.to == [waiting.email]


@pytest.mark.django_db
def test_rsvp_twice_keeps_one_answer():
    meeting = _meeting()
    user = make_user()

    meetings.rsvp_set(meeting=meeting, user=user, going=True)
    meetings.rsvp_set(meeting=meeting, user=user, going=True)

    assert list(meeting.rsvps.values_list("user", "answer")) == [(user.pk, "yes")]


@pytest.mark.django_db
def test_rsvp_refused_for_a_cancelled_or_past_meeting():
    cancelled = _meeting(cancelled_at=NOW)
    past = _meeting(starts_at=_utc(2026, 11, 30, 2), ends_at=_utc(2026, 11, 30, 4))
    user = make_user()

    with pytest.raises(services.ActionRefused, match="This meeting was cancelled"):
        meetings.rsvp_set(meeting=cancelled, user=user, going=True)
    with pytest.raises(services.ActionRefused, match="has started or is over"):
        meetings.rsvp_set(meeting=past, user=user, going=True)

    assert not Rsvp.objects.filter(user=user).exists()


needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers, so the race cannot happen; CI runs this on PostgreSQL.",
)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_rsvps_at_once_for_the_last_seat_give_one_seat_and_one_waitlist():
    hub = make_hub(time_zone=DENVER)
    meeting = _meeting(hub, capacity=1)
    first, second = make_user(), make_user()

    results = _at_once(
        lambda: meetings.rsvp_set(meeting=meeting, user=first, going=True),
        lambda: meetings.rsvp_set(meeting=meeting, user=second, going=True),
    )

    assert sorted(r.answer for r in results) == ["waitlist", "yes"]
    assert sorted(meeting.rsvps.values_list("answer", flat=True)) == ["waitlist", "yes"]


# Editing, cancelling, messages


@pytest.mark.django_db
def test_meeting_edit_tells_attendees_of_a_new_time_and_raising_capacity_seats_the_waitlist():
    meeting = _meeting(capacity=1)
    seated, waiting = make_user(), make_user()
    meetings.rsvp_set(meeting=meeting, user=seated, going=True)
    meetings.rsvp_set(meeting=meeting, user=waiting, going=True)

    meetings.meeting_edit(
        meeting=meeting,
        title=meeting.title,
        description="",
        starts_at=_utc(2027, 1, 14, 2),
        ends_at=_utc(2027, 1, 14, 4),
        place=UNION_STATION,
        capacity=2,
    )

    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.capacity) == (_utc(2027, 1, 14, 2), 2)
    assert dict(meeting.rsvps.values_list("user", "answer")) == {
        seated.pk: "yes",
        waiting.pk: "yes",
    }
    [changed] = _mails("Changed:")
    assert changed.subject == (
        "[Industry Hubs] Changed: Ski makers' meet-up, Wed 13 Jan 2027, 19:00 MST"
    )
    assert changed.to == sorted([seated.email, waiting.email])


@pytest.mark.django_db
def test_meeting_edit_refuses_bad_times_and_keeps_the_meeting():
    meeting = _meeting()

    with pytest.raises(services.ActionRefused, match="must end after it starts"):
        meetings.meeting_edit(
            meeting=meeting,
            title="Renamed",
            description="",
            starts_at=_utc(2027, 1, 14, 4),
            ends_at=_utc(2027, 1, 14, 2),
            place=UNION_STATION,
            capacity=None,
        )

    meeting.refresh_from_db()
    assert (meeting.title, meeting.starts_at) == ("Ski makers' meet-up", _utc(2027, 1, 13, 2))


@pytest.mark.django_db
def test_meeting_cancel_tells_those_coming_and_waiting_not_those_saying_no():
    meeting = _meeting(capacity=1)
    seated, waiting, declined = make_user(), make_user(), make_user()
    for user, going in ((seated, True), (waiting, True), (declined, False)):
        meetings.rsvp_set(meeting=meeting, user=user, going=going)

    told = meetings.meeting_cancel(meeting=meeting, reason="The hall flooded.")

    meeting.refresh_from_db()
    assert meeting.cancelled_at == NOW
    assert told == 2
    [mail] = _mails("Cancelled:")
    assert mail.to == sorted([seated.email, waiting.email])
    assert "Their reason: The hall flooded." in mail.body
    with pytest.raises(services.ActionRefused, match="cancelled already"):
        meetings.meeting_cancel(meeting=meeting, reason="")


@pytest.mark.django_db
def test_message_attendees_reaches_those_coming_with_replies_to_the_organizer():
    meeting = _meeting()
    organizer, coming, declined = make_user(), make_user(), make_user()
    meetings.rsvp_set(meeting=meeting, user=coming, going=True)
    meetings.rsvp_set(meeting=meeting, user=declined, going=False)

    sent = meetings.message_attendees(
        meeting=meeting, sender=organizer, subject="Parking", message="Park behind the station."
    )

    assert sent == 1
    [mail] = _mails("Parking")
    assert (mail.subject, mail.to, mail.reply_to) == (
        "[Industry Hubs] Ski makers' meet-up: Parking",
        [coming.email],
        [organizer.email],
    )
    assert "Park behind the station." in mail.body


# Reminders


@pytest.mark.django_db
def test_remind_meetings_emails_those_coming_the_day_before_once():
    tomorrow = _meeting(starts_at=NOW + timedelta(hours=20), ends_at=NOW + timedelta(hours=22))
    next_week = _meeting(
        starts_at=NOW + timedelta(days=7), ends_at=NOW + timedelta(days=7, hours=2)
    )
    coming, declined = make_user(), make_user()
    for meeting in (tomorrow, next_week):
        meetings.rsvp_set(meeting=meeting, user=coming, going=True)
    meetings.rsvp_set(meeting=tomorrow, user=declined, going=False)
    out = StringIO()

    call_command("remind_meetings", stdout=out)
    call_command("remind_meetings", stdout=out)

    assert out.getvalue() == (
        "Reminded 1 attendees of 1 meetings.\nReminded 0 attendees of 0 meetings.\n"
    )
    [mail] = _mails("Reminder:")
    assert mail.to == [coming.email]
    tomorrow.refresh_from_db()
    next_week.refresh_from_db()
    assert (tomorrow.reminded_at, next_week.reminded_at) == (NOW, None)


@pytest.mark.django_db
def test_remind_meetings_dry_run_sends_nothing():
    meeting = _meeting(starts_at=NOW + timedelta(hours=3), ends_at=NOW + timedelta(hours=4))
    meetings.rsvp_set(meeting=meeting, user=make_user(), going=True)
    out = StringIO()

    call_command("remind_meetings", "--dry-run", stdout=out)

    assert out.getvalue() == "Would remind 1 attendees of 1 meetings.\n"
    assert _mails("Reminder:") == []
    meeting.refresh_from_db()
    assert meeting.reminded_at is None


@pytest.mark.django_db
def test_the_scheduled_job_reminds_with_the_local_time_and_the_online_link():
    starts = NOW + timedelta(hours=10)  # 22:00 UTC is 15:00 in Denver.
    meeting = _meeting(
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        is_online=True,
        online_url="https://meet.example.org/dawn",
        address="",
    )
    coming = make_user()
    meetings.rsvp_set(meeting=meeting, user=coming, going=True)

    assert "remind_meetings" in available_jobs()
    schedule.run_job.call("remind_meetings")

    [mail] = _mails("Reminder:")
    assert mail.subject == (
        "[Industry Hubs] Reminder: Ski makers' meet-up, Tue 1 Dec 2026, 15:00 MST"
    )
    assert "Where: online: https://meet.example.org/dawn" in mail.body
    meeting.refresh_from_db()
    assert meeting.reminded_at == NOW


# Who sees the online link


@pytest.mark.django_db
def test_online_link_is_for_members_and_those_coming():
    meeting = _meeting(is_online=True, online_url="https://meet.example.org/x", address="")
    member_owner = make_user()
    make_membership(hub=meeting.hub, business=make_business(), role="member").business.owners.add(
        member_owner
    )
    coming, waiting_outsider = make_user(), make_user()
    meetings.rsvp_set(meeting=meeting, user=coming, going=True)
    meetings.rsvp_set(meeting=meeting, user=waiting_outsider, going=False)
    anonymous = mock.Mock(is_authenticated=False)

    assert meetings.may_see_link(meeting, member_owner) is True
    assert meetings.may_see_link(meeting, coming) is True
    assert meetings.may_see_link(meeting, waiting_outsider) is False
    assert meetings.may_see_link(meeting, anonymous) is False
