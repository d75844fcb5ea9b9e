"""Businesses listed by their owners, and the local resources that help them."""

from typing import Any

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from hubs.models.base import Located, LocatedQuerySet, box_q, unique_slug
from hubs.models.industries import Industry
from hubs.models.places import Region
from hubs.models.visibility import ShownWhen
from hubs.routes import route_url

PUBLIC_POINT = ("public_latitude", "public_longitude")


def _public(exact: str, town: str) -> models.GeneratedField:
    """A coordinate of the point anyone may see, kept by the database beside the exact one."""
    return models.GeneratedField(
        expression=models.Case(models.When(location_public=True, then=exact), default=town),
        output_field=models.FloatField(),
        db_persist=True,
    )


class BusinessQuerySet(LocatedQuerySet["Business"]):
    """Businesses measured to the point anyone may see: exact, or only the town's centre.

    Measured from chosen points to a home business's exact spot, a distance, count or order would
    give its address away (move the point, watch the count change, bisect), so every spatial read
    of businesses uses the public point, which the database keeps in columns of its own.
    """

    def public_point_expressions(self):
        return models.F("public_latitude"), models.F("public_longitude")

    def public_box_q(self, *, lat, lng, radius_km):
        return box_q(lat=lat, lng=lng, radius_km=radius_km, fields=PUBLIC_POINT)


class Business(Located):
    """A business listed by its owners; it may belong to hubs through memberships."""

    class Size(models.TextChoices):
        SOLO = "1", "Just me"
        MICRO = "2-9", "2-9 people"
        SMALL = "10-49", "10-49 people"
        MEDIUM = "50-249", "50-249 people"
        LARGE = "250+", "250 or more"

    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=160, unique=True)
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, related_name="businesses")
    owners = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="businesses")
    address = models.CharField(max_length=250, blank=True)
    city = models.CharField(max_length=120)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="businesses")
    # The town's centre, shown instead of the exact point when the location is private.
    town_latitude = models.FloatField()
    town_longitude = models.FloatField()
    location_public = models.BooleanField(
        "show exact location",
        default=True,
        help_text="Off for a home-based business: only its town is shown.",
    )
    # The point anyone may see, which every distance, box and order of businesses reads.
    public_latitude = _public("latitude", "town_latitude")
    public_longitude = _public("longitude", "town_longitude")
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)
    logo = models.ImageField(upload_to="businesses/logos/", blank=True)
    size = models.CharField(max_length=8, choices=Size, blank=True)
    founded_year = models.PositiveSmallIntegerField(null=True, blank=True)
    is_demo = models.BooleanField(default=False, help_text="Generated demonstration data.")
    accepts_invitations = models.BooleanField(
        "hubs may invite it",
        default=True,
        help_text="Off: organizers of hubs nearby may not email the owners an invitation.",
    )
    confirmed_at = models.DateTimeField(
        null=True, blank=True, help_text="When an owner last confirmed the listing."
    )
    reminded_at = models.DateTimeField(
        null=True, blank=True, help_text="When the owners were last asked to confirm."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BusinessQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", *PUBLIC_POINT])

    class Meta(Located.Meta):
        ordering = ["name"]
        verbose_name_plural = "businesses"
        constraints = [
            *Located.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(town_latitude__gte=-90, town_latitude__lte=90)
                & models.Q(town_longitude__gte=-180, town_longitude__lte=180),
                name="hubs_business_town_range",
            ),
        ]
        # No index on the exact point: every spatial read boxes the public one.
        indexes = [
            # "Businesses of this industry near here", for "start the conversation".
            models.Index(fields=["industry", *PUBLIC_POINT], name="business_industry_public"),
            # The business directory, A to Z: its first page read in name order.
            models.Index(fields=["name"], name="business_name"),
            # Every read "near a place" boxes the public point (BusinessQuerySet.public_box_q).
            models.Index(fields=PUBLIC_POINT, name="business_public_latlng"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Business, self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return route_url("hubs:business", self.slug)

    @property
    def public_point(self):
        """The point anyone may see: exact, or only the town's centre for a private location."""
        if self.location_public:
            return (self.latitude, self.longitude)
        return (self.town_latitude, self.town_longitude)


class ResourceQuerySet(LocatedQuerySet["Resource"]):
    def reviewed(self):
        """Resources public pages may show: curated, or suggested and approved by a curator."""
        return self.filter(pending_review=False)

    def awaiting_review(self):
        return self.filter(pending_review=True)


class Resource(ShownWhen, Located):
    """A local organization that helps businesses: a chamber, an SBDC, an agency..."""

    class Kind(models.TextChoices):
        CHAMBER = "chamber", "Chamber of commerce"
        SBDC = "sbdc", "Small Business Development Center"
        SCORE = "score", "SCORE chapter"
        EDO = "edo", "Economic-development organization"
        GOVERNMENT = "government", "Government program"
        INCUBATOR = "incubator", "Incubator or accelerator"
        UNIVERSITY = "university", "University"
        MAKERSPACE = "makerspace", "Makerspace"
        COWORKING = "coworking", "Coworking space"
        CLUSTER = "cluster", "Cluster organization"
        ASSOCIATION = "association", "Trade association"
        CITY = "city", "City or town government"
        COUNTY = "county", "County government"
        MAYOR = "mayor", "Mayor's office"
        STATE_AGENCY = "state_agency", "State or provincial agency"
        FEDERAL_AGENCY = "federal", "National or federal agency"

    # Partners that "get government involved", the builder's fourth step.
    PUBLIC_SECTOR = frozenset(
        {
            Kind.GOVERNMENT,
            Kind.CITY,
            Kind.COUNTY,
            Kind.MAYOR,
            Kind.STATE_AGENCY,
            Kind.FEDERAL_AGENCY,
        }
    )

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=210, unique=True)
    kind = models.CharField(max_length=12, choices=Kind)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="resources")
    city = models.CharField(max_length=120, blank=True)
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)
    pending_review = models.BooleanField(
        default=False,
        help_text="Suggested by a hub's organizers: shown on public pages once a curator "
        "unticks this.",
    )
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggested_resources",
    )

    objects = ResourceQuerySet.as_manager()
    history = HistoricalRecords()

    shown_field = "pending_review"

    class Meta(Located.Meta):
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Resource, self.name)
        super().save(*args, **kwargs)

    @classmethod
    def shows(cls, value: Any) -> bool:
        """Public pages show reviewed resources only (``ResourceQuerySet.reviewed``)."""
        return not value

    @property
    def is_public_sector(self):
        return self.kind in self.PUBLIC_SECTOR
