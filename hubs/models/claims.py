"""Claims: a person asking to take over a hub or a business that nobody runs on the site yet."""

from django.conf import settings
from django.db import models

from hubs.models.businesses import Business
from hubs.models.hubs import Hub


class ClaimQuerySet(models.QuerySet):
    """Claims by status: the only place a status is spelled out in a filter."""

    def pending(self):
        return self.filter(status=Claim.Status.PENDING)

    def approved(self):
        return self.filter(status=Claim.Status.APPROVED)

    def of_listing(self, listing):
        """Claims on ``listing``, a hub or a business."""
        if isinstance(listing, Hub):
            return self.filter(hub=listing)
        return self.filter(business=listing)


class Claim(models.Model):
    """Someone's request to run a hub (as its organizer) or a business (as its owner).

    Curators decide. The database holds the rules a race could break: one approved claim per
    listing, and one pending claim per person per listing.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"

    class Verification(models.TextChoices):
        EMAIL = "email", "A work email on the listing's web domain"
        NOTE = "note", "A note for the curators"

    claimant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="claims"
    )
    hub = models.ForeignKey(
        Hub, null=True, blank=True, on_delete=models.CASCADE, related_name="claims"
    )
    business = models.ForeignKey(
        Business, null=True, blank=True, on_delete=models.CASCADE, related_name="claims"
    )
    # A hub is run by businesses (memberships): the claimant's business that will organize it.
    organizing_business = models.ForeignKey(
        Business,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="hub_claims",
        help_text="For a hub: the claimant's business that becomes its organizer.",
    )
    role = models.CharField("who they are", max_length=150)
    verification = models.CharField(max_length=5, choices=Verification)
    work_email = models.EmailField(blank=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True, max_length=2000)
    status = models.CharField(max_length=8, choices=Status, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decided_claims",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Why it was refused; sent to the claimant.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hub__isnull=False, business__isnull=True)
                | models.Q(hub__isnull=True, business__isnull=False),
                name="claim_one_listing",
            ),
            models.CheckConstraint(
                condition=models.Q(hub__isnull=True) | models.Q(organizing_business__isnull=False),
                name="claim_hub_names_its_business",
            ),
            models.CheckConstraint(
                condition=~models.Q(verification="email") | ~models.Q(work_email=""),
                name="claim_email_verification_has_an_email",
            ),
            models.UniqueConstraint(
                fields=["hub"],
                condition=models.Q(status="approved"),
                name="claim_one_approved_per_hub",
            ),
            models.UniqueConstraint(
                fields=["business"],
                condition=models.Q(status="approved"),
                name="claim_one_approved_per_business",
            ),
            models.UniqueConstraint(
                fields=["claimant", "hub"],
                condition=models.Q(status="pending"),
                name="claim_one_pending_per_user_hub",
            ),
            models.UniqueConstraint(
                fields=["claimant", "business"],
                condition=models.Q(status="pending"),
                name="claim_one_pending_per_user_business",
            ),
        ]

    def __str__(self):
        return f"{self.claimant} claims {self.listing}"

    @property
    def listing(self):
        return self.hub or self.business

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING

    @property
    def is_approved(self):
        return self.status == self.Status.APPROVED

    @property
    def email_verified(self):
        return self.email_verified_at is not None
