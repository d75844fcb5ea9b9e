"""Finding likely duplicate hubs and businesses for curators, with the reasons a pair was matched.

Names are compared word by word after dropping legal forms ("Inc", "LLC", "GmbH"): each word of
one name is paired with the closest word of the other, and the share of letters in paired words
is the score. So "Wasatch Ski Works Inc." and "Wasatch Ski Works" are alike, "Tonga Canoe
Builder" and "Tonga Canoe Builders" nearly so, but "Cedar Automobile Works" and "Cedar
Automobile Manufacturing", two firms that share a common word pattern, are not. A shared web
domain or the same street address is a reason on its own, whatever the names.
"""

import itertools
import math
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from rapidfuzz import fuzz

from hubs import geo
from hubs.gazetteer import fold

DISTANCE_KM = 30
# Below this, names alone do not make a pair: real pairs in tests/hubs/test_duplicates.py score
# 0.89 or more as one firm, 0.80 or less as two.
NAME_SIMILARITY = 0.85
WORD_SIMILARITY = 0.8  # Two words this alike count as the same word misspelled.

LEGAL_FORMS = frozenset(
    {
        *("inc", "incorporated", "llc", "llp", "lp", "ltd", "limited", "plc"),
        *("co", "company", "corp", "corporation"),
        *("gmbh", "ag", "sa", "sarl", "bv", "nv", "pty"),
        *("the", "and"),
    }
)
# Hosts where many unrelated businesses have pages: a shared one says nothing.
SHARED_HOSTS = (
    "facebook.com",
    "instagram.com",
    "linkedin.com",
    "x.com",
    "twitter.com",
    "google.com",
    "business.site",
    "wixsite.com",
    "squarespace.com",
    "etsy.com",
    "yelp.com",
)


@dataclass
class Pair:
    """Two rows that may be one: the older first, and why they were matched."""

    similarity: float
    distance_km: float | None  # None: one of them (an online hub) has no place to measure.
    older: object
    newer: object
    reasons: list[str] = field(default_factory=list)


def name_words(name: str) -> list[str]:
    """A name's folded words without legal forms; all its words if nothing else is left."""
    words = fold(name).split()
    return [w for w in words if w not in LEGAL_FORMS] or words


def _joined(words: list[str], other: list[str]) -> tuple[list[str], list[str]]:
    """``words`` with two neighbours joined where ``other`` writes them as one word ("Mill
    Works" and "Millworks"), and ``other`` unchanged."""
    joined, i = [], 0
    while i < len(words):
        if i + 1 < len(words) and words[i] + words[i + 1] in other:
            joined.append(words[i] + words[i + 1])
            i += 2
        else:
            joined.append(words[i])
            i += 1
    return joined, other


def name_similarity(a: str, b: str) -> float:
    """How alike two names are, from 0 to 1: the share of their letters in words that pair up
    (each word with the most alike unused word of the other name, if at least WORD_SIMILARITY
    alike), each pair weighted by how alike it is."""
    words_a, words_b = _joined(name_words(a), name_words(b))
    words_b, words_a = _joined(words_b, words_a)
    total = sum(map(len, words_a)) + sum(map(len, words_b))
    if not total:
        return 0.0
    unused = list(words_b)
    matched = 0.0
    for word in sorted(words_a, key=len, reverse=True):
        if not unused:
            break
        best = max(unused, key=lambda other: fuzz.ratio(word, other))
        alike = fuzz.ratio(word, best) / 100
        if alike >= WORD_SIMILARITY:
            matched += alike * (len(word) + len(best))
            unused.remove(best)
    return matched / total


def name_holds(a: str, b: str) -> bool:
    """Whether every word of the shorter name, two words or more, is in the longer one (each
    at least WORD_SIMILARITY alike): "Ogden Outdoor Products" in "Ogden Outdoor Product
    Makers". Among rows of one industry nearby, that is worth a curator's look; across
    industries it is not ("Apex Plastics", "Apex Plastic Surgery")."""
    shorter, longer = sorted((name_words(a), name_words(b)), key=len)
    if len(shorter) < 2:
        return False
    unused = list(longer)
    for word in shorter:
        best = max(unused, key=lambda other: fuzz.ratio(word, other), default=None)
        if best is None or fuzz.ratio(word, best) / 100 < WORD_SIMILARITY:
            return False
        unused.remove(best)
    return True


def web_domain(url: str) -> str:
    """The host of a website without "www.", or "" for none or a shared host."""
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    if not host or any(host == s or host.endswith("." + s) for s in SHARED_HOSTS):
        return ""
    return host


def _same_address(a, b) -> bool:
    address_a, address_b = fold(getattr(a, "address", "")), fold(getattr(b, "address", ""))
    return bool(address_a) and address_a == address_b and fold(a.city) == fold(b.city)


def match(a, b, *, distance_km: float | None) -> Pair | None:
    """The pair ``a`` and ``b`` make, with its reasons, or None if nothing suggests one."""
    similarity = name_similarity(a.name, b.name)
    reasons = []
    domain = web_domain(a.website)
    if domain and domain == web_domain(b.website):
        reasons.append(f"same web domain ({domain})")
    if hasattr(a, "address") and _same_address(a, b):
        reasons.append("same address")
    if distance_km is not None and distance_km <= DISTANCE_KM:
        if similarity >= NAME_SIMILARITY:
            reasons.append(f"names {similarity:.0%} alike")
        elif a.industry_id == b.industry_id and name_holds(a.name, b.name):
            reasons.append("one name holds the other")
    if not reasons:
        return None
    distance = None if distance_km is None else round(distance_km, 1)
    return Pair(round(similarity, 2), distance, a, b, reasons)


def _distance_km(a, b) -> float | None:
    """How far apart two rows are; two online hubs meet in the same place (0), and an online
    hub without a home base is at no distance from a row with a point (None)."""
    if getattr(a, "is_online", False) and getattr(b, "is_online", False):
        return 0.0
    if a.latitude is None or b.latitude is None:
        return None
    return geo.haversine_km(a.latitude, a.longitude, b.latitude, b.longitude)


def likely_duplicates(rows) -> list[Pair]:
    """Pairs among ``rows`` (hubs or businesses, oldest first): alike names of one industry
    within DISTANCE_KM, or a shared web domain or address of any industry. Most reasons first,
    then most alike."""
    rows = list(rows)
    candidates = set()

    def add(group):
        ordered = sorted(group, key=lambda row: row.pk)
        candidates.update(itertools.combinations(ordered, 2))

    by_industry = itertools.groupby(
        sorted(rows, key=lambda row: row.industry_id), key=lambda row: row.industry_id
    )
    for _, group in by_industry:
        add(group)
    by_key = {}
    for row in rows:
        for key in (web_domain(row.website), fold(getattr(row, "address", ""))):
            if key:
                by_key.setdefault(key, []).append(row)
    for group in by_key.values():
        add(group)
    pairs = []
    for a, b in candidates:
        older, newer = sorted((a, b), key=lambda row: (row.created_at, row.pk))
        distance = _distance_km(a, b)
        pair = match(older, newer, distance_km=distance)
        if pair:
            pairs.append(pair)
    return sorted(pairs, key=_pair_order)


def _pair_order(pair: Pair) -> tuple:
    """Most reasons first, then most alike, then nearest (unmeasured last)."""
    distance = math.inf if pair.distance_km is None else pair.distance_km
    return (-len(pair.reasons), -pair.similarity, distance, pair.older.pk)
