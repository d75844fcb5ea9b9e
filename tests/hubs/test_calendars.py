"""iCalendar output (hubs/calendars.py and its pages), read back with the icalendar parser: local
times with their TZID and VTIMEZONE across a daylight-saving change, who gets the online link,
and the private feed's secret address."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from hubs import meetings
from hubs.meetings import Place
from hubs.models import CalendarFeed
from tests.factories import make_business, make_hub, make_membership, make_user

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
LINK = "https://meet.example.org/skis"


@pytest.fixture(autouse=True)
def _fixed_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def _series(hub, *, place=None, months=4):
    _, created = meetings.series_schedule(
        hub=hub,
        by=make_user(),
        title="Ski makers' evening",
        description="Bring a prototype.",
        first_day=date(2027, 1, 12),
        local_time=time(19, 0),
        duration=timedelta(hours=2),
        frequency="monthly",
        week_of_month=None,
        months=months,
        place=place or Place(is_online=True, online_url=LINK),
        capacity=None,
    )
    return created


def _parse(response):
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def _member(hub):
    user = make_user()
    membership = make_membership(hub=hub, business=make_business())
    membership.business.owners.add(user)
    return user


@pytest.mark.django_db
def test_hub_feed_keeps_19_local_in_denver_before_and_after_the_march_change(client):
    hub = make_hub(time_zone="America/Denver")
    _series(hub)

    calendar = _parse(client.get(reverse("hubs:hub_calendar", args=[hub.slug])))

    events = calendar.events
    starts = [event.decoded("DTSTART") for event in events]
    assert [(s.date(), s.time(), s.tzname()) for s in starts] == [
        (date(2027, 1, 12), time(19, 0), "MST"),
        (date(2027, 2, 9), time(19, 0), "MST"),
        (date(2027, 3, 9), time(19, 0), "MST"),
        (date(2027, 4, 13), time(19, 0), "MDT"),
    ]
    assert [s.astimezone(UTC).hour for s in starts] == [2, 2, 2, 1]
    assert {event["DTSTART"].params["TZID"] for event in events} == {"America/Denver"}
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/Denver"]
    assert [event.decoded("DTEND").time() for event in events] == [time(21, 0)] * 4
    assert events[0]["SUMMARY"] == f"Ski makers' evening ({hub.name})"


@pytest.mark.django_db
def test_vtimezone_alone_gives_a_calendar_the_right_utc_times():
    """What a calendar without its own zone database does: read the offsets the file carries."""
    hub = make_hub(time_zone="America/Denver")
    _series(hub)
    from hubs.calendars import calendar_bytes

    raw = calendar_bytes(hub.meetings.select_related("hub"), name=hub.name, with_link=bool)
    text = raw.decode()

    assert "BEGIN:VTIMEZONE\r\nTZID:America/Denver" in text
    assert "TZOFFSETTO:-0600" in text and "TZOFFSETTO:-0700" in text
    assert "DTSTART;TZID=America/Denver:20270309T190000" in text
    assert "DTSTART;TZID=America/Denver:20270413T190000" in text


@pytest.mark.django_db
def test_hub_feed_never_carries_the_online_link(client):
    hub = make_hub(time_zone="America/Denver")
    _series(hub, months=1)
    client.force_login(_member(hub))

    response = client.get(reverse("hubs:hub_calendar", args=[hub.slug]))

    assert LINK.encode() not in response.content
    [event] = _parse(response).events
    assert event["LOCATION"] == "Online"


@pytest.mark.django_db
def test_hub_feed_of_a_hub_under_review_is_404(client):
    hub = make_hub(status="pending")

    assert client.get(reverse("hubs:hub_calendar", args=[hub.slug])).status_code == 404


@pytest.mark.django_db
def test_cancelled_meeting_stays_in_the_feed_as_cancelled(client):
    hub = make_hub(time_zone="America/Denver")
    first, second = _series(hub, months=2)
    meetings.meeting_cancel(meeting=first, reason="Snow")

    calendar = _parse(client.get(reverse("hubs:hub_calendar", args=[hub.slug])))

    assert [(str(e["UID"]), str(e["STATUS"])) for e in calendar.events] == [
        (f"meeting-{first.pk}@127.0.0.1", "CANCELLED"),
        (f"meeting-{second.pk}@127.0.0.1", "CONFIRMED"),
    ]


@pytest.mark.parametrize(
    ("who", "sees_link"),
    [("anonymous", False), ("outsider", False), ("member", True), ("coming", True)],
)
@pytest.mark.django_db
def test_meeting_ics_carries_the_link_only_for_members_and_those_coming(client, who, sees_link):
    hub = make_hub(time_zone="America/Denver")
    [meeting] = _series(hub, months=1)
    if who == "member":
        client.force_login(_member(hub))
    elif who != "anonymous":
        user = make_user()
        if who == "coming":
            meetings.rsvp_set(meeting=meeting, user=user, going=True)
        client.force_login(user)

    response = client.get(reverse("hubs:meeting_ics", args=[meeting.pk]))

    assert response["Content-Disposition"] == f'attachment; filename="meeting-{meeting.pk}.ics"'
    [event] = _parse(response).events
    assert (str(event["LOCATION"]) == LINK) is sees_link
    assert (LINK in str(event["DESCRIPTION"])) is sees_link
    assert event.decoded("DTSTART") == datetime(2027, 1, 13, 2, tzinfo=UTC)


@pytest.mark.django_db
def test_private_feed_lists_meetings_the_user_comes_to_with_links(client):
    hub = make_hub(time_zone="America/Denver")
    coming_to, declined, _ = _series(hub, months=3)
    other = make_hub(time_zone="Europe/Berlin")
    [berlin] = _series(other, months=1)
    user = make_user()
    meetings.rsvp_set(meeting=coming_to, user=user, going=True)
    meetings.rsvp_set(meeting=declined, user=user, going=False)
    meetings.rsvp_set(meeting=berlin, user=user, going=True)
    feed = meetings.feed_for(user)

    response = client.get(reverse("hubs:calendar_feed", args=[feed.token]))

    calendar = _parse(response)
    assert [str(e["UID"]) for e in calendar.events] == [
        f"meeting-{berlin.pk}@127.0.0.1",  # 19:00 in Berlin comes before 19:00 in Denver.
        f"meeting-{coming_to.pk}@127.0.0.1",
    ]
    assert [str(e["LOCATION"]) for e in calendar.events] == [LINK, LINK]
    assert sorted(tz["TZID"] for tz in calendar.walk("VTIMEZONE")) == [
        "America/Denver",
        "Europe/Berlin",
    ]
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_private_feed_with_an_unknown_token_is_404(client):
    assert client.get(reverse("hubs:calendar_feed", args=["not-a-token"])).status_code == 404


@pytest.mark.django_db
def test_resetting_the_private_feed_retires_the_old_address(client):
    user = make_user()
    old = meetings.feed_for(user).token
    client.force_login(user)

    response = client.post(reverse("hubs:calendar_reset"))

    assert response.status_code == 302
    new = CalendarFeed.objects.get(user=user).token
    assert new != old
    assert client.get(reverse("hubs:calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("hubs:calendar_feed", args=[new])).status_code == 200
    dashboard = client.get(reverse("accounts:dashboard"))
    assert f"/calendar/{new}.ics" in dashboard.content.decode()


@pytest.mark.django_db
def test_calendar_reset_needs_post_and_a_signed_in_user(client):
    url = reverse("hubs:calendar_reset")

    assert client.post(url).status_code == 302  # To log in.
    assert not CalendarFeed.objects.exists()
    client.force_login(make_user())
    assert client.get(url).status_code == 405
