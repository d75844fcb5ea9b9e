"""An owner in a town with no hub of their industry finds the online hub that covers it."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_owner_in_lincoln_finds_the_online_beekeepers_hub(page):
    page.goto("/")
    page.get_by_label("Your industry").fill("beekeeping")
    page.get_by_label("Your location").fill("Lincoln, NE")
    page.get_by_role("button", name="Find hubs").click()

    # No hub meets near Lincoln, but the nationwide online one takes members from there.
    expect(
        page.get_by_role("heading", name=re.compile(r"^No apiculture hub within"))
    ).to_be_visible()
    online = page.locator("section.online-group")
    expect(online.get_by_role("heading", level=2)).to_have_text("Online hubs for your industry")
    card = online.locator(".hub-card")
    expect(card).to_have_count(1)
    expect(card.get_by_role("link")).to_have_text("Beekeepers Online Network USA")
    expect(card.locator(".badge.online")).to_have_text("Online")
    expect(card).to_contain_text("for United States")
    expect(card).not_to_contain_text("away")

    card.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Beekeepers Online Network USA")
    expect(page.locator(".meta").first).to_contain_text("Online for United States")
    # No home base: no map, and no made-up point.
    expect(page.locator("#map")).to_have_count(0)
    expect(page.get_by_text("has no home base to show on a map")).to_be_visible()
    assert page.offsite == []
