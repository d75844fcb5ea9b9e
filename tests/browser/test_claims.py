"""Claiming a demo hub in Chromium: a signed-in owner claims it with a note, a curator approves
the claim from the moderation queue, and the new organizer reaches the organizers' page."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CURATOR
from tests.browser.test_owner_journeys import _list_business, _new_page, _sign_up

pytestmark = pytest.mark.browser

HUB = "Ogden Outdoor Products"


def test_a_claimant_claims_a_demo_hub_and_a_curator_approves(browser, site_url, read_mail):
    claimant_email = "claimant@example.org"
    claimant = _new_page(browser, site_url, 1280)
    _sign_up(claimant, read_mail, claimant_email)
    _list_business(claimant, name="Wasatch Trail Gear", place="Ogden, UT")

    # The demo hub has nobody on the site: writing to it says so, and it can be claimed.
    claimant.goto("/hubs/?q=Ogden+Outdoor")
    claimant.get_by_role("link", name=HUB).click()
    claimant.get_by_role("link", name="Contact the organizers").click()
    expect(claimant.get_by_role("heading", level=1)).to_have_text(
        f"Nobody runs {HUB} on the site yet"
    )
    claimant.get_by_role("link", name="Claim this listing").click()
    claimant.get_by_label("Who are you at this listing?").fill("Chair of the organizing committee")
    claimant.get_by_label("Your business that will organize the hub").select_option(
        label="Wasatch Trail Gear"
    )
    claimant.get_by_label("A note for the curators", exact=True).check()
    claimant.get_by_role("textbox", name="Note for the curators").fill(
        "Call our office at the Union Station."
    )
    claimant.get_by_role("button", name="Send the claim").click()
    expect(claimant.get_by_text(f"Your claim of {HUB} is sent to the curators")).to_be_visible()

    # A curator approves it from the moderation queue.
    curator = _new_page(browser, site_url, 1280)
    curator.goto("/admin/")
    curator.get_by_label("Email").fill(CURATOR[0])
    curator.get_by_label("Password").fill(CURATOR[1])
    curator.get_by_role("button", name="Sign In").click()
    curator.get_by_role("link", name="Moderation queue").click()
    choice = curator.get_by_label(f"Select the claim of {HUB} by {claimant_email}")
    choice.check()
    claims_form = curator.locator("form").filter(has=choice)
    claims_form.get_by_role("button", name="Approve selected…").click()
    curator.get_by_role("button", name="Yes, approve claims").click()
    expect(curator.get_by_text("Approved 1 claims; the claimants were emailed.")).to_be_visible()
    assert "approved your claim" in read_mail(claimant_email, containing=HUB)

    # The new organizer manages the hub.
    claimant.reload()
    expect(claimant.get_by_text("Nobody runs this hub on the site yet")).to_have_count(0)
    claimant.get_by_role("link", name="Manage the hub").click()
    expect(claimant.get_by_role("heading", level=1)).to_have_text(f"Manage {HUB}")
    expect(claimant.get_by_role("cell", name="Wasatch Trail Gear", exact=True)).to_be_visible()
    assert re.search(r"/hubs/[\w-]+/manage/$", claimant.url)

    for page in (claimant, curator):
        assert page.errors == []
        page.context.close()
