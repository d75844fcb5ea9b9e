"""iCalendar (RFC 5545) files of meetings: a hub's feed, one meeting's .ics and a user's private
feed. Each event keeps its hub's local time with a TZID and the VTIMEZONE that defines it, so
a calendar shows 19:00 in Denver as 19:00 in Denver on either side of a daylight-saving change.
"""

from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from icalendar import Calendar, Event
from icalendar.enums import STATUS

from hubs.models import Meeting
from hubs.services import absolute_url

PRODID = "-//Industry Hubs//Meetings//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def meeting_uid(meeting: Meeting) -> str:
    """Stable across edits, so a calendar updates the event rather than adding another."""
    host = urlsplit(settings.SITE_URL).hostname or "industry-hubs"
    return f"meeting-{meeting.pk}@{host}"


def meeting_event(meeting: Meeting, *, with_link: bool) -> Event:
    """One VEVENT; the online link is written only for those allowed to see it."""
    zone = meeting.hub.zone
    url = absolute_url(meeting.get_absolute_url())
    lines = [meeting.description.strip()] if meeting.description.strip() else []
    if meeting.is_online:
        lines.append(
            f"Online: {meeting.online_url}"
            if with_link
            else "Online: members and those coming see the link on the meeting's page."
        )
    lines.append(f"{meeting.hub.name}: {url}")
    location = meeting.address
    if meeting.is_online:
        location = meeting.online_url if with_link else "Online"
    return Event.new(
        uid=meeting_uid(meeting),
        summary=f"{meeting.title} ({meeting.hub.name})",
        start=meeting.starts_at.astimezone(zone),
        end=meeting.ends_at.astimezone(zone),
        stamp=meeting.updated_at,
        location=location,
        description="\n\n".join(lines),
        url=url,
        status=STATUS.CANCELLED if meeting.is_cancelled else STATUS.CONFIRMED,
    )


def calendar_bytes(
    meetings: Iterable[Meeting], *, name: str, with_link: Callable[[Meeting], bool]
) -> bytes:
    """A VCALENDAR of ``meetings`` (hubs selected) with a VTIMEZONE for each zone used."""
    calendar = Calendar.new(prodid=PRODID, name=name)
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, with_link=with_link(meeting)))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def ics_response(content: bytes, *, filename: str, download: bool) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
