"""The journeys people take through the site, in Chromium."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _no_tile_errors(errors):
    """Console errors other than the refused map tiles (the tile server is offline here)."""
    return [e for e in errors if "ERR_FAILED" not in e and "tile" not in e]


def test_search_from_home_by_typing_a_place(page):
    page.goto("/")
    page.get_by_label("Your industry").fill("sporting goods")
    page.get_by_label("Your location").fill("Ogden, UT")
    page.get_by_role("button", name="Find hubs").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Sporting and Athletic Goods Manufacturing hubs near Ogden, UT"
    )
    first = page.locator(".hub-card").first
    expect(first.get_by_role("link")).to_have_text("Ogden Outdoor Products")
    expect(first).to_contain_text("mi away")
    # Markers are drawn even though every tile request failed.
    expect(page.locator(".leaflet-marker-icon").first).to_be_visible()
    assert _no_tile_errors(page.errors) == []
    assert page.offsite == []


def test_search_with_use_my_location(browser, site_url):
    context = browser.new_context(
        base_url=site_url,
        geolocation={"latitude": 42.6526, "longitude": -73.7562},
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
    page.goto("/")
    page.get_by_label("Your industry").fill("nanotech")
    page.get_by_role("button", name="Use my location").click()

    # The position is named after its town, and the search measured in miles there.
    expect(page.get_by_role("heading", level=1)).to_contain_text("hubs near Albany, NY")
    expect(page.get_by_role("heading", name=re.compile(r"within 100 mi$"))).to_be_visible()
    expect(page.locator(".hub-card").first.get_by_role("link")).to_have_text("Albany NanoTech")
    context.close()


def test_unknown_place_offers_close_spellings(page):
    page.goto("/search/?industry=furniture&near=Grand+Rapidz")

    expect(page.get_by_role("alert")).to_contain_text("We couldn't find the place")
    expect(page.locator(".suggestions")).to_contain_text("Grand Rapids")


def test_browse_hubs_with_facets_and_sorting(page):
    page.goto("/hubs/")
    page.get_by_label("Search").fill("automotive")
    page.get_by_label("Stage").select_option("established")
    page.get_by_label("Sort by").select_option(label="Most members")
    page.get_by_role("button", name="Apply").click()

    cards = page.locator(".hub-card")
    names = cards.locator("h3").all_inner_texts()
    members = [int(re.search(r"(\d+) member", t)[1]) for t in cards.all_inner_texts()]
    assert "Detroit Automotive" in names
    assert "Stuttgart Automotive" in names
    assert members == sorted(members, reverse=True)
    expect(page.locator("#list-heading")).to_have_text(f"{len(names)} hubs")


def test_phone_viewport_search_fits_the_screen(browser, site_url):
    context = browser.new_context(base_url=site_url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
    page.goto("/")
    page.get_by_label("Your industry").fill("wineries")
    page.get_by_label("Your location").fill("Napa, CA")
    page.get_by_role("button", name="Find hubs").click()

    expect(page.locator(".hub-card").first.get_by_role("link")).to_have_text(
        re.compile("Napa Valley")
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()


def test_industry_field_suggests_titles_as_you_type(page):
    page.goto("/")
    page.get_by_label("Your industry").press_sequentially("surfboa", delay=20)

    options = page.locator("#industry-list option")
    expect(options.first).to_have_attribute("value", "Sporting and Athletic Goods Manufacturing")
    expect(options.first).to_have_attribute(
        "label", "Sporting and Athletic Goods Manufacturing: Surfboards manufacturing (339920)"
    )
