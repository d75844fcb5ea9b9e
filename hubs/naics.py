"""The 2022 NAICS as the site ships it (hubs/data/): every code with its title and parent, the
Census Bureau's index entries, and our curated synonyms and complements (the 2017 codes that
2022 replaced are read by the matcher: ``vocabulary.successors_2017``)."""

import csv
from collections import defaultdict
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from hubs import vocabulary
from hubs.models import IndexEntry, Industry

DATA_DIR = Path(__file__).resolve().parent / "data"


def _rows(name):
    with open(DATA_DIR / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def parent_code(code: str, codes: set[str]) -> str | None:
    """The code one level up: 3399 -> 339, 339 -> 31-33, a sector -> None."""
    if "-" in code or len(code) == 2:
        return None
    if len(code) == 3:
        for sector in codes:
            if "-" in sector:
                first, last = (int(p) for p in sector.split("-"))
                if first <= int(code[:2]) <= last:
                    return sector
            elif len(sector) == 2 and code.startswith(sector):
                return sector
        return None
    return code[:-1] if code[:-1] in codes else parent_code(code[:-1], codes)


@transaction.atomic
def load_naics(*, log=lambda message: None) -> dict[str, Industry]:
    """Create or update every 2022 code, its index entries, synonyms and complements.

    Safe to run again: rows are matched by code, curators' synonyms are kept and ours added.
    """
    rows = _rows("naics_2022_codes.csv")
    codes = {row["code"] for row in rows}
    synonyms = defaultdict(list)
    for row in _rows("naics_synonyms.csv"):
        synonyms[row["code"]].append(row["synonym"])
    by_code = {i.code: i for i in Industry.objects.all()}
    # Parents first, so each row can point at its parent.
    for row in sorted(rows, key=lambda r: 2 if "-" in r["code"] else len(r["code"])):
        code, title = row["code"], row["title"]
        industry = by_code.get(code) or Industry(code=code, slug=slugify(f"{code} {title}")[:120])
        kept = industry.synonym_list
        merged = kept + [s for s in synonyms[code] if s.lower() not in {k.lower() for k in kept}]
        parent = by_code.get(parent_code(code, codes) or "")
        new = (title, "; ".join(merged), parent.pk if parent else None)
        if industry.pk is None or new != (industry.title, industry.synonyms, industry.parent_id):
            industry.title, industry.synonyms, industry.parent = title, new[1], parent
            industry.save()
        by_code[code] = industry
    entries = _rows("naics_2022_index.csv")
    if IndexEntry.objects.count() < len(entries):
        IndexEntry.objects.bulk_create(
            [IndexEntry(industry=by_code[r["code"]], text=r["entry"][:250]) for r in entries],
            batch_size=2000,
            ignore_conflicts=True,
        )
    for row in _rows("naics_complements.csv"):
        by_code[row["code_a"]].complements.add(by_code[row["code_b"]])
    vocabulary.bump_version()
    log(f"NAICS: {len(by_code):,} codes, {len(entries):,} index entries")
    return by_code
