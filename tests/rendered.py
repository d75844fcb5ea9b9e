"""Reading rendered pages: the parts of the HTML that tests assert on, as plain text."""

import html
import re

_BREAK = re.compile(r"<br\s*/?>|</(?:p|li|h[1-6]|div)>")
_TAG = re.compile(r"<[^>]+>")


def text(fragment):
    """The visible text of an HTML fragment, entities decoded and whitespace collapsed."""
    return " ".join(html.unescape(_TAG.sub("", _BREAK.sub(" ", fragment))).split())


def body(response):
    return response.content.decode()


def h1(response):
    return text(re.search(r"<h1[^>]*>(.*?)</h1>", body(response), re.S)[1])


def section(response, heading_id):
    """The HTML of the <section aria-labelledby=heading_id>, or "" when the page has none."""
    match = re.search(
        rf'<section aria-labelledby="{heading_id}"[^>]*>(.*?)</section>', body(response), re.S
    )
    return match[1] if match else ""


def heading(response, heading_id):
    match = re.search(rf'<h2 id="{heading_id}"[^>]*>(.*?)</h2>', body(response), re.S)
    return text(match[1]) if match else ""


def hub_cards(fragment):
    """(name, distance or None) for each hub card in the fragment, in order."""
    cards = []
    for card in re.findall(r'<li class="card hub-card">(.*?)</li>', fragment, re.S):
        name = text(re.search(r"<h3>(.*?)</h3>", card, re.S)[1])
        distance = re.search(r"<strong>(.*?)</strong> away", card, re.S)
        cards.append((name, text(distance[1]) if distance else None))
    return cards


def list_items(fragment):
    return [text(item) for item in re.findall(r"<li[^>]*>(.*?)</li>", fragment, re.S)]


def alerts(response):
    """The texts of the elements announced as alerts (form errors)."""
    return [
        text(found)
        for found in re.findall(r'role="alert"[^>]*>(.*?)</(?:p|div)>', body(response), re.S)
    ]


def suggestions(response):
    found = re.findall(r'<p class="suggestions">(.*?)</p>', body(response), re.S)
    return [text(fragment) for fragment in found]
