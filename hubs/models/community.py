"""How businesses build a hub together: memberships, partners, press, news and interest."""

from typing import Any

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from hubs.models.businesses import Business, Resource
from hubs.models.hubs import Hub
from hubs.models.industries import Industry
from hubs.models.visibility import ShownWhen, ShownWithHub, shown_with


class Connection(models.TextChoices):
    """The kinds of connection a member can bring to a hub."""

    PUBLIC_OFFICE = "public_office", "Public office"
    COMMUNITY = "community", "Community leaders"
    FINANCE = "finance", "Finance and investors"
    RESEARCH = "research", "Universities and research"
    MEDIA = "media", "Media and bloggers"
    TRADE = "trade", "Suppliers and customers"


class MembershipQuerySet(models.QuerySet):
    """Memberships by state and role: the only place either is spelled out in a filter."""

    def active(self):
        return self.filter(state=Membership.State.ACTIVE)

    def requested(self):
        return self.filter(state=Membership.State.REQUESTED)

    def current(self):
        """Requested or active: every membership but those that were left or removed."""
        return self.exclude(state__in=[Membership.State.LEFT, Membership.State.REMOVED])

    def removed(self):
        return self.filter(state=Membership.State.REMOVED)

    def organizers(self):
        return self.filter(role=Membership.Role.ORGANIZER)


class Membership(ShownWhen):
    """A business in a hub."""

    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        ORGANIZER = "organizer", "Organizer"

    class State(models.TextChoices):
        REQUESTED = "requested", "Requested"
        ACTIVE = "active", "Active"
        LEFT = "left", "Left"
        REMOVED = "removed", "Removed by the organizers"

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="memberships")
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role, default=Role.MEMBER)
    state = models.CharField(max_length=10, choices=State, default=State.REQUESTED)
    connections = models.JSONField(
        default=list, blank=True, help_text="Kinds of connection the member offers the hub."
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    joined_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removal_reason = models.TextField(
        blank=True, max_length=1000, help_text="Why the organizers removed it; shown to its owners."
    )

    history = HistoricalRecords()

    objects = MembershipQuerySet.as_manager()

    shown_field = "state"

    class Meta:
        ordering = ["-role", "business__name"]
        constraints = [
            models.UniqueConstraint(fields=["hub", "business"], name="membership_once_per_hub"),
        ]
        indexes = [models.Index(fields=["hub", "state"], name="membership_hub_state")]

    def __str__(self):
        return f"{self.business} in {self.hub}"

    @classmethod
    def shows(cls, value: Any) -> bool:
        """Public pages show active memberships only (the members, their count and
        connections, the builder's steps, a business's hubs, who runs a hub, which businesses
        belong to no hub); a request, a declined one, a departure or a removal is seen by the
        business's owners and the hub's organizers alone, on pages nobody else is served."""
        return value == cls.State.ACTIVE

    @property
    def is_active(self):
        return self.state == self.State.ACTIVE

    @property
    def is_requested(self):
        return self.state == self.State.REQUESTED

    @property
    def is_left(self):
        return self.state == self.State.LEFT

    @property
    def is_removed(self):
        return self.state == self.State.REMOVED

    @property
    def is_organizer(self):
        """Holds the organizer role (a request or a departure may keep it for the record)."""
        return self.role == self.Role.ORGANIZER

    @property
    def is_active_organizer(self):
        """May manage the hub: an organizer whose membership is active."""
        return self.is_active and self.is_organizer

    @property
    def connection_labels(self):
        labels = dict(Connection.choices)
        return [labels[c] for c in self.connections if c in labels]


class Partner(ShownWithHub, models.Model):
    """A local resource or agency that organizers record as engaged with their hub."""

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="partners")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="partners")
    note = models.CharField(max_length=300, blank=True, help_text="How they are involved.")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["resource__name"]
        constraints = [
            models.UniqueConstraint(fields=["hub", "resource"], name="partner_once_per_hub"),
        ]

    def __str__(self):
        return f"{self.resource} with {self.hub}"

    def shown_publicly(self) -> bool:
        """Public pages show a partner of an approved hub once its resource is reviewed (one
        an organizer suggested waits for a curator)."""
        return shown_with(self, "hub") and shown_with(self, "resource")


class Invitation(models.Model):
    """A hub's invitation to a business nearby that belongs to no hub: once per hub and business."""

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="invitations")
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="invitations")
    message = models.TextField(max_length=2000)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["hub", "business"], name="invitation_once_per_hub"),
        ]

    def __str__(self):
        return f"{self.hub} invited {self.business}"


class Mention(ShownWithHub, models.Model):
    """A press article or blog post about a hub, recorded by its organizers."""

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="mentions")
    title = models.CharField(max_length=200)
    url = models.URLField("link")
    published_on = models.DateField(null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Undated mentions last on every database (PostgreSQL puts NULLs first when descending).
        ordering = [models.F("published_on").desc(nulls_last=True), "-created_at"]

    def __str__(self):
        return self.title


class Interest(models.Model):
    """An owner's "I'd join one": interest in a hub of an industry near their business."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="interests")
    industry = models.ForeignKey(Industry, on_delete=models.CASCADE, related_name="interests")
    created_at = models.DateTimeField(auto_now_add=True)
    invited_at = models.DateTimeField(
        null=True, blank=True, help_text="When enough neighbours agreed and this owner was told."
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["business", "industry"], name="interest_once_per_industry"
            ),
        ]

    def __str__(self):
        return f"{self.business} would join a {self.industry.title} hub"


class Update(ShownWithHub, models.Model):
    """A short piece of news that organizers post on their hub's page."""

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="updates")
    title = models.CharField(max_length=150)
    body = models.TextField(max_length=3000)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"{self.hub.get_absolute_url()}#update-{self.pk}"
