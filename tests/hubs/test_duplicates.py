"""Likely duplicates: the name score on real-looking pairs of business names, and the reasons a
pair is shown to curators. Pure Python: no database."""

from dataclasses import dataclass
from datetime import datetime

import pytest

from hubs import duplicates

# (name, name, same business?) Real-looking names: the same firm written two ways, and
# different firms whose names share a pattern (the demo's "<prefix> <trade> <suffix>" ones too).
NAME_PAIRS = [
    ("Wasatch Ski Works", "Wasatch Ski Works, Inc.", True),
    ("Acme Tool & Die Co.", "ACME Tool and Die Company", True),
    ("Tonga Canoe Builders", "Tonga Canoe Builder", True),
    ("Blue Ridge Brewing Company", "Blue Ridge Brewing", True),
    ("Müller Präzisionstechnik GmbH", "Mueller Praezisionstechnik", True),
    ("Cascade Fabrication LLC", "Cascade Fabricators", True),
    ("St. Louis Screw & Bolt", "Saint Louis Screw and Bolt", True),
    ("Pioneer Millworks", "Pioneer Mill Works", True),
    ("Ogden Outdoor Products", "Ogden Outdoor Prodcuts", True),
    ("Foundry", "Cedar Automobile Manufacturing", False),
    ("Cedar Automobile Manufacturing", "Cedar Automobile Works", False),
    ("Harbor Steel Works", "Harbor Stone Works", False),
    ("Summit Outdoor Labs", "Summit Outdoor Supply", False),
    ("Pacific Coast Seafoods", "Atlantic Coast Seafoods", False),
    ("Apex Plastics", "Apex Plastic Surgery", False),
    ("Northwest Pipe Company", "Northwest Pipe Fittings", False),
    ("Great Lakes Brewing", "Great Lakes Distilling", False),
    ("Canyon Sporting Group", "Canyon Sporting Studio", False),
    ("Evergreen Petroleum Labs", "Evergreen Petroleum Group", False),
    ("Foundry Automobile Manufacturing", "Cedar Automobile Manufacturing", False),
]


def test_name_scores_on_real_looking_pairs(capsys):
    """Prints the table (pytest -s) so the threshold can be judged on the scores."""
    scored = [(duplicates.name_similarity(a, b), a, b, same) for a, b, same in NAME_PAIRS]
    with capsys.disabled():
        print(f"\nthreshold {duplicates.NAME_SIMILARITY}")
        for score, a, b, same in scored:
            print(f"{score:5.2f}  {'same' if same else 'different':9}  {a} | {b}")

    paired = [(a, b) for score, a, b, _ in scored if score >= duplicates.NAME_SIMILARITY]
    assert paired == [(a, b) for a, b, same in NAME_PAIRS if same]


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("Wasatch Ski Works", "wasatch ski works", 1.0),
        ("Wasatch Ski Works", "Wasatch Ski Works, Inc.", 1.0),
        ("Foundry", "Cedar Automobile Manufacturing", 0.0),
        ("Tonga Canoe Builders", "Tonga Canoe Builder", 0.97),
        ("Cedar Automobile Manufacturing", "Cedar Automobile Works", 0.62),
        ("The Company", "The Company", 1.0),
    ],
)
def test_name_similarity_scores(a, b, expected):
    assert round(duplicates.name_similarity(a, b), 2) == expected


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.wasatchski.com/about", "wasatchski.com"),
        ("http://WASATCHSKI.com", "wasatchski.com"),
        ("https://www.facebook.com/wasatchski", ""),
        ("https://wasatch.business.site/", ""),
        ("", ""),
    ],
)
def test_web_domain_ignores_shared_hosts(url, domain):
    assert duplicates.web_domain(url) == domain


@dataclass
class Row:
    pk: int
    name: str
    industry_id: int = 1
    latitude: float = 41.0
    longitude: float = -112.0
    website: str = ""
    address: str = ""
    city: str = "Ogden"
    created_at: datetime = datetime(2026, 1, 1)

    def __hash__(self):
        return self.pk


def _summary(pairs):
    return [(p.older.pk, p.newer.pk, p.reasons) for p in pairs]


def test_likely_duplicates_says_why_each_pair_was_matched():
    rows = [
        Row(1, "Wasatch Ski Works", website="https://wasatchski.com"),
        Row(2, "Wasatch Ski Works Inc", latitude=41.05),
        Row(3, "Beehive Skis", industry_id=2, website="https://www.wasatchski.com/shop"),
        Row(4, "Cedar Automobile Manufacturing", address="12 Main St."),
        Row(5, "Cedar Automobile Works", address="12 Main St", industry_id=3),
        Row(6, "Wasatch Ski Works", latitude=45.0),  # Alike but 440 km away.
        Row(7, "Harbor Stone Works", address="12 Main St", city="Provo"),  # Another town.
    ]

    pairs = duplicates.likely_duplicates(rows)

    assert _summary(pairs) == [
        (1, 2, ["names 100% alike"]),
        (4, 5, ["same address"]),
        (1, 3, ["same web domain (wasatchski.com)"]),
    ]
    assert (pairs[0].similarity, pairs[0].distance_km) == (1.0, 5.6)


def test_likely_duplicates_puts_pairs_with_more_reasons_first_and_older_first():
    rows = [
        Row(1, "Acme Tool and Die", created_at=datetime(2026, 3, 1)),
        Row(2, "Acme Tool & Die Co.", website="https://acmetool.com", address="1 Elm St"),
        Row(3, "ACME Tool and Die", website="https://acmetool.com", address="1 Elm St"),
    ]

    pairs = duplicates.likely_duplicates(rows)

    assert _summary(pairs) == [
        (
            2,
            3,
            ["same web domain (acmetool.com)", "same address", "names 100% alike"],
        ),
        (2, 1, ["names 100% alike"]),
        (3, 1, ["names 100% alike"]),
    ]


def test_likely_duplicates_pairs_a_name_held_in_another_only_within_one_industry_nearby():
    rows = [
        Row(1, "Ogden Outdoor Products"),
        Row(2, "Ogden Outdoor Product Makers", latitude=41.02),
        Row(3, "Apex Plastics", industry_id=2, address="9 Oak St"),
        Row(4, "Apex Plastic Surgery", industry_id=3, address="9 Oak St"),
        Row(5, "Ogden Outdoor Products Group", latitude=45.0),  # 440 km away.
        Row(6, "Outdoor", latitude=41.01),  # One word holds nothing.
    ]

    pairs = duplicates.likely_duplicates(rows)

    assert _summary(pairs) == [
        (1, 2, ["one name holds the other"]),
        (3, 4, ["same address"]),
    ]


@pytest.mark.parametrize(
    ("a", "b", "holds"),
    [
        ("Ogden Outdoor Products", "Ogden Outdoor Product Makers", True),
        ("Redwood Biological Supply", "Cary Redwood Biological Supply", True),
        ("Apex Plastics", "Apex Plastic Surgery", True),
        ("Canyon Sporting Group", "Canyon Sporting Studio", False),
        ("Foundry", "Foundry Automobile Manufacturing", False),
        ("Summit Outdoor Labs", "Summit Outdoor Supply", False),
    ],
)
def test_name_holds_every_word_of_the_shorter_name(a, b, holds):
    assert duplicates.name_holds(a, b) is holds
    assert duplicates.name_holds(b, a) is holds
