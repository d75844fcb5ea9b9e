"""Industries: the 2022 NAICS hierarchy, with its index entries, curated synonyms, complementary
industries, and the words visitors typed that matched none of them."""

from django.db import models

from hubs.routes import route_url


class Industry(models.Model):
    """A code of the 2022 North American Industry Classification System (NAICS)."""

    code = models.CharField(max_length=6, unique=True)
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    synonyms = models.TextField(
        blank=True,
        help_text="Words owners use that the NAICS index lacks or ranks badly, separated by "
        "';' (e.g. “AI; machine learning”). A word on several industries searches them together.",
    )
    complements = models.ManyToManyField(
        "self",
        symmetrical=True,
        blank=True,
        help_text="Industries that supply, buy from or share skills with this one.",
    )

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "industries"

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return route_url("hubs:industry", self.slug)

    @property
    def level(self):
        if "-" in self.code:
            return "Sector"
        return {2: "Sector", 3: "Subsector", 4: "Industry group", 5: "Industry"}.get(
            len(self.code), "National industry"
        )

    @property
    def synonym_list(self):
        return [s.strip() for s in self.synonyms.split(";") if s.strip()]

    @property
    def code_prefixes(self):
        """The code prefixes that this industry and its descendants share: 31-33 is 31, 32, 33."""
        if "-" in self.code:
            first, last = (int(part) for part in self.code.split("-"))
            return [str(n) for n in range(first, last + 1)]
        return [self.code]


class IndexEntry(models.Model):
    """An entry of the Census Bureau's 2022 NAICS index: "Surfboards manufacturing" -> 339920."""

    industry = models.ForeignKey(Industry, on_delete=models.CASCADE, related_name="index_entries")
    text = models.CharField(max_length=250)

    class Meta:
        ordering = ["industry", "text"]
        verbose_name = "NAICS index entry"
        verbose_name_plural = "NAICS index entries"
        constraints = [
            models.UniqueConstraint(fields=["industry", "text"], name="index_entry_once"),
        ]

    def __str__(self):
        return self.text


class UnmatchedIndustryText(models.Model):
    """What visitors typed as an industry that matched nothing, folded, with a count: no
    personal data, so curators can grow the synonyms from real use."""

    text = models.CharField(max_length=120, unique=True)
    count = models.PositiveIntegerField(default=1)
    first_seen = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-count", "text"]
        verbose_name = "unmatched industry word"

    def __str__(self):
        return self.text
