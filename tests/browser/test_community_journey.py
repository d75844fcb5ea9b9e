"""Issue 12's journey end to end in Chromium: a claimant claims a demo hub nobody runs, a curator
approves the claim, the new organizer schedules a monthly online meeting, a member says they are
coming and downloads the .ics, the day-before reminder reaches them; and an owner in a town with
no hub of their industry finds the online hub that covers it."""

import os
import re
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from tests.browser.conftest import CURATOR, ROOT
from tests.browser.test_owner_journeys import _list_business, _new_page, _sign_up

pytestmark = pytest.mark.browser

HUB = "Provo Outdoor Gear Makers"  # A demo hub nobody runs, in America/Denver.
ZONE = ZoneInfo("America/Denver")
LINK = "https://meet.example.org/provo-gear"
MEMBER = "provo-member@example.org"
PASSWORD = "community journey passphrase"

_MEMBER = """
from allauth.account.models import EmailAddress
from accounts.models import User
from hubs.models import Business, Hub, Membership
hub = Hub.objects.get(name={hub!r})
user = User.objects.create_user("provo-member", {email!r}, {password!r})
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
business = Business.objects.create(
    name="Provo Trail Packs", industry=hub.industry, region=hub.region, city="Provo",
    latitude=hub.latitude, longitude=hub.longitude,
    town_latitude=hub.latitude, town_longitude=hub.longitude,
)
business.owners.add(user)
Membership.objects.create(
    hub=hub, business=business, role=Membership.Role.MEMBER, state=Membership.State.ACTIVE
)
"""


def _manage(site_server, *args):
    """Runs a management command against the served site's database and mail folder."""
    folder = site_server["mail_dir"].parent
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "DJANGO_ENV": "development",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(site_server["mail_dir"]),
        "MEDIA_ROOT": str(folder / "media"),
    }
    command = [sys.executable, str(ROOT / "manage.py"), *args]
    return subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True, text=True)


def _first_meeting_within_a_day():
    """A start in the hub's zone between 10 and 23 hours ahead, so the reminder is due now and
    the end (two hours later) falls on the same day."""
    now = datetime.now(ZONE)
    if now.hour < 10:
        start = now.replace(hour=20, minute=0, second=0, microsecond=0)
    else:
        start = (now + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    return start


def test_claim_approve_schedule_rsvp_remind_and_find_an_online_hub(
    browser, site_server, site_url, read_mail
):
    # A claimant claims the demo hub, which nobody runs on the site.
    claimant_email = "provo-claimant@example.org"
    claimant = _new_page(browser, site_url, 1280)
    _sign_up(claimant, read_mail, claimant_email)
    _list_business(claimant, name="Utah Valley Ski Works", place="Provo, UT")
    claimant.goto("/hubs/?q=" + HUB.replace(" ", "+"))
    claimant.get_by_role("link", name=HUB).click()
    claimant.get_by_role("link", name="Claim this listing").first.click()
    claimant.get_by_label("Who are you at this listing?").fill("Founder of the network")
    claimant.get_by_label("Your business that will organize the hub").select_option(
        label="Utah Valley Ski Works"
    )
    claimant.get_by_label("A note for the curators", exact=True).check()
    claimant.get_by_role("textbox", name="Note for the curators").fill(
        "Our office number is on the network's letterhead."
    )
    claimant.get_by_role("button", name="Send the claim").click()
    expect(claimant.get_by_text(f"Your claim of {HUB} is sent to the curators")).to_be_visible()

    # A curator approves it from the moderation queue; the claimant is told.
    curator = _new_page(browser, site_url, 1280)
    curator.goto("/admin/")
    curator.get_by_label("Email").fill(CURATOR[0])
    curator.get_by_label("Password").fill(CURATOR[1])
    curator.get_by_role("button", name="Sign In").click()
    curator.get_by_role("link", name="Moderation queue").click()
    choice = curator.get_by_label(f"Select the claim of {HUB} by {claimant_email}")
    choice.check()
    curator.locator("form").filter(has=choice).get_by_role(
        "button", name="Approve selected…"
    ).click()
    curator.get_by_role("button", name="Yes, approve claims").click()
    expect(curator.get_by_text("Approved 1 claims; the claimants were emailed.")).to_be_visible()
    assert "approved your claim" in read_mail(claimant_email, containing=HUB)

    # The new organizer schedules a monthly online meeting.
    start = _first_meeting_within_a_day()
    repeat = "monthly_last" if start.day > 28 else "monthly"
    claimant.goto("/hubs/?q=" + HUB.replace(" ", "+"))
    claimant.get_by_role("link", name=HUB).click()
    claimant.get_by_role("link", name="Schedule a meeting").click()
    claimant.get_by_label("Title").fill("Gear makers' evening")
    claimant.get_by_label("Date").fill(start.date().isoformat())
    claimant.get_by_label("Starts at").fill(start.strftime("%H:%M"))
    claimant.get_by_label("Ends at").fill((start + timedelta(hours=2)).strftime("%H:%M"))
    claimant.get_by_label("Online", exact=True).check()
    claimant.get_by_label("Online link").fill(LINK)
    claimant.locator("#id_repeat").select_option(repeat)
    claimant.get_by_role("button", name="Schedule").click()
    expect(claimant.get_by_role("heading", level=1)).to_have_text("Gear makers' evening")
    expect(claimant.get_by_text(re.compile(r"^Monthly on the .+: \d+ meetings"))).to_be_visible()
    meeting_url = claimant.url

    # A member says they are coming, sees the link and downloads the .ics.
    _manage(
        site_server, "shell", "-v0", "-c", _MEMBER.format(hub=HUB, email=MEMBER, password=PASSWORD)
    )
    member = browser.new_context(base_url=site_url, accept_downloads=True).new_page()
    member.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
    member.errors = []
    member.on("pageerror", lambda error: member.errors.append(str(error)))
    member.goto("/accounts/login/")
    member.get_by_label("Email").fill(MEMBER)
    member.get_by_label("Password").fill(PASSWORD)
    member.get_by_role("button", name="Sign In").click()
    member.goto(meeting_url)
    expect(member.get_by_role("link", name=LINK)).to_have_count(1)  # Members see the link.
    member.get_by_role("button", name="I'm coming").click()
    expect(member.get_by_text("You are coming: a seat is yours.")).to_be_visible()
    with member.expect_download() as download:
        member.get_by_role("link", name="Add to my calendar (.ics)").click()
    [event] = Calendar.from_ical(Path(download.value.path()).read_bytes()).events
    starts = event.decoded("DTSTART")
    assert (starts.replace(tzinfo=None), str(starts.tzinfo)) == (
        start.replace(tzinfo=None),
        "America/Denver",
    )
    assert str(event["LOCATION"]) == LINK

    # The scheduler's reminder run emails them the day before, once.
    assert _manage(site_server, "remind_meetings").stdout.strip() == (
        "Reminded 1 attendees of 1 meetings."
    )
    reminder = read_mail(MEMBER, containing="Reminder: Gear makers")
    assert LINK in reminder
    assert _manage(site_server, "remind_meetings").stdout.strip() == (
        "Reminded 0 attendees of 0 meetings."
    )

    # An owner in a town with no beekeeping hub finds the online one covering it.
    owner = _new_page(browser, site_url, 1280)
    owner.goto("/")
    owner.get_by_label("Your industry").fill("beekeeping")
    owner.get_by_label("Your location").fill("Lincoln, NE")
    owner.get_by_role("button", name="Find hubs").click()
    online = owner.locator("section.online-group")
    expect(online.get_by_role("heading", level=2)).to_have_text("Online hubs for your industry")
    expect(online.locator(".hub-card").get_by_role("link")).to_have_text(
        "Beekeepers Online Network USA"
    )

    for page in (claimant, curator, member, owner):
        assert page.errors == []
        page.context.close()
