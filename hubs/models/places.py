"""Where things are: regions (country > state > metro) and the gazetteer of typed places."""

from django.db import models
from django.db.models.functions import Lower

from hubs.models.base import Located
from hubs.placenames import country_name
from hubs.routes import route_url


class Region(Located):
    """A country, a state or province, or a metro area or county, each with its centroid."""

    class Kind(models.TextChoices):
        COUNTRY = "country", "Country"
        STATE = "state", "State or province"
        METRO = "metro", "Metro area or county"

    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=160, unique=True)
    kind = models.CharField(max_length=10, choices=Kind)
    code = models.CharField(max_length=10, blank=True, help_text="ISO country or state code.")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta(Located.Meta):
        ordering = ["name"]
        constraints = [
            *Located.Meta.constraints,
            models.UniqueConstraint(Lower("name"), "parent", name="region_name_unique_in_parent"),
        ]

    def __str__(self):
        if self.kind == self.Kind.STATE and self.parent_id:
            return f"{self.name}, {self.parent.code or self.parent.name}"
        return self.name

    def get_absolute_url(self):
        return route_url("hubs:region", self.slug)

    def within_q(self, field="region"):
        """A filter matching rows whose ``field`` is this region or one beneath it (regions
        nest two levels: country > state > metro)."""
        return (
            models.Q(**{field: self})
            | models.Q(**{f"{field}__parent": self})
            | models.Q(**{f"{field}__parent__parent": self})
        )

    @property
    def country_code(self):
        """The ISO code of the region's country (its parents are read, so select them)."""
        region = self
        while region.parent_id and region.kind != self.Kind.COUNTRY:
            region = region.parent
        return region.code


class Place(Located):
    """An entry of the gazetteer: a town (GeoNames), a US ZIP code, or an area (a country, a
    state or province, a US county) centred on its towns."""

    class Kind(models.TextChoices):
        CITY = "city", "City"
        POSTCODE = "postcode", "Postcode"
        COUNTRY = "country", "Country"
        STATE = "state", "State or province"
        COUNTY = "county", "County"

    kind = models.CharField(max_length=10, choices=Kind)
    name = models.CharField(max_length=200)
    admin1 = models.CharField(max_length=20, blank=True, help_text="State or province code.")
    country = models.CharField(max_length=2)
    population = models.PositiveIntegerField(default=0)
    source_id = models.CharField(
        max_length=20,
        help_text="GeoNames id, ZIP code, ISO country code, CC.admin1 code or county FIPS code.",
    )
    time_zone = models.CharField(
        max_length=50, blank=True, help_text="IANA name (America/Denver), from GeoNames."
    )
    radius_km = models.FloatField(
        default=0, help_text="For an area: the radius from its centre that holds most of its towns."
    )

    class Meta(Located.Meta):
        constraints = [
            *Located.Meta.constraints,
            models.UniqueConstraint(fields=["kind", "source_id"], name="place_unique_source"),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        """How people write the place: "Ogden, UT", "84401 Ogden, UT", "Stuttgart, Germany",
        "Cook County, IL", "Ontario, Canada", "Germany"."""
        if self.kind == self.Kind.COUNTRY:
            return self.name
        if self.kind == self.Kind.STATE:
            return f"{self.name}, {'USA' if self.country == 'US' else country_name(self.country)}"
        if self.country == "US":
            prefix = f"{self.source_id} " if self.kind == self.Kind.POSTCODE else ""
            return f"{prefix}{self.name}, {self.admin1}"
        return f"{self.name}, {country_name(self.country)}"


class PlaceName(models.Model):
    """A folded name under which a place is found: its own name, a ZIP code or an exonym."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="names")
    # Folded by gazetteer.fold(): lower case, no accents or punctuation, "st" for "saint".
    key = models.CharField(max_length=200)
    is_primary = models.BooleanField(default=True)
    # Copied from the place so that one index serves the look-up and its ordering.
    population = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["key", "-is_primary", "-population"], name="placename_lookup"),
        ]

    def __str__(self):
        return self.key
