"""Hubs: a city or region where businesses of one industry cluster, and their stage."""

from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from hubs.models.base import Located, LocatedQuerySet, unique_slug
from hubs.models.industries import Industry
from hubs.models.places import Region
from hubs.models.visibility import ShownWhen
from hubs.routes import route_url


class Stage(models.TextChoices):
    NASCENT = "nascent", "Nascent"
    EMERGING = "emerging", "Emerging"
    ESTABLISHED = "established", "Established"


def stage_for_members(count):
    """The stage a hub with ``count`` active members has reached, by the settings' thresholds."""
    if count >= settings.HUB_STAGE_ESTABLISHED_MEMBERS:
        return Stage.ESTABLISHED
    if count >= settings.HUB_STAGE_EMERGING_MEMBERS:
        return Stage.EMERGING
    return Stage.NASCENT


zone_names = cache(available_timezones)


def validate_time_zone(name):
    if name not in zone_names():
        raise ValidationError(f"{name!r} is not a time zone name such as America/Denver.")


class HubQuerySet(LocatedQuerySet["Hub"]):
    """Hubs by review status (the only place a status is spelled out in a filter), and where."""

    def approved(self):
        return self.filter(status=Hub.Status.APPROVED)

    def pending(self):
        return self.filter(status=Hub.Status.PENDING)

    def approved_or_pending(self):
        """Hubs that stand or may soon: neither rejected nor archived."""
        return self.filter(status__in=[Hub.Status.APPROVED, Hub.Status.PENDING])

    def in_person(self):
        return self.filter(mode=Hub.Mode.IN_PERSON)

    def online(self):
        return self.filter(mode=Hub.Mode.ONLINE)

    def covering(self, region=None, *, country="", admin1=""):
        """Online hubs whose coverage reaches a region (a country: worldwide, the country or
        any of its states; a state or metro: worldwide, its country or its state), or a place
        given by its ISO country and GeoNames state codes, as the gazetteer knows a town."""
        covered = Hub.covered_regions.through.objects.filter(hub=OuterRef("pk"))
        if region is not None:
            lineage = [region.pk]
            parent = region.parent
            while parent is not None:
                lineage.append(parent.pk)
                parent = parent.parent
            reaches = models.Q(region__in=lineage) | models.Q(region__parent=region)
        elif country:
            country_q = models.Q(region__kind=Region.Kind.COUNTRY, region__code=country)
            state_q = models.Q(
                region__kind=Region.Kind.STATE, region__code=admin1, region__parent__code=country
            )
            reaches = country_q | state_q if admin1 else country_q
        else:  # A point no country claims (the open sea): only worldwide hubs reach it.
            return self.online().filter(covers_worldwide=True)
        return self.online().filter(
            models.Q(covers_worldwide=True) | Exists(covered.filter(reaches))
        )


class Hub(ShownWhen, Located):
    """A city or region where businesses of one industry cluster."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        ARCHIVED = "archived", "Archived"

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        ONLINE = "online", "Online"

    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=160, unique=True)
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, related_name="hubs")
    secondary_industries = models.ManyToManyField(
        Industry, blank=True, related_name="secondary_hubs"
    )
    mode = models.CharField(
        "meets", max_length=10, choices=Mode, default=Mode.IN_PERSON, db_default=Mode.IN_PERSON
    )
    # Where an online hub takes members from: the whole world, or countries and states.
    covers_worldwide = models.BooleanField(
        "worldwide", default=False, db_default=False, help_text="Online hubs only."
    )
    covered_regions = models.ManyToManyField(
        Region,
        blank=True,
        related_name="covering_hubs",
        verbose_name="coverage",
        help_text="Online hubs only: the countries, states or provinces it takes members from.",
    )
    # An in-person hub is a point; an online hub may have a home base or none.
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="hubs"
    )
    time_zone = models.CharField(
        max_length=50,
        default="UTC",
        validators=[validate_time_zone],
        help_text="IANA name (America/Denver): meetings are shown in it.",
    )
    description = models.TextField(blank=True)
    mission = models.TextField(
        "mission statement", blank=True, help_text="What the hub's organization sets out to do."
    )
    website = models.URLField(blank=True)
    linkedin_url = models.URLField("LinkedIn", blank=True)
    x_url = models.URLField("X (Twitter)", blank=True)
    facebook_url = models.URLField("Facebook", blank=True)
    founded_year = models.PositiveSmallIntegerField(null=True, blank=True)
    cover_image = models.ImageField(upload_to="hubs/covers/", blank=True)
    member_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="Active member businesses."
    )
    stage = models.CharField(max_length=12, choices=Stage, default=Stage.NASCENT, editable=False)
    stage_override = models.CharField(
        max_length=12,
        choices=Stage,
        blank=True,
        help_text="Leave blank to follow the number of active members.",
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    status_reason = models.TextField(blank=True, help_text="Shown to the organizers.")
    is_demo = models.BooleanField(default=False, help_text="Generated demonstration data.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="created_hubs",
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmed_at = models.DateTimeField(
        null=True, blank=True, help_text="When an organizer last confirmed the listing."
    )
    reminded_at = models.DateTimeField(
        null=True, blank=True, help_text="When the organizers were last asked to confirm."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HubQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["member_count", "stage", "updated_at"])
    # When its next meeting starts (None: none to come), on rows read for cards and lists
    # (``queries.with_next_meeting``, ``search.hub_cards``).
    next_meeting_at: datetime | None

    shown_field = "status"

    class Meta(Located.Meta):
        ordering = ["name"]
        constraints = [
            *Located.Meta.constraints,
            models.UniqueConstraint(
                Lower("name"),
                "industry",
                "region",
                name="hub_name_unique_per_industry_region",
                violation_error_message="A hub of this industry and region has this name already.",
            ),
            models.UniqueConstraint(
                Lower("name"),
                "industry",
                condition=models.Q(region__isnull=True),
                name="hub_name_unique_per_industry_without_base",
                violation_error_message="An online hub of this industry has this name already.",
            ),
            models.CheckConstraint(
                condition=models.Q(mode="online")
                | models.Q(latitude__isnull=False, longitude__isnull=False, region__isnull=False),
                name="hub_in_person_has_point",
                violation_error_message="A hub that meets in person needs a place.",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="hub_point_whole",
                violation_error_message="A position needs both its latitude and longitude.",
            ),
            models.CheckConstraint(
                condition=models.Q(mode="online") | models.Q(covers_worldwide=False),
                name="hub_worldwide_online_only",
                violation_error_message="Only an online hub can cover the world.",
            ),
        ]
        indexes = [
            *Located.Meta.indexes,
            models.Index(fields=["status", "stage"], name="hub_status_stage"),
            # "Approved hubs of this industry near here": the search's main read.
            models.Index(
                fields=["industry", "latitude", "longitude"],
                condition=models.Q(status="approved"),
                name="hub_approved_industry_latlng",
            ),
            # A search's group of online hubs: the few of an industry (a sector's ~600 codes
            # included) found without visiting its thousands of hubs that meet in person.
            models.Index(
                fields=["industry"],
                condition=models.Q(status="approved", mode="online"),
                name="hub_approved_online_industry",
            ),
            # The hub list, A to Z: the first page read in name order, not sorted from all hubs.
            models.Index(
                fields=["name"], condition=models.Q(status="approved"), name="hub_approved_name"
            ),
            # The home page's map and an industry's hubs without a place: most members first.
            models.Index(
                models.F("member_count").desc(),
                "name",
                condition=models.Q(status="approved"),
                name="hub_approved_members",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Hub, self.name)
        self.stage = self.stage_override or stage_for_members(self.member_count)
        if self.status == self.Status.APPROVED and self.approved_at is None:
            self.approved_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "approved_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return route_url("hubs:hub", self.slug)

    @classmethod
    def shows(cls, value: Any) -> bool:
        """Public pages show approved hubs only; one under review, rejected or archived is
        seen by its organizers alone (its page is built for them and never kept)."""
        return value == cls.Status.APPROVED

    @property
    def zone(self) -> ZoneInfo:
        """The hub's time zone; UTC if its name is unknown to this system's database."""
        try:
            return ZoneInfo(self.time_zone)
        except (KeyError, ValueError):
            return ZoneInfo("UTC")

    @property
    def is_approved(self):
        return self.status == self.Status.APPROVED

    @property
    def is_rejected(self):
        return self.status == self.Status.REJECTED

    @property
    def is_online(self):
        return self.mode == self.Mode.ONLINE

    @property
    def point(self):
        """The hub's place or an online hub's home base; None for an online hub without one."""
        if self.latitude is None or self.longitude is None:
            return None
        return (self.latitude, self.longitude)

    @cached_property
    def coverage_names(self):
        """Where an online hub takes members from: ["Worldwide"], ["Canada", "Nebraska, US"]
        (prefetch ``covered_regions`` when listing many)."""
        if self.covers_worldwide:
            return ["Worldwide"]
        return [str(region) for region in self.covered_regions.all()]

    @property
    def coverage_label(self):
        """The coverage in a sentence: "Worldwide", "Canada; Nebraska, US"."""
        return "; ".join(self.coverage_names)

    @property
    def where(self):
        """Where a sentence places the hub: "in Ogden, UT", "online, for Canada"."""
        if not self.is_online:
            return f"in {self.region}"
        coverage = self.coverage_label
        return f"online, for {coverage}" if coverage else "online"

    def refresh_member_count(self):
        """Recount active members and store the count and the stage it gives."""
        count = self.memberships.active().count()
        if count == self.member_count and self.stage == (
            self.stage_override or stage_for_members(count)
        ):
            return
        self.member_count = count
        # member_count and stage are left out of the history: a recount is not an edit.
        self.skip_history_when_saving = True
        try:
            self.save(update_fields=["member_count", "stage", "updated_at"])
        finally:
            del self.skip_history_when_saving
