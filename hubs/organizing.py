"""Organizers' writes beyond membership requests: inviting businesses nearby, removing a member
with a reason, and recording a partner that is not in the curated list.

As in services.py: keyword-only functions, one transaction each, mail through the outbox after
commit.
"""

from collections.abc import Iterable

from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from hubs.models import Business, Hub, Invitation, Membership, Partner, Resource
from hubs.services import ActionRefused, absolute_url, owner_emails, send_after_commit

OPT_OUT_SALT = "organizing.invitations-opt-out"
MAX_INVITATIONS_AT_ONCE = 20


def opt_out_token(business: Business) -> str:
    """The signed token of an invitation's unsubscribe link; it never expires."""
    return signing.dumps(business.pk, salt=OPT_OUT_SALT)


def business_for_opt_out_token(token: str) -> Business | None:
    try:
        pk = signing.loads(token, salt=OPT_OUT_SALT)
    except signing.BadSignature:
        return None
    return Business.objects.filter(pk=pk).first() if isinstance(pk, int) else None


def invitations_opt_out(*, business: Business) -> None:
    """No hub may invite ``business`` again (its owners may turn it back on when editing it)."""
    Business.objects.filter(pk=business.pk).update(accepts_invitations=False)


def invitations_send(
    *, hub: Hub, businesses: Iterable[Business], message: str, sent_by: User
) -> list[Invitation]:
    """Invite each business to ``hub``: one Invitation each (never twice by the same hub), an
    email to its owners with a link to unsubscribe that works without logging in. All or none:
    a business invited meanwhile, or one that opted out, refuses the whole batch."""
    chosen = list(businesses)
    if not chosen:
        raise ActionRefused("Choose at least one business to invite.")
    if len(chosen) > MAX_INVITATIONS_AT_ONCE:
        raise ActionRefused(f"Invite at most {MAX_INVITATIONS_AT_ONCE} businesses at a time.")
    hub_url = absolute_url(hub.get_absolute_url())
    join_url = absolute_url(reverse("hubs:hub_join", args=[hub.slug]))
    try:
        with transaction.atomic():
            current = Business.objects.select_for_update().filter(pk__in=[b.pk for b in chosen])
            if any(not business.accepts_invitations for business in current):
                raise ActionRefused("A business you chose no longer accepts invitations.")
            invitations = []
            for business in chosen:
                invitations.append(
                    Invitation.objects.create(
                        hub=hub, business=business, message=message, sent_by=sent_by
                    )
                )
                unsubscribe = reverse("hubs:invitations_opt_out", args=[opt_out_token(business)])
                send_after_commit(
                    subject=f"{hub.name} invites {business.name}",
                    template="emails/hub_invitation.txt",
                    context={
                        "hub": hub,
                        "business": business,
                        "message": message,
                        "hub_url": hub_url,
                        "join_url": join_url,
                        "opt_out_url": absolute_url(unsubscribe),
                    },
                    to=owner_emails(business),
                    reply_to=sent_by.email,
                )
    except IntegrityError:
        raise ActionRefused(
            "One of these businesses was invited by your hub meanwhile: nothing was sent."
        ) from None
    return invitations


@transaction.atomic
def membership_remove(*, membership: Membership, reason: str) -> None:
    """Organizers remove a member; its owners are told why. The last organizer stays."""
    reason = reason.strip()
    if not reason:
        raise ActionRefused("Give the member a reason; it is shown to them.")
    membership = (
        Membership.objects.select_for_update()
        .select_related("hub", "business")
        .get(pk=membership.pk)
    )
    if not membership.is_active:
        raise ActionRefused("Only an active member can be removed.")
    hub = membership.hub
    organizers = hub.memberships.select_for_update().organizers().active()
    if membership.is_organizer and organizers.count() <= 1:
        raise ActionRefused("The hub's last organizer can't be removed.")
    membership.state = Membership.State.REMOVED
    membership.role = Membership.Role.MEMBER
    membership.removed_at = timezone.now()
    membership.removal_reason = reason
    membership.save(update_fields=["state", "role", "removed_at", "removal_reason"])
    hub.refresh_member_count()
    send_after_commit(
        subject=f"{membership.business.name} was removed from {hub.name}",
        template="emails/membership_removed.txt",
        context={"hub": hub, "business": membership.business, "reason": reason},
        to=owner_emails(membership.business),
    )


@transaction.atomic
def partner_suggest(
    *,
    hub: Hub,
    name: str,
    kind: str,
    city: str,
    website: str,
    note: str,
    added_by: User,
) -> Partner:
    """Record a partner that is not in the curated list: a new resource at the hub's place,
    pending a curator's review (until then public pages leave it out). A resource is local, so
    an online hub needs a home base for it."""
    if hub.point is None or hub.region is None:
        raise ActionRefused(
            "A new partner is placed at the hub's home base: give the hub one first."
        )
    resource = Resource.objects.create(
        name=name,
        kind=kind,
        city=city,
        website=website,
        region=hub.region,
        latitude=hub.latitude,
        longitude=hub.longitude,
        pending_review=True,
        suggested_by=added_by,
    )
    return Partner.objects.create(hub=hub, resource=resource, note=note, added_by=added_by)
