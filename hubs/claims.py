"""Claiming a listing nobody runs on the site: asking, proving a work email, a curator's decision.

Writes follow services.py: keyword-only functions, one transaction each, mail through the
outbox after commit. The database's constraints decide races (two approvals of one listing,
a double click on "Claim").
"""

from typing import Any
from urllib.parse import urlsplit

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from hubs.models import Business, Claim, Flag, Hub, Membership
from hubs.services import ActionRefused, absolute_url, send_after_commit

VERIFY_SALT = "claims.verify-email"
VERIFY_LINK_MAX_AGE = 7 * 24 * 3600  # Seconds a work-email verification link stays valid.

Listing = Hub | Business


def _organizers_with_people() -> QuerySet[Membership]:
    """Active organizer memberships whose business has an owner to read mail (the demo's and
    curators' imported organizer businesses have none). Asked of the owners' table alone: a
    join through the businesses made a hub page's read take PostgreSQL about a third longer to
    plan."""
    owned = Business.owners.through.objects.filter(business=OuterRef("business"))
    return Membership.objects.organizers().active().filter(Exists(owned))


def has_owner_on_site(listing: Listing) -> bool:
    """Whether a person runs the listing here: an owner of a hub's active organizer business,
    or of the business itself."""
    if isinstance(listing, Hub):
        return _organizers_with_people().filter(hub=listing).exists()
    return listing.owners.exists()


def with_owner_on_site(listings: QuerySet[Any]) -> QuerySet[Any]:
    """Hubs or businesses annotated with ``owner_on_site`` (see has_owner_on_site), in the
    same query."""
    run: QuerySet[Any]
    if listings.model is Hub:
        run = _organizers_with_people().filter(hub=OuterRef("pk"))
    else:
        run = Business.owners.through.objects.filter(business=OuterRef("pk"))
    return listings.annotate(owner_on_site=Exists(run))


def web_domain(listing: Listing) -> str:
    """The listing's web domain ("example.org" for https://www.example.org/about), or ""."""
    host = (urlsplit(listing.website).hostname or "").lower() if listing.website else ""
    return host.removeprefix("www.")


def email_on_domain(email: str, domain: str) -> bool:
    """Whether ``email`` is an address at ``domain`` or one of its subdomains."""
    if not domain or "@" not in email:
        return False
    host = email.rsplit("@", 1)[1].lower()
    return host == domain or host.endswith("." + domain)


def verify_token(claim: Claim) -> str:
    """The signed token of a claim's verification link; it names the address it was sent to."""
    return signing.dumps([claim.pk, claim.work_email], salt=VERIFY_SALT)


def claim_for_verify_token(token: str) -> Claim | None:
    """The pending claim a verification link is for, or None when the link is bad or old."""
    try:
        pk, email = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_LINK_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    claim = (
        Claim.objects.pending()
        .filter(pk=pk, work_email=email)
        .select_related("hub", "business")
        .first()
    )
    return claim


def _refuse_if_taken(listing: Listing, claimant: User) -> None:
    if has_owner_on_site(listing):
        noun = "organizers" if isinstance(listing, Hub) else "owners"
        raise ActionRefused(
            f"{listing.name} already has {noun} on the site: contact them instead of claiming it."
        )
    claims = Claim.objects.of_listing(listing)
    if claims.approved().exists():
        raise ActionRefused(f"{listing.name} has already been claimed.")
    if claims.pending().filter(claimant=claimant).exists():
        raise ActionRefused(
            f"You have already asked to claim {listing.name}; curators will answer."
        )


def claim_submit(
    *,
    claimant: User,
    listing: Listing,
    role: str,
    work_email: str = "",
    note: str = "",
    organizing_business: Business | None = None,
) -> Claim:
    """Ask to run ``listing``. With a work email on the listing's web domain, a link to prove
    it is mailed there; with a note, curators judge by the note."""
    hub = listing if isinstance(listing, Hub) else None
    business = listing if isinstance(listing, Business) else None
    if hub is not None and organizing_business is None:
        raise ActionRefused("Choose the business of yours that will organize the hub.")
    if work_email and not email_on_domain(work_email, web_domain(listing)):
        raise ActionRefused("The work email must be an address on the listing's web domain.")
    if not work_email and not note.strip():
        raise ActionRefused("Give a work email on the listing's web domain or a note.")
    try:
        with transaction.atomic():
            _refuse_if_taken(listing, claimant)
            claim = Claim.objects.create(
                claimant=claimant,
                hub=hub,
                business=business,
                organizing_business=organizing_business if hub else None,
                role=role,
                verification=Claim.Verification.EMAIL if work_email else Claim.Verification.NOTE,
                work_email=work_email,
                note=note,
            )
            if work_email:
                url = absolute_url(reverse("hubs:claim_verify", args=[verify_token(claim)]))
                send_after_commit(
                    subject=f"Confirm your claim of {listing.name}",
                    template="emails/claim_verify.txt",
                    context={"claim": claim, "listing": listing, "url": url},
                    to=[work_email],
                )
    except IntegrityError:  # The same request twice at once: the constraint kept one.
        raise ActionRefused(
            f"You have already asked to claim {listing.name}; curators will answer."
        ) from None
    return claim


@transaction.atomic
def claim_verify_email(*, claim: Claim) -> Claim:
    """Record that the claimant opened the link sent to the work email (idempotent)."""
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if not claim.is_pending:
        raise ActionRefused("This claim has already been decided.")
    if claim.email_verified_at is None:
        claim.email_verified_at = timezone.now()
        claim.save(update_fields=["email_verified_at"])
    return claim


def _hand_over(claim: Claim) -> None:
    """Make the claimant the organizer of the hub (through their business) or a business owner."""
    if claim.hub is not None:
        assert claim.organizing_business is not None
        membership, _ = Membership.objects.get_or_create(
            hub=claim.hub, business=claim.organizing_business
        )
        membership.role = Membership.Role.ORGANIZER
        membership.state = Membership.State.ACTIVE
        membership.joined_at = membership.joined_at or timezone.now()
        membership.left_at = None
        membership.save()
        claim.hub.refresh_member_count()
    else:
        assert claim.business is not None
        claim.business.owners.add(claim.claimant)


def _decision_email(claim: Claim, *, approved: bool, reason: str) -> None:
    listing = claim.listing
    manage = (
        reverse("hubs:hub_manage", args=[listing.slug])
        if isinstance(listing, Hub)
        else reverse("hubs:business_edit", args=[listing.slug])
    )
    send_after_commit(
        subject=f"Your claim of {listing.name}",
        template="emails/claim_decided.txt",
        context={
            "claim": claim,
            "listing": listing,
            "approved": approved,
            "reason": reason,
            "url": absolute_url(manage if approved else listing.get_absolute_url()),
        },
        to=[claim.claimant.email],
    )


def _lock_listing(claim: Claim) -> None:
    if claim.hub_id is not None:
        list(Hub.objects.select_for_update().filter(pk=claim.hub_id))
    else:
        assert claim.business_id is not None
        list(Business.objects.select_for_update().filter(pk=claim.business_id))


def claim_decide(*, claim: Claim, curator: User, approve: bool, reason: str = "") -> Claim:
    """A curator approves a claim (the claimant takes the listing over; other pending claims on
    it are refused) or refuses it with a reason. The claimant is emailed either way."""
    reason = reason.strip()
    if not approve and not reason:
        raise ActionRefused("Give the claimant a reason for the refusal.")
    try:
        with transaction.atomic():
            # Decisions on one listing take turns: its row is locked first, so a second
            # curator's approval waits, then finds its claim refused by the first.
            _lock_listing(claim)
            claim = (
                Claim.objects.select_for_update(of=("self",))
                .select_related("hub", "business", "organizing_business", "claimant")
                .get(pk=claim.pk)
            )
            if not claim.is_pending:
                raise ActionRefused(f"The claim of {claim.listing.name} was already decided.")
            if approve and has_owner_on_site(claim.listing):
                raise ActionRefused(
                    f"{claim.listing.name} has been taken over since: refuse this claim instead."
                )
            claim.status = Claim.Status.APPROVED if approve else Claim.Status.REFUSED
            claim.decided_by, claim.decided_at, claim.reason = curator, timezone.now(), reason
            claim.save(update_fields=["status", "decided_by", "decided_at", "reason"])
            _decision_email(claim, approved=approve, reason=reason)
            if approve:
                _hand_over(claim)
                others = Claim.objects.of_listing(claim.listing).pending().exclude(pk=claim.pk)
                for other in others.select_related("hub", "business", "claimant"):
                    claim_decide(
                        claim=other,
                        curator=curator,
                        approve=False,
                        reason="Another claim of this listing was approved.",
                    )
    except IntegrityError:  # Another curator approved another claim at the same moment.
        raise ActionRefused(f"{claim.listing.name} has already been claimed.") from None
    return claim


def unclaimed_notify(*, listing: Listing, user: User, note: str = "") -> Flag:
    """Tell the curators that someone wanted to reach a listing nobody runs on the site."""
    return Flag.objects.create(
        hub=listing if isinstance(listing, Hub) else None,
        business=listing if isinstance(listing, Business) else None,
        reason=Flag.Reason.UNCLAIMED,
        note=note,
        created_by=user,
    )
