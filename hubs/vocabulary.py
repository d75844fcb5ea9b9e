"""The one industry matcher: what an owner types ("I make bike parts", "sofware", "312130.0",
"Surfboards") to NAICS industries, best first, with the entry that matched.

It matches against every 2022 NAICS title, the Census Bureau's index entries and the curators'
synonyms. The words are folded (case, accents, punctuation), stemmed (plurals and verb forms)
and weighted by rarity, so "surfboard" finds "Surfboards manufacturing" and "manufacturing of
tires" finds "Tires manufacturing". Unknown words are corrected to the closest known word.

The index lives in each process and is rebuilt when curators edit industries or synonyms: a
version number in the shared cache tells every process. A match then costs no SQL query.
"""

from __future__ import annotations

import copy
import csv
import functools
import logging
import math
import re
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

import snowballstemmer
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from hubs.models import IndexEntry, Industry, UnmatchedIndustryText
from hubs.pagecache import forget_read, read_once_per_request

logger = logging.getLogger(__name__)

VERSION_KEY = "industry-vocabulary-version"
MAX_TEXT = 200
# Texts whose match each process remembers (then it forgets them all and starts again).
MATCHES_KEPT = 10_000

# Words that say nothing about the industry.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "and",
        "or",
        "for",
        "in",
        "on",
        "at",
        "to",
        "with",
        "by",
        "from",
        "into",
        "i",
        "we",
        "me",
        "my",
        "our",
        "us",
        "you",
        "your",
        "am",
        "is",
        "are",
        "be",
        "do",
        "does",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "about",
        "all",
        "some",
        "any",
        "own",
        "run",
        "runs",
        "running",
        "company",
        "companies",
        "business",
        "businesses",
        "firm",
        "firms",
        "small",
        "local",
        "kind",
        "type",
        "types",
        "industry",
        "industries",
        "sector",
        "etc",
        "eg",
        "ie",
        "thing",
        "things",
        "stuff",
        "other",
    ]
)

# Words people use for what the index says another way; folded and applied on both sides, so
# "I sell bikes" and "Bicycle retailers" meet.
ALIASES = {
    "make": "manufacturing",
    "makes": "manufacturing",
    "making": "manufacturing",
    "maker": "manufacturing",
    "makers": "manufacturing",
    "manufacture": "manufacturing",
    "manufacturer": "manufacturing",
    "manufacturers": "manufacturing",
    "produce": "manufacturing",
    "producer": "manufacturing",
    "producers": "manufacturing",
    "factory": "manufacturing",
    "factories": "manufacturing",
    "mfg": "manufacturing",
    "sell": "retailers",
    "sells": "retailers",
    "selling": "retailers",
    "seller": "retailers",
    "store": "retailers",
    "stores": "retailers",
    "shop": "retailers",
    "shops": "retailers",
    "retail": "retailers",
    "retailer": "retailers",
    "wholesale": "wholesalers",
    "wholesaler": "wholesalers",
    "distributor": "wholesalers",
    "distributors": "wholesalers",
    "fix": "repair",
    "fixing": "repair",
    "bike": "bicycle",
    "bikes": "bicycles",
    "auto": "automobile",
    "autos": "automobiles",
    "car": "automobile",
    "cars": "automobiles",
    "tv": "television",
    "tvs": "televisions",
    "pc": "computer",
    "pcs": "computers",
    "meds": "pharmaceutical",
    "drugs": "pharmaceutical",
    "grocery": "supermarkets",
    "groceries": "supermarkets",
    "tyre": "tire",
    "tyres": "tires",
    "jewellery": "jewelry",
    "colour": "color",
    "aluminium": "aluminum",
}

_stemmer = snowballstemmer.stemmer("english")
_EXCEPT = re.compile(r"\((?:except|exc\.)[^)]*\)|--.*$", re.IGNORECASE)
# "(i.e., bean curd)": other words for the entry, which may match but need not.
_EXPLAINED = re.compile(r"\((?:i\.e\.|e\.g\.)[^)]*\)", re.IGNORECASE)
_CODE = re.compile(r"^(\d{2,6})(?:\.0+)?$|^(\d{2})\s*-\s*(\d{2})$")
# Two-digit codes that NAICS folds into a sector range.
_SECTOR_OF = {"31": "31-33", "32": "31-33", "33": "31-33", "44": "44-45", "45": "44-45"}
_SECTOR_OF |= {"48": "48-49", "49": "48-49"}


def fold(text: str) -> str:
    """Lower case, no accents, no punctuation: "Crème-brûlée & Co." -> "creme brulee and co"."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower()
    text = text.replace("&", " and ").replace("'", "")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def words(text: str) -> list[str]:
    """The folded words that carry meaning, with aliases applied (not yet stemmed)."""
    result = []
    if "(" in text or "--" in text:
        text = _EXCEPT.sub(" ", text)
    for word in fold(text).split():
        word = ALIASES.get(word, word)
        if word in STOPWORDS or (len(word) == 1 and not word.isdigit()):
            continue
        result.append(word)
    return result


def singular(word: str) -> str:
    """A plain plural made singular, for telling "sports" from "sporting"."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


# Words that name what a business does with a product rather than the product: an entry with
# them still matches a bare product, but a bare product names its maker first.
MAKING = "manufactur"
TRADE = frozenset({"retail", "wholesal", "merchant", "rental"})
HEAD_BOOST = 1.5
MIN_SCORE = 0.5  # below it, a match explains too little of what was typed


@functools.lru_cache(maxsize=50_000)  # bounded: visitors' words pass through here too
def stem(word: str) -> str:
    return _stemmer.stemWord(word)


@dataclass(frozen=True)
class Entry:
    """A text that names an industry: its title, an index entry or a curated synonym."""

    industry_id: int
    text: str
    kind: str  # "title", "index" or "synonym"
    stems: frozenset  # every stem that may match
    core: frozenset  # the stems a match should cover: no activity, no "(i.e. ...)"
    surface: frozenset  # its words, singular

    @classmethod
    def parse(cls, industry_id, text, kind):
        found = words(text)
        optional = (
            {stem(w) for w in words(" ".join(_EXPLAINED.findall(text)))} if "(" in text else set()
        )
        stems = frozenset(stem(w) for w in found)
        core = frozenset(stems - optional - {MAKING}) or stems
        surface = frozenset(singular(w) for w in found if w != "manufacturing")
        return cls(industry_id, text, kind, stems, core, surface)


@dataclass
class Candidate:
    industry: object  # an Industry
    entry: str
    kind: str
    score: float

    @property
    def label(self) -> str:
        """ "Title: entry" when the entry that matched is not the title itself."""
        if self.kind in ("title", "code") or fold(self.entry) == fold(self.industry.title):
            return self.industry.title
        return f"{self.industry.title}: {self.entry}"


@dataclass
class Result:
    """What a text matched: candidates best first, and what the page needs to explain it."""

    text: str
    candidates: list[Candidate] = field(default_factory=list)
    # Industries the same curated word names, searched together with the best ("software").
    related: list = field(default_factory=list)
    # Close known words, when nothing matched.
    did_you_mean: list[str] = field(default_factory=list)
    error: str = ""
    exact: bool = False

    @property
    def best(self):
        return self.candidates[0].industry if self.candidates else None

    @property
    def alternatives(self) -> list[Candidate]:
        """Other industries the text may mean, shown as choices beside the results."""
        related = {i.pk for i in self.related}
        return [c for c in self.candidates[1:] if c.industry.pk not in related]

    @property
    def ambiguous(self) -> bool:
        """True when another industry fits about as well as the best and is not beneath it."""
        if self.exact or len(self.candidates) < 2:
            return False
        best = self.candidates[0]
        return any(
            c.score >= 0.97 * best.score
            and not c.industry.code.startswith(best.industry.code)
            and not best.industry.code.startswith(c.industry.code)
            for c in self.alternatives
        )


class Vocabulary:
    """The in-process index: stems to the entries holding them, weighted by rarity."""

    def __init__(self, industries, entries):
        self.industries = {i.pk: i for i in industries}
        self.by_code = {i.code: i for i in industries}
        self.by_slug = {i.slug: i for i in industries}
        self.successors: dict[str, list[str]] = {}
        self.by_title: dict[str, object] = {}
        for industry in sorted(industries, key=lambda i: len(i.code)):
            self.by_title[fold(industry.title)] = industry  # NAICS repeats titles: deepest wins
        self.synonyms: dict[frozenset, list] = defaultdict(list)
        self.entries: list[Entry] = []
        postings: dict[str, list[int]] = defaultdict(list)
        self.word_counts: dict[str, int] = defaultdict(int)
        for industry_id, text, kind in entries:
            entry = _parse(industry_id, text, kind)
            if not entry.stems:
                continue
            for word in entry.surface:
                self.word_counts[word] += 1
            for s in entry.stems:
                postings[s].append(len(self.entries))
            self.entries.append(entry)
            if kind == "synonym":
                named = self.synonyms[entry.surface]
                if self.industries[industry_id] not in named:
                    named.append(self.industries[industry_id])
        total = len(self.entries)
        self.weights = {s: math.log(1 + total / len(ids)) for s, ids in postings.items()}
        self.postings = {s: tuple(ids) for s, ids in postings.items()}
        # What each text matched: owners' words repeat, and the index never changes (a change
        # of the words builds a new one). Bounded: visitors' words pass through here too.
        self._matched: dict[tuple[str, int, bool], Result] = {}
        self.median_weight = sorted(self.weights.values())[len(self.weights) // 2]
        self.core_weight = [sum(self.weights[s] for s in e.core) for e in self.entries]
        self.known_words = sorted(self.word_counts)
        self.texts = sorted({e.text for e in self.entries if e.kind != "index"})
        self._lineages: dict[str, tuple[int, ...]] = {}
        self._by_prefix: dict[str, list[int]] | None = None

    def lineage_ids(self, industry: Industry) -> tuple[int, ...] | None:
        """The primary keys of ``industry`` and of every industry beneath it (None if the
        index does not hold it), worked out once per index from the codes in memory."""
        if industry.code not in self.by_code:
            return None
        ids = self._lineages.get(industry.code)
        if ids is None:
            beneath = self._beneath_prefix()
            ids = tuple(sorted({pk for p in industry.code_prefixes for pk in beneath.get(p, ())}))
            self._lineages[industry.code] = ids
        return ids

    def _beneath_prefix(self) -> dict[str, list[int]]:
        """Each code prefix (two digits and more) and the keys of the industries whose code
        begins with it: built once, on the first lineage asked for."""
        if self._by_prefix is None:
            by_prefix: dict[str, list[int]] = defaultdict(list)
            for code, industry in self.by_code.items():
                for end in range(2, len(code) + 1):
                    by_prefix[code[:end]].append(industry.pk)
            self._by_prefix = dict(by_prefix)
        return self._by_prefix

    # Look-ups ---------------------------------------------------------------------------

    def _code(self, text: str) -> list | None:
        found = _CODE.match(text.strip())
        if not found:
            return None
        code = found.group(1) or f"{found.group(2)}-{found.group(3)}"
        code = _SECTOR_OF.get(code, code)
        if code in self.by_code:
            return [self.by_code[code]]
        successors = [self.by_code[c] for c in self.successors.get(code, []) if c in self.by_code]
        return successors

    def _correct(self, word: str) -> str | None:
        """The closest known word to an unknown one ("furnature" -> "furniture")."""
        if len(word) < 4 or word.isdigit():
            return None
        limit = 1 if len(word) < 8 else 2
        close = process.extract(
            word, self.known_words, scorer=OSA.distance, score_cutoff=limit, limit=8
        )
        if not close:
            return None
        return min(close, key=lambda c: (c[1], -self.word_counts[c[0]], c[0]))[0]

    def _query_stems(self, found: list[str], *, prefix: bool) -> list[set[str]]:
        """Each typed word as the set of stems it may stand for; ``found`` gets corrections."""
        groups = []
        for n, word in enumerate(found):
            s = stem(word)
            if s in self.postings:
                groups.append({s})
                continue
            if prefix and n == len(found) - 1 and len(word) >= 2:
                # The word being typed: any known word it begins, most common first.
                begun = [w for w in self.known_words if w.startswith(word)]
                begun.sort(key=lambda w: -self.word_counts[w])
                if begun:
                    groups.append({stem(w) for w in begun[:30]} & self.postings.keys())
                    continue
            corrected = self._correct(word)
            if corrected:
                found[n] = corrected
            groups.append({stem(corrected)} if corrected else set())
        return groups

    def match(self, text: str, *, limit: int = 8, prefix: bool = False) -> Result:
        """What ``text`` matches, remembered: each caller gets its own copies, industries
        included, as from a match made afresh."""
        key = (text, limit, prefix)
        found = self._matched.get(key)
        if found is None:
            found = self._match(text, limit=limit, prefix=prefix)
            if len(self._matched) >= MATCHES_KEPT:
                self._matched.clear()
            self._matched[key] = found
        return replace(
            found,
            candidates=[replace(c, industry=copy.copy(c.industry)) for c in found.candidates],
            related=[copy.copy(industry) for industry in found.related],
            did_you_mean=list(found.did_you_mean),
        )

    def _match(self, text: str, *, limit: int, prefix: bool) -> Result:
        text = " ".join(str(text).replace("\x00", " ").split())
        result = Result(text=text)
        if not text:
            return result
        if len(text) > MAX_TEXT:
            result.error = f"That is too long for an industry: use at most {MAX_TEXT} characters."
            return result
        by_code = self._code(text)
        if by_code is not None:
            result.exact = len(by_code) == 1
            result.candidates = [Candidate(copy.copy(i), i.code, "code", 1.0) for i in by_code]
            return result
        exact = self.by_slug.get(text) or self.by_title.get(fold(text))
        if exact:
            result.exact = True
            result.candidates = [Candidate(copy.copy(exact), exact.title, "title", 1.0)]
            return result
        found = words(text)
        groups = self._query_stems(found, prefix=prefix)
        surface = frozenset(singular(w) for w in found if w != "manufacturing")
        scored = self._score(groups)
        result.candidates = self._best_per_industry(scored, surface, limit)
        if not result.candidates:
            result.did_you_mean = self.did_you_mean(text)
            return result
        named = self.synonyms.get(surface, [])
        if len(named) > 1 and result.best in named:
            result.related = [copy.copy(i) for i in named if i != result.best]
        return result

    def _score(self, groups: list[set[str]]) -> dict[int, float]:
        """Each entry sharing a typed word, scored by how much of the text it explains and
        how much of itself the text covers, both weighted by the rarity of the words."""
        if not any(groups):
            return {}
        unknown = self.median_weight  # a word we could not place ("vegan") weighs like most
        # The last word names the thing ("pizza restaurant", "leather jackets"): it counts more.
        boost = [1.0] * len(groups)
        heads = [n for n, g in enumerate(groups) if g and not g <= TRADE | {MAKING}]
        if len(heads) > 1:
            boost[heads[-1]] = HEAD_BOOST
        query_weight = sum(
            b * max((self.weights[s] for s in g), default=unknown)
            for g, b in zip(groups, boost, strict=True)
        )
        trade_asked = any(g & TRADE for g in groups)
        matched: dict[int, float] = defaultdict(float)
        matched_core: dict[int, float] = defaultdict(float)
        for group, b in zip(groups, boost, strict=True):
            best_in_group: dict[int, tuple[float, str]] = {}
            for s in group:
                w = self.weights[s]
                for entry_id in self.postings[s]:
                    if best_in_group.get(entry_id, (0, ""))[0] < w:
                        best_in_group[entry_id] = (w, s)
            for entry_id, (w, s) in best_in_group.items():
                matched[entry_id] += w * b
                if s in self.entries[entry_id].core:
                    matched_core[entry_id] += w
        scores = {}
        for entry_id, weight in matched.items():
            query_cover = weight / query_weight
            if query_cover < 0.5:
                continue
            entry = self.entries[entry_id]
            entry_cover = matched_core[entry_id] / (self.core_weight[entry_id] or 1)
            score = query_cover * (0.7 + 0.3 * entry_cover)
            if not trade_asked and entry.stems & TRADE:
                score *= 0.85  # a bare product names its maker before its sellers
            if score >= MIN_SCORE:
                scores[entry_id] = score
        return scores

    def _best_per_industry(self, scores, surface, limit: int) -> list[Candidate]:
        kind_rank = {"synonym": 2, "title": 1, "index": 0}
        best: dict[int, tuple] = {}
        for entry_id, score in scores.items():
            entry = self.entries[entry_id]
            industry = self.industries[entry.industry_id]
            depth = len(industry.code.replace("-", ""))
            said = entry.surface == surface
            # The words themselves first, then curated words, then the most specific code.
            key = (round(score, 6), said, depth, kind_rank[entry.kind])
            if entry.industry_id not in best or key > best[entry.industry_id][0]:
                best[entry.industry_id] = (key, entry)
        ranked = sorted(best.values(), key=lambda item: (item[0], item[1].text), reverse=True)
        return [
            Candidate(copy.copy(self.industries[e.industry_id]), e.text, e.kind, key[0])
            for key, e in ranked[:limit]
        ]

    def did_you_mean(self, text: str, *, limit: int = 3) -> list[str]:
        """Known titles and synonyms close to an unknown text."""
        close = process.extract(
            fold(text), self.texts, scorer=fuzz.WRatio, processor=fold, limit=limit * 3
        )
        seen, result = set(), []
        for choice, score, _ in close:
            if score >= 85 and len(choice) > 3 and choice.lower() not in seen:
                seen.add(choice.lower())
                result.append(choice)
        return result[:limit]


@functools.cache
def _parse(industry_id, text, kind) -> Entry:
    return Entry.parse(industry_id, text, kind)


# The index of this process ---------------------------------------------------------------

_lock = threading.Lock()
_current: tuple[object, Vocabulary] | None = None
_cache_down_logged = False


def _cache_down():
    global _cache_down_logged
    if not _cache_down_logged:
        logger.warning("The cache is unreachable: each process keeps the vocabulary it has.")
        _cache_down_logged = True


def _version():
    try:
        return read_once_per_request(VERSION_KEY, lambda: cache.get(VERSION_KEY, 0))
    except Exception:  # A cache that is down must not stop the matcher: keep the index we have.
        _cache_down()
        return _current[0] if _current else 0


def _bump_shared_version():
    forget_read(VERSION_KEY)
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet, or evicted
        cache.set(VERSION_KEY, 1, timeout=None)
    except Exception:
        _cache_down()


def bump_version(**kwargs):
    """Curators changed industries or synonyms (a signal receiver): this process rebuilds at
    once, the others once the change is committed, so none rebuilds from the old rows."""
    global _current
    _current = None
    transaction.on_commit(_bump_shared_version)


DATA_DIR = Path(__file__).resolve().parent / "data"


@functools.cache
def successors_2017() -> dict[str, list[str]]:
    """2017 codes that 2022 dropped, each with the 2022 codes that took its place: a code from
    an older list still finds its industry."""
    successors = defaultdict(list)
    with open(DATA_DIR / "naics_2017_to_2022.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            successors[row["code_2017"]].append(row["code_2022"])
    return dict(successors)


def build() -> Vocabulary:
    """Read every industry, index entry and synonym: three queries."""
    industries = list(Industry.objects.all())
    entries = [(i.pk, i.title, "title") for i in industries]
    for industry in industries:
        entries += [(industry.pk, s, "synonym") for s in industry.synonym_list]
    entries += [
        (pk, text, "index") for pk, text in IndexEntry.objects.values_list("industry_id", "text")
    ]
    vocabulary = Vocabulary(industries, entries)
    vocabulary.successors = successors_2017()
    return vocabulary


def vocabulary() -> Vocabulary:
    global _current
    version = _version()
    current = _current
    if current is not None and current[0] == version:
        return current[1]
    with _lock:
        if _current is None or _current[0] != version:
            _current = (version, build())
        return _current[1]


def lineage_q(*industries: Industry, field: str = "industry") -> Q:
    """A filter matching rows whose ``field`` is one of ``industries`` or beneath one.

    It names the industries' keys, from the in-process index, so a read of hubs or businesses
    of an industry joins no industry table: a plain range of an index on ``field``. An
    industry the index does not hold yet is matched by its code instead."""
    index = vocabulary()
    ids: set[int] = set()
    by_code = Q()
    for industry in industries:
        found = index.lineage_ids(industry)
        if found is None:
            for prefix in industry.code_prefixes:
                by_code |= Q(**{f"{field}__code__startswith": prefix})
        else:
            ids.update(found)
    return (Q(**{f"{field}__in": sorted(ids)}) if ids else Q()) | by_code


def match(text: str, *, limit: int = 8, prefix: bool = False) -> Result:
    """Industries for what a person typed, best first (see the module's docstring)."""
    return vocabulary().match(text, limit=limit, prefix=prefix)


def one_industry(text: str):
    """The one industry a text names, for the API and the importers: a ValueError saying why
    otherwise (unknown, or several industries fit about as well, which it names)."""
    result = match(text)
    if result.error:
        raise ValueError(result.error)
    if not result.candidates:
        hint = f" Did you mean {' or '.join(result.did_you_mean)}?" if result.did_you_mean else ""
        raise ValueError(f"Unknown industry {result.text!r}.{hint}")
    if result.ambiguous or (result.candidates[0].kind == "code" and len(result.candidates) > 1):
        names = "; ".join(f"{c.industry.code} {c.industry.title}" for c in result.candidates[:5])
        raise ValueError(f"{result.text!r} may mean several industries: {names}. Give its code.")
    return result.best


def record_unmatched(text: str) -> None:
    """Count a text that matched nothing, folded and without anything about who typed it."""
    folded = fold(text)[:120]
    if not folded:
        return
    updated = UnmatchedIndustryText.objects.filter(text=folded).update(count=F("count") + 1)
    if not updated:
        UnmatchedIndustryText.objects.get_or_create(text=folded)
