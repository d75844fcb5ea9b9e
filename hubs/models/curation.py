"""What curators keep: flags from visitors, and redirects left by merges."""

from django.conf import settings
from django.db import models

from hubs.models.businesses import Business
from hubs.models.hubs import Hub


class HubRedirect(models.Model):
    """The slug of a hub merged into another: its old URL leads to the survivor."""

    old_slug = models.SlugField(max_length=160, unique=True)
    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.old_slug} → {self.hub.slug}"


class BusinessRedirect(models.Model):
    """The slug of a business merged into another: its old URL leads to the survivor."""

    old_slug = models.SlugField(max_length=160, unique=True)
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.old_slug} → {self.business.slug}"


class Flag(models.Model):
    """A signed-in user's report that a hub or a business is wrong, closed, spam, or that a hub
    duplicates another."""

    class Reason(models.TextChoices):
        WRONG = "wrong", "Wrong or outdated information"
        CLOSED = "closed", "Closed or no longer active"
        SPAM = "spam", "Spam or not a real listing"
        STALE = "stale", "Not confirmed by its organizers"
        DUPLICATE = "duplicate", "A duplicate of another hub"
        UNCLAIMED = "unclaimed", "Nobody runs it on the site, and someone wants to reach it"

    hub = models.ForeignKey(
        Hub, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    business = models.ForeignKey(
        Business, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    reason = models.CharField(max_length=10, choices=Reason)
    # Emptied if that hub is later deleted or merged away; the flag keeps its note.
    duplicate_of = models.ForeignKey(
        Hub,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicate_flags",
        help_text="The hub this one duplicates, for a duplicate report.",
    )
    note = models.TextField(blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="flags"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resolved_flags",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(blank=True, help_text="What the curator did, and why.")

    class Meta:
        ordering = ["resolved_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hub__isnull=False, business__isnull=True)
                | models.Q(hub__isnull=True, business__isnull=False),
                name="flag_one_target",
            ),
            models.CheckConstraint(
                condition=models.Q(duplicate_of__isnull=True)
                | models.Q(reason="duplicate", hub__isnull=False),
                name="flag_duplicate_of_a_hub",
            ),
        ]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.hub or self.business}"

    @property
    def target(self):
        return self.hub or self.business
