"""The picture shown when a hub's page is shared and it has no cover image: a 1200x630 card."""

import io
import textwrap

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
BRAND, ACCENT, WHITE, PALE = (11, 93, 107), (242, 184, 75), (255, 255, 255), (208, 230, 233)


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
    draw.text((70, y + 20), textwrap.shorten(industry, 60), font=details, fill=PALE)
    draw.text((70, y + 70), f"{region} · {stage} · {members} members", font=details, fill=PALE)
    output = io.BytesIO()
    image.save(output, "PNG", optimize=True)
    return output.getvalue()
