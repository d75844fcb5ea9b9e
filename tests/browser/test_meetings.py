"""The meetings journey in Chromium: an organizer schedules a monthly online meeting of a demo hub,
a member says they are coming, sees the link and downloads the .ics, which a calendar reads at
19:00 in the hub's zone."""

import os
import re
import subprocess
import sys
from datetime import date, time
from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from hubs.meetings import add_months, nth_weekday
from tests.browser.conftest import ROOT

pytestmark = pytest.mark.browser

PASSWORD = "meetings journey passphrase"
LINK = "https://meet.example.org/ogden-gear"
HUB = "Ogden Outdoor Products"  # A demo hub in America/Denver.

_PEOPLE = """
from allauth.account.models import EmailAddress
from accounts.models import User
from hubs.models import Business, Hub, Membership
hub = Hub.objects.get(name={hub!r})
people = [("meet-organizer@example.org", "organizer"), ("meet-member@example.org", "member")]
for email, role in people:
    user = User.objects.create_user(email.split("@")[0], email, {password!r})
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    business = Business.objects.create(
        name=f"{{role.title()}} Gear", industry=hub.industry, region=hub.region, city="Ogden",
        latitude=hub.latitude, longitude=hub.longitude,
        town_latitude=hub.latitude, town_longitude=hub.longitude,
    )
    business.owners.add(user)
    Membership.objects.create(hub=hub, business=business, role=role, state="active")
"""


@pytest.fixture(scope="module")
def people(site_server):
    """An organizer and a member of the demo hub, made in the site's own database."""
    env = {
        "DATABASE_URL": f"sqlite:///{site_server['mail_dir'].parent / 'db.sqlite3'}",
        "DJANGO_ENV": "development",
    }
    script = _PEOPLE.format(hub=HUB, password=PASSWORD)
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-v0", "-c", script],
        env={**os.environ, **env},
        check=True,
        cwd=ROOT,
    )
    return "meet-organizer@example.org", "meet-member@example.org"


def _signed_in(browser, site_url, email):
    context = browser.new_context(base_url=site_url, accept_downloads=True)
    page = context.new_page()
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    return page


def test_organizer_schedules_monthly_online_meeting_member_rsvps_and_downloads_ics(
    browser, site_url, people
):
    organizer_email, member_email = people
    # The second Tuesday of next month, a date always ahead of today.
    month = add_months(date.today().replace(day=1), 1)
    first = nth_weekday(month.year, month.month, weekday=1, week_of_month=2)

    organizer = _signed_in(browser, site_url, organizer_email)
    organizer.goto("/hubs/?q=" + HUB.replace(" ", "+"))
    organizer.get_by_role("link", name=HUB).first.click()
    organizer.get_by_role("link", name="Schedule a meeting").click()
    organizer.get_by_label("Title").fill("Gear makers' evening")
    organizer.get_by_label("Date").fill(first.isoformat())
    organizer.get_by_label("Starts at").fill("19:00")
    organizer.get_by_label("Ends at").fill("21:00")
    organizer.get_by_label("Online", exact=True).check()
    organizer.get_by_label("Online link").fill(LINK)
    organizer.get_by_label("Capacity").fill("20")
    organizer.locator("#id_repeat").select_option("monthly")
    organizer.get_by_role("button", name="Schedule").click()
    expect(organizer.get_by_role("heading", level=1)).to_have_text("Gear makers' evening")
    expect(organizer.get_by_text("Monthly on the second Tuesday: 3 meetings")).to_be_visible()
    # The meeting's own time (the message above names it too).
    expect(organizer.locator("time").filter(has_text=re.compile(r"19:00 M[SD]T"))).to_be_visible()
    meeting_url = organizer.url

    member = _signed_in(browser, site_url, member_email)
    member.goto(meeting_url)
    member.get_by_role("button", name="I'm coming").click()
    expect(member.get_by_text("You are coming: a seat is yours.")).to_be_visible()
    expect(member.get_by_role("link", name=LINK)).to_be_visible()
    with member.expect_download() as download:
        member.get_by_role("link", name="Add to my calendar (.ics)").click()
    calendar = Calendar.from_ical(Path(download.value.path()).read_bytes())

    [event] = calendar.events
    start = event.decoded("DTSTART")
    assert (start.date(), start.time(), str(start.tzinfo)) == (
        first,
        time(19, 0),
        "America/Denver",
    )
    assert str(event["LOCATION"]) == LINK
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/Denver"]
    organizer.reload()
    expect(organizer.locator(".attendees")).to_contain_text(member_email)
    for page in (organizer, member):
        assert page.errors == []
        page.context.close()
