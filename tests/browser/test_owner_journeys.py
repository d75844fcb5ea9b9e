"""The owners' journey in Chromium: sign up and confirm the email, list a business with a logo,
start a nascent hub; a curator approves it; a second owner asks to join; the organizer approves;
the member writes to the organizers. Run at desktop width and on a 360-pixel phone."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CURATOR

pytestmark = pytest.mark.browser

PASSPHRASE = "a long passphrase for the journey"


def _new_page(browser, site_url, width):
    context = browser.new_context(
        base_url=site_url, viewport={"width": width, "height": 900 if width > 400 else 740}
    )
    page = context.new_page()
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


def _logo(tmp_path):
    from PIL import Image

    path = tmp_path / "logo.png"
    Image.new("RGB", (320, 200), (11, 93, 107)).save(path)
    return path


def _sign_up(page, read_mail, email):
    page.goto("/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Email").fill(email)
    page.locator("#id_password1").fill(PASSPHRASE)
    page.locator("#id_password2").fill(PASSPHRASE)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify Your Email Address")
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", read_mail(email))[0]
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")


def _list_business(page, *, name, place, logo=None):
    page.get_by_role("link", name="List a business").click()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Industry").fill("Sporting and Athletic Goods Manufacturing")
    page.get_by_label("Town or postcode").fill(place)
    if logo:
        page.get_by_label("Logo").set_input_files(logo)
    page.get_by_role("button", name="List the business").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


@pytest.mark.parametrize("width", [1280, 360])
def test_owners_start_a_hub_a_curator_approves_and_a_second_owner_joins(
    browser, site_url, read_mail, tmp_path, width
):
    suffix = "phone" if width < 400 else "desk"
    # Each run starts its hub where no hub of the industry is near yet.
    town, neighbour = (
        ("Spokane, WA", "Spokane Valley, WA") if width < 400 else ("Boise, ID", "Meridian, ID")
    )
    organizer, member = f"first-{suffix}@example.org", f"second-{suffix}@example.org"
    hub_name = f"Boise Gear Makers {suffix.title()}"

    # An owner signs up, lists a business with a logo and starts a hub.
    owner = _new_page(browser, site_url, width)
    _sign_up(owner, read_mail, organizer)
    _list_business(
        owner, name=f"Treasure Valley Skis {suffix}", place="Boise, ID", logo=_logo(tmp_path)
    )
    expect(owner.get_by_role("img", name=re.compile("logo"))).to_be_visible()
    owner.goto("/account/")
    owner.get_by_role("link", name="Start a hub").click()
    owner.get_by_label("Hub name").fill(hub_name)
    owner.get_by_label("Industry").fill("339920")
    owner.get_by_label("Centre: town or postcode").fill(town)
    owner.get_by_label("What the hub is about").fill("Outdoor gear makers of the Treasure Valley.")
    owner.get_by_role("button", name="Register the hub").click()
    expect(owner.get_by_role("heading", level=1)).to_have_text(f"Manage {hub_name}")
    expect(owner.get_by_text("Status: Pending review")).to_be_visible()

    # A curator approves it from the moderation queue.
    curator = _new_page(browser, site_url, width)
    curator.goto("/admin/")
    curator.get_by_label("Email").fill(CURATOR[0])
    curator.get_by_label("Password").fill(CURATOR[1])
    curator.get_by_role("button", name="Sign In").click()
    curator.get_by_role("link", name="Moderation queue").click()
    curator.get_by_label(f"Select {hub_name}").check()
    curator.get_by_role("button", name="Approve selected…").click()
    curator.get_by_role("button", name="Yes, approve").click()
    expect(curator.get_by_text("Approved 1 hubs; organizers were told.")).to_be_visible()
    assert "is approved" in read_mail(organizer, containing=hub_name)

    # A second owner finds it, lists a business and asks to join.
    second = _new_page(browser, site_url, width)
    _sign_up(second, read_mail, member)
    _list_business(second, name=f"Snake River Packs {suffix}", place=neighbour)
    second.goto("/hubs/?q=" + hub_name.replace(" ", "+"))
    second.get_by_role("link", name=hub_name).click()
    second.get_by_role("link", name="Ask to join").click()
    second.get_by_label("Finance and investors").check()
    second.get_by_label("Media and bloggers").check()
    second.get_by_role("button", name="Send the request").click()
    expect(second.get_by_text("Your request is sent")).to_be_visible()
    assert "asks to join" in read_mail(organizer, containing=f"Snake River Packs {suffix}")

    # The organizer approves; the member is told and the hub counts two.
    owner.goto("/account/")
    expect(owner.get_by_text(f"Snake River Packs {suffix} asks to join")).to_be_visible()
    owner.get_by_role("link", name=hub_name).first.click()  # "Requests waiting for me".
    owner.get_by_role("button", name="Approve").click()
    assert "Welcome:" in read_mail(member, containing=hub_name)
    owner.goto(owner.url.replace("manage/", ""))
    expect(owner.get_by_role("heading", name="2 member businesses")).to_be_visible()

    # The member writes to the organizers; the address is never shown.
    second.get_by_role("link", name="Contact the organizers").click()
    second.get_by_label("Subject").fill("Shared booth at the trade show")
    second.get_by_label("Message").fill("Shall we share a booth this spring?")
    second.get_by_role("button", name="Send").click()
    expect(second.get_by_text("Your message is sent")).to_be_visible()
    assert "Shall we share a booth" in read_mail(organizer, containing="trade show")
    assert organizer not in second.content()

    for page in (owner, curator, second):
        assert page.errors == []
        if width < 400:
            assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.context.close()


def test_search_by_keyboard_only(browser, site_url):
    page = _new_page(browser, site_url, 1280)
    page.goto("/")

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "industry":
            break
    page.keyboard.type("nanotech")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "near"
    page.keyboard.type("Albany, NY")
    page.keyboard.press("Enter")

    expect(page.locator(".hub-card").first.get_by_role("link")).to_have_text("Albany NanoTech")
    outline = page.evaluate(
        "() => { const a = document.querySelector('.hub-card a'); a.focus();"
        " return getComputedStyle(a).outlineStyle; }"
    )
    assert outline != "none"
    page.context.close()


def test_form_errors_are_announced_and_linked_to_their_fields(browser, site_url):
    page = _new_page(browser, site_url, 1280)
    page.goto("/search/?industry=furniture&near=Xqzzyville")

    error = page.locator("#near-error")
    expect(error).to_have_attribute("role", "alert")
    assert page.get_by_label("Your location").get_attribute("aria-describedby") == "near-error"
    page.context.close()


def test_map_does_not_trap_keyboard_focus(browser, site_url):
    page = _new_page(browser, site_url, 1280)
    page.goto("/search/?industry=sporting+goods&near=Ogden%2C+UT")
    page.locator("#map").focus()

    reached = []
    for _ in range(80):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.textContent.trim()"))
        if reached[-1] == "About and data sources":
            break

    assert reached[-1] == "About and data sources"
    page.context.close()


def test_list_a_business_with_the_keyboard_only(browser, site_url, read_mail):
    page = _new_page(browser, site_url, 1280)
    _sign_up(page, read_mail, "keyboard-owner@example.org")

    def tab_to(name, limit=40):
        for _ in range(limit):
            page.keyboard.press("Tab")
            if (
                page.evaluate(
                    "document.activeElement.name || document.activeElement.textContent.trim()"
                )
                == name
            ):
                return
        pytest.fail(f"Tab never reached {name!r}.")

    tab_to("List a business")
    page.keyboard.press("Enter")
    page.wait_for_url("**/list-your-business/")
    tab_to("name")
    page.keyboard.type("Keyboard Kayaks")
    tab_to("industry")
    page.keyboard.type("Sporting and Athletic Goods Manufacturing")
    tab_to("place_text")
    page.keyboard.type("Bend, OR")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Keyboard Kayaks")
    page.context.close()


def test_curator_imports_a_csv_then_merges_the_duplicate_it_made(browser, site_url, tmp_path):
    csv_file = tmp_path / "partner-list.csv"
    csv_file.write_text(
        "name,industry,latitude,longitude,description\n"
        "Ogden Outdoor Product Makers,339920,41.2300,-111.9700,From a partner's list\n",
        encoding="utf-8",
    )
    page = _new_page(browser, site_url, 1280)
    page.goto("/admin/")
    page.get_by_label("Email").fill(CURATOR[0])
    page.get_by_label("Password").fill(CURATOR[1])
    page.get_by_role("button", name="Sign In").click()

    page.goto("/admin/hubs/hub/import/")
    page.locator("input[name=import_file]").set_input_files(csv_file)
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Ogden Outdoor Product Makers").first).to_be_visible()
    page.get_by_role("button", name="Confirm import").click()
    expect(page.get_by_text(re.compile(r"Import finished.*1 new"))).to_be_visible()

    page.goto("/admin/hubs/hub/duplicates/")
    row = page.locator("tr", has_text="Ogden Outdoor Product Makers")
    expect(row).to_contain_text("Ogden Outdoor Products")
    expect(row).to_contain_text("one name holds the other")
    row.get_by_role("button", name="Merge…").click()
    page.get_by_label("Keep Ogden Outdoor Products", exact=True).check()
    page.get_by_role("button", name="Yes, merge").click()

    expect(
        page.get_by_text("Merged Ogden Outdoor Product Makers into Ogden Outdoor Products.")
    ).to_be_visible()
    moved = page.context.request.get(
        site_url + "/hubs/ogden-outdoor-product-makers/", max_redirects=0
    )
    assert (moved.status, moved.headers["location"]) == (301, "/hubs/ogden-outdoor-products/")
    assert page.errors == []
    page.context.close()
