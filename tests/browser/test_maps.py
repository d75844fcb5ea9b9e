"""Maps where people meet them: embedded on a partner's site, on a business page, on a phone."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

HUB = "ogden-outdoor-products"
PRIVATE_BUSINESS = "anchor-aircraft-group"  # a demo business whose location is private
PUBLIC_BUSINESS = "anchor-biological-labs"
INDUSTRY = "339920-sporting-and-athletic-goods-manufacturing"


def _context(browser, allowed, viewport):
    """A browser context that reaches only the given origins (map tiles are refused, as on a
    machine offline), and records every page's console errors."""
    context = browser.new_context(viewport=viewport)
    context.errors = []
    context.route(
        "**/*", lambda r: r.continue_() if r.request.url.startswith(allowed) else r.abort()
    )
    context.on(
        "page",
        lambda p: p.on(
            "console",
            lambda m: (
                m.type == "error" and "ERR_FAILED" not in m.text and context.errors.append(m.text)
            ),
        ),
    )
    return context


def _inside(inner, outer):
    return (
        inner["x"] >= outer["x"]
        and inner["y"] >= outer["y"]
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"]
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"]
    )


def test_embed_on_a_partner_site_opens_the_hub_in_a_new_tab(browser, site_url, partner_site):
    partner = partner_site(f"/hubs/{HUB}/")
    context = _context(
        browser, (site_url, partner.rsplit("/", 1)[0]), {"width": 900, "height": 700}
    )
    page = context.new_page()
    page.goto(partner)
    frame = page.frame_locator("iframe")

    frame.locator(".leaflet-marker-icon:not(.marker-cluster)").first.click()
    link = frame.locator(".hub-popup a")
    expect(link).to_have_text("Ogden Outdoor Products")
    with context.expect_page() as new_tab:
        link.click()
    hub_page = new_tab.value
    hub_page.wait_for_load_state()

    assert hub_page.url == f"{site_url}/hubs/{HUB}/"
    expect(hub_page.get_by_role("heading", level=1)).to_have_text("Ogden Outdoor Products")
    # The partner's page and its frame stay where they were: no error frame in the iframe.
    assert page.url == partner
    assert page.frames[1].url == f"{site_url}/hubs/{HUB}/embed/"
    expect(frame.locator(".embed-credit")).to_have_text("Ogden Outdoor Products on Industry Hubs")
    assert context.errors == []
    context.close()


def test_every_link_of_an_embed_opens_outside_the_frame(browser, site_url, partner_site):
    partner = partner_site(f"/hubs/{HUB}/")
    context = _context(
        browser, (site_url, partner.rsplit("/", 1)[0]), {"width": 900, "height": 700}
    )
    page = context.new_page()
    page.goto(partner)
    frame = page.frame_locator("iframe")
    expect(frame.locator(".leaflet-control-attribution a").first).to_be_visible()

    targets = page.frames[1].evaluate(
        """() => Array.from(document.links, a => [
             a.textContent.trim(),
             a.getAttribute("target") || document.querySelector("base[target]")?.target || "_self",
           ])"""
    )

    assert len(targets) >= 4  # credit, hidden list, attribution links
    assert [name for name, target in targets if target != "_blank"] == []
    context.close()


@pytest.mark.parametrize(("width", "height"), [(None, None), (320, 240)])
def test_embed_credit_line_is_visible_at_the_snippets_size(
    browser, site_url, partner_site, width, height
):
    partner = partner_site(f"/hubs/{HUB}/", width=width, height=height)
    context = _context(
        browser, (site_url, partner.rsplit("/", 1)[0]), {"width": 900, "height": 700}
    )
    page = context.new_page()
    page.goto(partner)
    frame = page.frame_locator("iframe")
    credit = frame.locator(".embed-credit")
    expect(frame.locator(".leaflet-marker-icon").first).to_be_visible()

    iframe_box = page.locator("iframe").bounding_box()
    expected = (600, 400) if width is None else (width, height)

    assert (
        page.locator("iframe").get_attribute("width"),
        page.locator("iframe").get_attribute("height"),
    ) == tuple(str(v) for v in expected)
    assert _inside(credit.bounding_box(), iframe_box)
    assert _inside(frame.locator("#map").bounding_box(), iframe_box)
    # Nothing to scroll inside the frame: the map and the credit fill it exactly.
    assert page.frames[1].evaluate("document.documentElement.scrollHeight") <= expected[1]
    context.close()


def test_industry_embed_on_a_partner_site_fits_and_opens_hubs_in_a_new_tab(
    browser, site_url, partner_site
):
    partner = partner_site(f"/industries/{INDUSTRY}/")
    context = _context(
        browser, (site_url, partner.rsplit("/", 1)[0]), {"width": 900, "height": 700}
    )
    page = context.new_page()
    page.goto(partner)
    frame = page.frame_locator("iframe")
    credit = frame.locator(".embed-credit")

    expect(credit).to_have_text("Sporting and Athletic Goods Manufacturing hubs on Industry Hubs")
    assert _inside(credit.bounding_box(), page.locator("iframe").bounding_box())
    frame.locator(".leaflet-marker-icon:not(.marker-cluster)").first.click()
    link = frame.locator(".hub-popup a")
    name = link.text_content()
    with context.expect_page() as new_tab:
        link.click()
    new_tab.value.wait_for_load_state()

    expect(new_tab.value.get_by_role("heading", level=1)).to_have_text(name)
    assert page.frames[1].url == f"{site_url}/industries/{INDUSTRY}/embed/"
    assert context.errors == []
    context.close()


def test_business_page_map_shows_a_private_location_as_its_town_only(browser, site_url):
    context = _context(browser, (site_url,), {"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{site_url}/businesses/{PRIVATE_BUSINESS}/")

    area = page.locator("#map path.leaflet-interactive")
    expect(area).to_have_count(1)
    expect(page.locator("#map .leaflet-marker-icon")).to_have_count(0)
    area.click()
    expect(page.locator(".hub-popup a")).to_have_text("Anchor Aircraft Group")
    expect(page.locator(".hub-popup")).to_contain_text("Kechi")
    assert context.errors == []
    context.close()


def test_business_page_map_pins_a_public_location(browser, site_url):
    context = _context(browser, (site_url,), {"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{site_url}/businesses/{PUBLIC_BUSINESS}/")

    expect(page.locator("#map .leaflet-marker-icon")).to_have_count(1)
    expect(page.get_by_role("region", name="Map of the business")).to_be_visible()
    assert context.errors == []
    context.close()


def test_phone_hub_list_shows_its_map_before_the_cards(browser, site_url):
    context = _context(browser, (site_url,), {"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{site_url}/hubs/")

    map_box = page.locator("#map").bounding_box()
    first_card = page.locator(".hub-card").first.bounding_box()
    heading = page.locator("#list-heading").bounding_box()

    assert map_box["y"] + map_box["height"] <= heading["y"] < first_card["y"]
    assert map_box["height"] == 220
    expect(page.locator("#map .leaflet-marker-icon, #map .marker-cluster").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert context.errors == []  # a Content-Security-Policy refusal would be one
    context.close()


def test_wide_hub_list_keeps_the_map_beside_the_cards(browser, site_url):
    context = _context(browser, (site_url,), {"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{site_url}/hubs/")

    map_box = page.locator("#map").bounding_box()
    first_card = page.locator(".hub-card").first.bounding_box()

    assert map_box["x"] > first_card["x"] + first_card["width"]
    context.close()
