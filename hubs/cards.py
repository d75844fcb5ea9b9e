"""The picture shown when a hub's page is shared and it has no cover image: a 1200x630 card.

Rendering takes Pillow a few tenths of a second, so it is done by a task (`render_hub_card`)
and stored in the media storage under a name that changes with what the card
shows (`card_path`); the page serves the stored file. Until the worker has drawn it, the page
serves the site's generic card, briefly cached, so a visitor or a crawler never waits.
"""

import functools
import hashlib
import io
import textwrap

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.tasks import task
from PIL import Image, ImageDraw, ImageFont

from hubs.models import Hub

WIDTH, HEIGHT = 1200, 630
BRAND, ACCENT, WHITE, PALE = (11, 93, 107), (242, 184, 75), (255, 255, 255), (208, 230, 233)
FOLDER = "cards"


def hub_card_png(*, name, industry, region, stage, members):
    image = Image.new("RGB", (WIDTH, HEIGHT), BRAND)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, HEIGHT - 24, WIDTH, HEIGHT], fill=ACCENT)
    draw.ellipse([70, 70, 110, 110], fill=ACCENT)
    draw.text((130, 70), "Industry Hubs", font=ImageFont.load_default(size=36), fill=PALE)
    title_font = ImageFont.load_default(size=72)
    y = 170
    for line in textwrap.wrap(name, width=26)[:3]:
        draw.text((70, y), line, font=title_font, fill=WHITE)
        y += 88
    details = ImageFont.load_default(size=36)
    if industry:
        draw.text((70, y + 20), textwrap.shorten(industry, 60), font=details, fill=PALE)
    if region:
        line = f"{region} · {stage} · {members} members"
        draw.text((70, y + 70), line, font=details, fill=PALE)
    output = io.BytesIO()
    image.save(output, "PNG", optimize=True)
    return output.getvalue()


def _card_values(hub):
    return {
        "name": hub.name,
        "industry": hub.industry.title,
        # "Online, for United States": where an online hub takes members from.
        "region": str(hub.region) if not hub.is_online else f"O{hub.where[1:]}",
        "stage": hub.get_stage_display(),
        "members": hub.member_count,
    }


def card_path(hub):
    """Where the card of the hub as it is now is stored: a new name whenever it would change."""
    fingerprint = hashlib.sha256(repr(sorted(_card_values(hub).items())).encode()).hexdigest()
    return f"{FOLDER}/{hub.slug}-{fingerprint[:16]}.png"


def store_hub_card(hub):
    """Draw and store the hub's card unless it is stored already; remove its older cards."""
    path = card_path(hub)
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(hub_card_png(**_card_values(hub))))
    if default_storage.exists(FOLDER):
        _, files = default_storage.listdir(FOLDER)
        for name in files:
            if name.startswith(f"{hub.slug}-") and f"{FOLDER}/{name}" != path:
                default_storage.delete(f"{FOLDER}/{name}")
    return path


@task
def render_hub_card(hub_pk: int) -> str:
    """The task: draw and store a hub's card; returns its path, or "gone"."""
    hub = Hub.objects.select_related("industry", "region").filter(pk=hub_pk).first()
    return store_hub_card(hub) if hub else "gone"


@functools.cache
def generic_card_png():
    """The site's own card, drawn once per process: shown until a hub's card is ready."""
    return hub_card_png(
        name="Find the hub of your industry", industry="", region="", stage="", members=0
    )
