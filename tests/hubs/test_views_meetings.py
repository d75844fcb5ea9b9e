"""Meetings' pages (hubs/views/meetings.py): who may schedule, edit, cancel and message (organizers
only), who sees the online link, RSVPs, and bad input answered with a message, never a 500."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hubs import meetings
from hubs.models import Meeting, MeetingSeries, OutgoingMail, Rsvp
from tests.factories import make_business, make_hub, make_membership, make_user

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
LINK = "https://meet.example.org/skis"


@pytest.fixture(autouse=True)
def _fixed_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def hub(db):
    return make_hub(time_zone="America/Denver")


def _user_in(hub, role):
    user = make_user()
    membership = make_membership(hub=hub, business=make_business(), role=role)
    membership.business.owners.add(user)
    return user


@pytest.fixture
def organizer(hub):
    return _user_in(hub, "organizer")


@pytest.fixture
def member(hub):
    return _user_in(hub, "member")


@pytest.fixture
def curator(db):
    return make_user(is_staff=True)


def _meeting(hub, **overrides):
    values = {
        "hub": hub,
        "title": "Ski makers' evening",
        "starts_at": datetime(2027, 1, 13, 2, tzinfo=UTC),
        "ends_at": datetime(2027, 1, 13, 4, tzinfo=UTC),
        "is_online": True,
        "online_url": LINK,
        "capacity": 10,
    }
    values.update(overrides)
    return Meeting.objects.create(**values)


def _form(**overrides):
    data = {
        "title": "Ski makers' evening",
        "description": "Bring a prototype.",
        "day": "2027-01-12",
        "start_time": "19:00",
        "end_time": "21:00",
        "end_day": "",
        "where": "online",
        "address": "",
        "online_url": LINK,
        "capacity": "30",
        "repeat": "once",
        "months": "3",
    }
    data.update(overrides)
    return data


# Scheduling


@pytest.mark.django_db
def test_schedule_page_access(client, hub, member, curator):
    url = reverse("hubs:meeting_create", args=[hub.slug])

    assert client.get(url)["Location"].startswith(reverse("account_login"))
    client.force_login(make_user())
    assert client.get(url).status_code == 404
    client.force_login(curator)
    assert client.get(url).status_code == 404
    client.force_login(member)
    assert client.get(url).status_code == 403
    assert client.post(url, _form()).status_code == 403
    assert not Meeting.objects.filter(hub=hub).exists()


@pytest.mark.django_db
def test_organizer_schedules_a_one_off_meeting_in_the_hubs_zone(client, hub, organizer):
    client.force_login(organizer)

    response = client.post(reverse("hubs:meeting_create", args=[hub.slug]), _form())

    meeting = Meeting.objects.get(hub=hub)
    assert response["Location"] == meeting.get_absolute_url()
    assert (meeting.starts_at, meeting.ends_at, meeting.capacity, meeting.online_url) == (
        datetime(2027, 1, 13, 2, tzinfo=UTC),
        datetime(2027, 1, 13, 4, tzinfo=UTC),
        30,
        LINK,
    )
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Tue 12 Jan 2027, 19:00 MST" in page


@pytest.mark.django_db
def test_organizer_schedules_a_monthly_series_on_the_last_thursday(client, hub, organizer):
    client.force_login(organizer)

    client.post(
        reverse("hubs:meeting_create", args=[hub.slug]),
        _form(day="2027-01-28", repeat="monthly_last", months="3"),
    )

    series = MeetingSeries.objects.get(hub=hub)
    assert series.rule == "Monthly on the last Thursday"
    assert [m.when for m in series.meetings.select_related("hub")] == [
        "Thu 28 Jan 2027, 19:00 MST",
        "Thu 25 Feb 2027, 19:00 MST",
        "Thu 25 Mar 2027, 19:00 MDT",
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"end_time": "18:00"}, "The meeting must end after it starts."),
        ({"day": "2026-11-30"}, "The meeting must start in the future."),
        ({"end_day": "2037-01-12"}, "A meeting may last at most 72 hours."),
        ({"capacity": "-1"}, "A meeting needs at least 1 seat; leave it blank for no limit."),
        ({"capacity": str(10**9)}, "At most 10,000 seats; leave it blank for no limit."),
        ({"online_url": ""}, "An online meeting needs its link."),
        ({"where": "in_person"}, "Say where people meet."),
        ({"day": "2027-01-29", "repeat": "monthly"}, "the fifth such weekday of its month"),
        ({"repeat": "weekly", "months": "13"}, "at most 12 months ahead"),
        ({"day": "not a date"}, "Enter a valid date."),
    ],
)
@pytest.mark.django_db
def test_schedule_refuses_bad_input_with_a_message_and_saves_nothing(
    client, hub, organizer, overrides, message
):
    client.force_login(organizer)

    response = client.post(reverse("hubs:meeting_create", args=[hub.slug]), _form(**overrides))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Meeting.objects.filter(hub=hub).exists()
    assert not MeetingSeries.objects.filter(hub=hub).exists()


# Editing and cancelling


@pytest.mark.django_db
def test_edit_and_cancel_are_for_organizers_only(client, hub, member, curator):
    meeting = _meeting(hub)
    edit = reverse("hubs:meeting_edit", args=[meeting.pk])
    cancel = reverse("hubs:meeting_cancel", args=[meeting.pk])

    for user, status in ((make_user(), 404), (curator, 404), (member, 403)):
        client.force_login(user)
        assert client.post(edit, _form(title="Hijacked")).status_code == status
        assert client.post(cancel, {"reason": "no"}).status_code == status

    meeting.refresh_from_db()
    assert (meeting.title, meeting.cancelled_at) == ("Ski makers' evening", None)


@pytest.mark.django_db
def test_organizer_edits_a_meeting_and_attendees_are_told(client, hub, organizer):
    meeting = _meeting(hub)
    coming = make_user()
    meetings.rsvp_set(meeting=meeting, user=coming, going=True)
    client.force_login(organizer)

    response = client.post(
        reverse("hubs:meeting_edit", args=[meeting.pk]), _form(start_time="18:30")
    )

    assert response["Location"] == meeting.get_absolute_url()
    meeting.refresh_from_db()
    assert meeting.when == "Tue 12 Jan 2027, 18:30 MST"
    [mail] = OutgoingMail.objects.filter(subject__startswith="[Industry Hubs] Changed:")
    assert mail.to == [coming.email]


@pytest.mark.django_db
def test_organizer_cancels_and_the_meeting_page_says_so(client, hub, organizer):
    meeting = _meeting(hub)
    client.force_login(organizer)

    client.post(reverse("hubs:meeting_cancel", args=[meeting.pk]), {"reason": "Snowed in"})

    meeting.refresh_from_db()
    assert meeting.cancelled_at == NOW
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "The organizers' reason: Snowed in" in page
    assert "Are you coming?" not in page


# The meeting's page and RSVPs


@pytest.mark.parametrize(
    ("ends_at", "shown"),
    [
        # 19:00 to 21:00 in Denver: the end is a time of the same local day, not UTC's 04:00.
        (datetime(2027, 1, 13, 4, tzinfo=UTC), "Tue 12 Jan 2027, 19:00 MST</time> to 21:00"),
        # Past local midnight: the end is written in full.
        (
            datetime(2027, 1, 13, 8, tzinfo=UTC),
            "Tue 12 Jan 2027, 19:00 MST</time> to Wed 13 Jan 2027, 01:00 MST",
        ),
    ],
)
@pytest.mark.django_db
def test_meeting_page_gives_start_and_end_in_the_hubs_zone(client, hub, ends_at, shown):
    meeting = _meeting(hub, ends_at=ends_at)

    page = client.get(meeting.get_absolute_url()).content.decode()

    assert shown in page


@pytest.mark.parametrize(
    ("who", "sees_link"),
    [("anonymous", False), ("outsider", False), ("member", True), ("organizer", True)],
)
@pytest.mark.django_db
def test_online_link_on_the_page_only_for_members(client, hub, who, sees_link):
    meeting = _meeting(hub)
    if who != "anonymous":
        user = make_user() if who == "outsider" else _user_in(hub, who)
        client.force_login(user)

    page = client.get(meeting.get_absolute_url()).content.decode()

    assert (LINK in page) is sees_link
    assert ("Attendees" in page) is (who == "organizer")


@pytest.mark.django_db
def test_signed_in_visitor_rsvps_then_sees_the_link(client, hub):
    meeting = _meeting(hub)
    visitor = make_user()
    client.force_login(visitor)
    assert LINK not in client.get(meeting.get_absolute_url()).content.decode()

    client.post(reverse("hubs:meeting_rsvp", args=[meeting.pk]), {"going": "yes"})

    assert list(meeting.rsvps.values_list("user", "answer")) == [(visitor.pk, "yes")]
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert LINK in page
    assert "You are coming: a seat is yours." in page


@pytest.mark.django_db
def test_rsvp_when_full_puts_the_visitor_on_the_waitlist(client, hub):
    meeting = _meeting(hub, capacity=1)
    meetings.rsvp_set(meeting=meeting, user=make_user(), going=True)
    visitor = make_user()
    client.force_login(visitor)

    response = client.post(
        reverse("hubs:meeting_rsvp", args=[meeting.pk]), {"going": "yes"}, follow=True
    )

    assert meeting.rsvps.get(user=visitor).answer == Rsvp.Answer.WAITLIST
    assert "you are on the waitlist" in response.content.decode()
    assert LINK not in response.content.decode()


@pytest.mark.django_db
def test_rsvp_needs_a_signed_in_post(client, hub):
    meeting = _meeting(hub)
    url = reverse("hubs:meeting_rsvp", args=[meeting.pk])

    assert client.post(url, {"going": "yes"})["Location"].startswith(reverse("account_login"))
    client.force_login(make_user())
    assert client.get(url).status_code == 405
    assert not Rsvp.objects.filter(meeting=meeting).exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {
                "starts_at": datetime(2026, 11, 30, 2, tzinfo=UTC),
                "ends_at": datetime(2026, 11, 30, 4, tzinfo=UTC),
            },
            "This meeting has started or is over: answers are closed.",
        ),
        ({"cancelled_at": NOW}, "This meeting was cancelled: there is nothing to answer."),
    ],
)
@pytest.mark.django_db
def test_rsvp_to_a_past_or_cancelled_meeting_is_refused_with_a_message(
    client, hub, overrides, message
):
    meeting = _meeting(hub, **overrides)
    client.force_login(make_user())

    response = client.post(
        reverse("hubs:meeting_rsvp", args=[meeting.pk]), {"going": "yes"}, follow=True
    )

    assert message in response.content.decode()
    assert not Rsvp.objects.filter(meeting=meeting).exists()


@pytest.mark.django_db
def test_meeting_of_a_hub_under_review_is_hidden_from_visitors(client):
    hub = make_hub(status="pending")
    meeting = _meeting(hub)

    assert client.get(meeting.get_absolute_url()).status_code == 404
    client.force_login(make_user())
    assert client.get(meeting.get_absolute_url()).status_code == 404


# Messages to attendees


@pytest.mark.django_db
def test_message_attendees_is_for_organizers_only(client, hub, member, curator):
    meeting = _meeting(hub)
    url = reverse("hubs:meeting_message", args=[meeting.pk])

    for user, status in ((make_user(), 404), (curator, 404), (member, 403)):
        client.force_login(user)
        assert client.post(url, {"subject": "Hi", "message": "Hello"}).status_code == status

    assert not OutgoingMail.objects.filter(subject__contains="Hi").exists()


@pytest.mark.django_db
def test_organizer_messages_attendees_within_the_rate_limit(client, hub, organizer, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "message_attendees": "1/h/user"}
    meeting = _meeting(hub)
    coming = make_user()
    meetings.rsvp_set(meeting=meeting, user=coming, going=True)
    client.force_login(organizer)
    url = reverse("hubs:meeting_message", args=[meeting.pk])

    first = client.post(url, {"subject": "Parking", "message": "Behind the hall."}, follow=True)
    second = client.post(url, {"subject": "Again", "message": "And again."})

    assert "Your message is on its way to 1 people." in first.content.decode()
    assert "You have sent many messages recently" in second.content.decode()
    assert list(
        OutgoingMail.objects.filter(reply_to=[organizer.email]).values_list("to", flat=True)
    ) == [[coming.email]]


# Meetings on the hub page, search results and region pages


@pytest.mark.django_db
def test_hub_page_lists_upcoming_meetings_and_their_schema_org_events(client, hub):
    coming = _meeting(hub)
    _meeting(hub, title="Called off", cancelled_at=NOW)
    _meeting(
        hub,
        title="Last month's",
        starts_at=datetime(2026, 11, 1, 2, tzinfo=UTC),
        ends_at=datetime(2026, 11, 1, 4, tzinfo=UTC),
    )

    response = client.get(hub.get_absolute_url())

    page = response.content.decode()
    assert "Ski makers' evening" in page and "Tue 12 Jan 2027, 19:00 MST" in page
    assert "Called off" not in page and "Last month's" not in page
    assert LINK not in page
    [event] = response.context["structured_data"]["event"]
    assert event == {
        "@type": "Event",
        "name": "Ski makers' evening",
        "url": f"http://testserver{coming.get_absolute_url()}",
        "description": "",
        "startDate": "2027-01-12T19:00:00-07:00",
        "endDate": "2027-01-12T21:00:00-07:00",
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OnlineEventAttendanceMode",
        "location": {
            "@type": "VirtualLocation",
            "url": f"http://testserver{coming.get_absolute_url()}",
        },
        "organizer": {
            "@type": "Organization",
            "name": hub.name,
            "url": f"http://testserver{hub.get_absolute_url()}",
        },
    }


@pytest.mark.django_db
def test_builder_counts_a_held_meeting_not_a_cancelled_or_future_one(client, hub):
    _meeting(hub)
    _meeting(
        hub,
        cancelled_at=NOW,
        starts_at=datetime(2026, 11, 1, 2, tzinfo=UTC),
        ends_at=datetime(2026, 11, 1, 4, tzinfo=UTC),
    )
    before = client.get(hub.get_absolute_url()).context["steps"][0].status
    _meeting(
        hub,
        starts_at=datetime(2026, 11, 2, 2, tzinfo=UTC),
        ends_at=datetime(2026, 11, 2, 4, tzinfo=UTC),
    )

    after = client.get(hub.get_absolute_url()).context["steps"][0].status

    assert (before, after) == (
        "0 of 3 member businesses; no meeting held yet",
        "0 of 3 member businesses; 1 meeting held",
    )


@pytest.mark.django_db
def test_search_and_region_cards_say_when_the_next_meeting_is_in_the_hubs_zone(client, hub):
    _meeting(hub, cancelled_at=NOW, starts_at=datetime(2027, 1, 6, 2, tzinfo=UTC))
    later = datetime(2027, 1, 20, 2, tzinfo=UTC)
    _meeting(hub, starts_at=later, ends_at=later.replace(hour=4))
    _meeting(hub)  # 02:00 UTC on Wednesday 13 January is Tuesday evening in Denver.

    search = client.get(
        reverse("hubs:search"), {"industry": hub.industry.code, "near": "-45, -140"}
    ).content.decode()
    region = client.get(hub.region.get_absolute_url()).content.decode()

    assert search.count("Next meeting: Tue 12 Jan") == 1
    assert region.count("Next meeting: Tue 12 Jan") == 1


@pytest.mark.django_db
def test_organizer_corrects_the_hubs_time_zone_and_a_bad_name_is_refused(client, hub, organizer):
    client.force_login(organizer)
    manage = reverse("hubs:hub_manage", args=[hub.slug])

    refused = client.post(manage, {"description": "Skis.", "time_zone": "Mars/Olympus"})
    hub.refresh_from_db()
    assert hub.time_zone == "America/Denver"
    assert "&#x27;Mars/Olympus&#x27; is not a time zone name" in refused.content.decode()

    client.post(manage, {"description": "Skis.", "time_zone": "America/Boise"})
    client.post(manage, {"description": "Skis, again."})  # Left out, the zone stays.

    hub.refresh_from_db()
    assert (hub.description, hub.time_zone) == ("Skis, again.", "America/Boise")
