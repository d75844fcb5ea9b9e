"""Publicity: share tags, JSON-LD, sitemap, feeds, embeds, badges, press kit and open data, and
that none of them lets private data out."""

import csv
import datetime
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from hubs.models import Hub, Membership, Mention, Partner, Resource, Update
from tests.factories import make_business, make_hub, make_membership, make_resource, make_user

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def private_world():
    """A public hub with an active member, a member who left, a home-based member with an
    owner's email; a pending hub with its own member."""
    hub = make_hub(name="Public Hub", description="Makers together.")
    home = make_business(
        name="Home Workshop",
        latitude=-45.123456,
        longitude=-140.654321,
        town_latitude=-45.0,
        town_longitude=-140.0,
        location_public=False,
        address="12 Secret Lane",
    )
    home.owners.add(make_user(email="secret-owner@example.org"))
    make_membership(hub=hub, business=home)
    gone = make_business(name="Departed Co")
    make_membership(hub=hub, business=gone, state=Membership.State.LEFT)
    pending = make_hub(name="Pending Hub", status=Hub.Status.PENDING)
    make_membership(hub=pending, business=make_business(name="Pending Member"))
    hub.refresh_member_count()
    return {"hub": hub, "home": home, "pending": pending}


def _text(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8-sig")


OWNER_SECRETS = ["secret-owner@example.org", "12 Secret Lane", "45.123456", "140.654321"]


def _assert_private_data_absent(text, *, also=("Pending Hub", "Departed Co")):
    """No email, no exact point of a home-based business, and (on hub outputs) no
    unapproved hub and no member who left."""
    for secret in [*OWNER_SECRETS, *also]:
        assert secret not in text, secret


def test_hub_page_has_canonical_open_graph_and_json_ld(client, private_world):
    hub = private_world["hub"]

    response = client.get(hub.get_absolute_url())

    html = response.content.decode()
    canonical = f"http://testserver/hubs/{hub.slug}/"
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert f'<meta property="og:url" content="{canonical}">' in html
    assert (
        f'<meta property="og:image" content="http://testserver/hubs/{hub.slug}/card.png">' in html
    )
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html)[1])
    assert data["@type"] == "Organization"
    assert data["name"] == "Public Hub"
    assert [m["name"] for m in data["member"]] == ["Home Workshop"]


def test_business_json_ld_gives_only_the_town_of_a_home_based_business(client, private_world):
    home = private_world["home"]

    response = client.get(home.get_absolute_url())

    html = response.content.decode()
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html)[1])
    assert data["address"] == {"@type": "PostalAddress", "addressLocality": "Testville"}
    _assert_private_data_absent(html)


def test_json_ld_cannot_be_closed_by_a_hub_description(client):
    hub = make_hub(description="</script><script>alert(1)</script>")

    html = client.get(hub.get_absolute_url()).content.decode()

    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html)[1]
    assert json.loads(block)["description"] == "</script><script>alert(1)</script>"
    assert "<script>alert(1)" not in html


def test_sitemap_lists_public_pages_with_absolute_urls_only(client, private_world):
    response = client.get("/sitemap.xml")

    root = ET.fromstring(response.content)
    urls = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
    assert all(u.startswith("http://testserver/") for u in urls)
    assert f"http://testserver/hubs/{private_world['hub'].slug}/" in urls
    assert f"http://testserver/hubs/{private_world['pending'].slug}/" not in urls
    assert "http://testserver/data/" in urls


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response["Content-Type"] == "text/plain"
    assert response.content.decode().splitlines()[-1] == "Sitemap: http://testserver/sitemap.xml"


def test_new_hubs_feed_is_atom_with_approved_hubs_only(client, private_world):
    hub = private_world["hub"]

    response = client.get(reverse("hubs:feed_industry", args=[hub.industry.slug]))

    root = ET.fromstring(response.content)
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Public Hub"]
    assert entries[0].find(f"{ATOM}link").get("href") == f"http://testserver/hubs/{hub.slug}/"
    _assert_private_data_absent(response.content.decode())


def test_region_feed_and_unknown_feed(client, private_world):
    hub = private_world["hub"]

    found = client.get(reverse("hubs:feed_region", args=[hub.region.slug]))
    missing = client.get("/feeds/regions/nowhere-at-all/")

    assert [
        e.find(f"{ATOM}title").text for e in ET.fromstring(found.content).iter(f"{ATOM}entry")
    ] == ["Public Hub"]
    assert missing.status_code == 404


def test_hub_news_feed_has_updates_and_mentions_newest_first(client, private_world):
    hub = private_world["hub"]
    Update.objects.create(hub=hub, title="We met the mayor", body="Good meeting.")
    Mention.objects.create(hub=hub, title="Makers unite", url="https://news.example/makers")

    response = client.get(reverse("hubs:feed_hub_news", args=[hub.slug]))

    titles = [
        e.find(f"{ATOM}title").text for e in ET.fromstring(response.content).iter(f"{ATOM}entry")
    ]
    assert titles == ["In the press: Makers unite", "We met the mayor"]


def test_news_feed_of_a_pending_hub_is_404(client, private_world):
    response = client.get(reverse("hubs:feed_hub_news", args=[private_world["pending"].slug]))

    assert response.status_code == 404


def test_organizer_posts_an_update_and_others_cannot(client, private_world):
    hub = private_world["hub"]
    organizer = make_user()
    business = make_business()
    business.owners.add(organizer)
    make_membership(hub=hub, business=business, role=Membership.Role.ORGANIZER)
    outsider = make_user()

    client.force_login(outsider)
    refused = client.post(reverse("hubs:update_add", args=[hub.slug]), {"title": "x", "body": "y"})
    client.force_login(organizer)
    client.post(reverse("hubs:update_add", args=[hub.slug]), {"title": "News", "body": "Text"})

    assert refused.status_code == 404
    assert list(hub.updates.values_list("title", "posted_by")) == [("News", organizer.pk)]


def test_embed_pages_may_be_framed_and_other_pages_may_not(client, private_world):
    hub = private_world["hub"]

    embed = client.get(reverse("hubs:hub_embed", args=[hub.slug]))
    page = client.get(hub.get_absolute_url())

    assert "X-Frame-Options" not in embed
    assert "frame-ancestors *" in embed["Content-Security-Policy"]
    assert page["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]


def test_embed_of_a_pending_hub_is_404(client, private_world):
    response = client.get(reverse("hubs:hub_embed", args=[private_world["pending"].slug]))

    assert response.status_code == 404


def test_badge_is_an_svg_naming_the_hub_escaped(client):
    hub = make_hub(name="Tools & <Dies>")

    response = client.get(reverse("hubs:hub_badge", args=[hub.slug]))

    svg = ET.fromstring(response.content)
    assert response["Content-Type"] == "image/svg+xml"
    assert svg.get("aria-label") == "Member of Tools & <Dies>"


def test_card_is_a_png_of_1200_by_630(client, private_world):
    from PIL import Image

    response = client.get(reverse("hubs:hub_card", args=[private_world["hub"].slug]))

    assert Image.open(io.BytesIO(response.content)).size == (1200, 630)


def test_press_kit_lists_active_members_and_has_a_print_stylesheet(client, private_world):
    response = client.get(reverse("hubs:hub_press", args=[private_world["hub"].slug]))

    html = response.content.decode()
    assert 'href="/static/css/print.css" media="print"' in html
    assert [m.business.name for m in response.context["members"]] == ["Home Workshop"]
    _assert_private_data_absent(html)


def _press_section(html, heading):
    """The items of the press kit's list under an <h2>, as text without tags."""
    items = re.search(rf"<h2>{heading}</h2>\s*<ul[^>]*>(.*?)</ul>", html, re.S)[1]
    return [
        " ".join(re.sub(r"<[^>]+>", "", li.replace("<br>", " ")).split())
        for li in re.findall(r"<li>(.*?)</li>", items, re.S)
    ]


def test_press_kit_lists_partners_and_press_mentions(client, private_world):
    hub = private_world["hub"]
    chamber = make_resource(name="Ogden Chamber", kind=Resource.Kind.CHAMBER, city="Ogden")
    college = make_resource(name="Weber College", kind=Resource.Kind.UNIVERSITY, city="")
    Partner.objects.create(hub=hub, resource=college)
    Partner.objects.create(hub=hub, resource=chamber, note="Hosts our meetings")
    Mention.objects.create(
        hub=hub,
        title="Makers team up",
        url="https://news.example/makers",
        published_on=datetime.date(2026, 3, 4),
    )
    Mention.objects.create(hub=hub, title="Undated blog post", url="https://blog.example/post")

    html = client.get(reverse("hubs:hub_press", args=[hub.slug])).content.decode()

    assert _press_section(html, "Partners") == [
        "Ogden Chamber (Chamber of commerce, Ogden): Hosts our meetings",
        "Weber College (University)",
    ]
    assert _press_section(html, "In the press") == [
        "Makers team up, 4 March 2026 https://news.example/makers",
        "Undated blog post https://blog.example/post",
    ]
    assert (
        '<a href="https://news.example/makers" rel="noopener nofollow">Makers team up</a>' in html
    )


def test_press_kit_says_when_no_partner_or_mention_is_recorded(client, private_world):
    html = client.get(reverse("hubs:hub_press", args=[private_world["hub"].slug])).content.decode()

    assert _press_section(html, "Partners") == ["None recorded yet."]
    assert _press_section(html, "In the press") == ["No article recorded yet."]


def test_press_kit_offers_the_cover_picture_and_the_card(client, private_world, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    hub = private_world["hub"]
    hub.cover_image.save("cover.png", ContentFile(b"png bytes"))

    html = client.get(reverse("hubs:hub_press", args=[hub.slug])).content.decode()

    card = f"/hubs/{hub.slug}/card.png"
    assert _press_section(html, "Pictures") == [
        "Cover picture: http://testserver/media/hubs/covers/cover.png",
        f"Card, 1200 × 630 PNG: http://testserver{card}",
    ]
    assert (
        '<img class="hub-cover" src="/media/hubs/covers/cover.png" alt="Public Hub: cover picture">'
        in html
    )
    assert f'<img class="press-card" src="{card}"' in html


def test_press_kit_without_a_cover_offers_the_card_alone(client, private_world):
    hub = private_world["hub"]

    html = client.get(reverse("hubs:hub_press", args=[hub.slug])).content.decode()

    assert _press_section(html, "Pictures") == [
        f"Card, 1200 × 630 PNG: http://testserver/hubs/{hub.slug}/card.png"
    ]
    assert "cover picture" not in html


def test_open_data_csv_exports_public_fields_and_neutralises_formulas(client, private_world):
    make_hub(name='=HYPERLINK("http://evil")', website="")

    hubs = list(csv.DictReader(io.StringIO(_text(client.get("/data/hubs.csv")))))
    businesses = _text(client.get("/data/businesses.csv"))

    names = {row["name"] for row in hubs}
    assert "Public Hub" in names
    assert '\'=HYPERLINK("http://evil")' in names
    assert "Pending Hub" not in names
    row = next(r for r in csv.DictReader(io.StringIO(businesses)) if r["name"] == "Home Workshop")
    assert (row["latitude"], row["longitude"], row["location_is_exact"]) == (
        "-45.0",
        "-140.0",
        "False",
    )
    # Every business is public; what stays private is its owners and exact home address.
    _assert_private_data_absent(businesses, also=())


def test_open_data_geojson_has_stable_ids_and_no_unapproved_hubs(client, private_world):
    data = json.loads(_text(client.get("/data/hubs.geojson")))

    names = [f["properties"]["name"] for f in data["features"]]
    assert "Public Hub" in names
    assert "Pending Hub" not in names
    assert data["licence"] == "CC BY 4.0"


def test_feeds_parse_cleanly_in_a_feed_readers_parser(client, private_world):
    import feedparser

    hub = private_world["hub"]
    Update.objects.create(hub=hub, title="We met the mayor", body="Good meeting.")
    urls = [
        reverse("hubs:feed_hubs"),
        reverse("hubs:feed_industry", args=[hub.industry.slug]),
        reverse("hubs:feed_region", args=[hub.region.slug]),
        reverse("hubs:feed_hub_news", args=[hub.slug]),
    ]

    feeds = [feedparser.parse(client.get(url).content) for url in urls]

    assert [feed.bozo for feed in feeds] == [False, False, False, False]
    assert [feed.version for feed in feeds] == ["atom10"] * 4
    assert [e.title for e in feeds[1].entries] == ["Public Hub"]
    assert (
        feeds[3].entries[0].link
        == f"http://testserver/hubs/{hub.slug}/#update-{hub.updates.get().pk}"
    )


def test_embed_pages_policy_forbids_plugins_and_base_tags(client, private_world):
    hub = private_world["hub"]

    policy = client.get(reverse("hubs:hub_embed", args=[hub.slug]))["Content-Security-Policy"]

    assert sorted(d.strip() for d in policy.split(";")) == [
        "base-uri 'none'",
        "default-src 'self'",
        "form-action 'self'",
        "frame-ancestors *",
        "img-src 'self' data: https:",
        "object-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
    ]
