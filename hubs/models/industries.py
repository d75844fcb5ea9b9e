"""Industries: the 2022 NAICS hierarchy, with synonyms and complementary industries."""

from django.db import models
from django.urls import reverse


class IndustryQuerySet(models.QuerySet):
    def search(self, text):
        """Industries whose code, title or synonyms contain ``text``, most general first."""
        text = text.strip()
        if not text:
            return self.none()
        if text.replace("-", "").isdigit():
            return self.filter(code__startswith=text).order_by("code")
        return self.filter(
            models.Q(title__icontains=text) | models.Q(synonyms__icontains=text)
        ).order_by(models.functions.Length("code"), "code")


class Industry(models.Model):
    """A code of the 2022 North American Industry Classification System (NAICS)."""

    code = models.CharField(max_length=6, unique=True)
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    synonyms = models.CharField(
        max_length=500, blank=True, help_text="Plain words people search for, separated by ';'."
    )
    complements = models.ManyToManyField(
        "self",
        symmetrical=True,
        blank=True,
        help_text="Industries that supply, buy from or share skills with this one.",
    )

    objects = IndustryQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "industries"

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse("hubs:industry", args=[self.slug])

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

    def lineage_q(self, field="industry"):
        """A filter matching rows whose ``field`` is this industry or one beneath it."""
        q = models.Q()
        for prefix in self.code_prefixes:
            q |= models.Q(**{f"{field}__code__startswith": prefix})
        return q
