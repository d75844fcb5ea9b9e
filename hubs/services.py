"""Writes that span several rows or send mail: registering, joining, organizing, signalling.

Each is a plain function with keyword-only arguments inside one transaction. Mail is written to
the outbox in that same transaction and delivered by a task after it commits (hubs.mailing), so
no word goes out of something that was not saved, and a mail server that is down delays the
email (tried again with back-off) but never fails the request.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts.models import User
from hubs import mailing
from hubs.coverage import Coverage, clear_coverage, covers, set_coverage
from hubs.gazetteer import Resolution, time_zone_at
from hubs.models import Business, Hub, Industry, Interest, Membership
from hubs.regions import region_for_point


class ActionRefused(Exception):
    """A request that the rules refuse; its message is shown to the person."""


class ListingUnclaimed(ActionRefused):
    """A message or a request to a listing nobody runs on the site: it would reach no one."""


def send_after_commit(
    *,
    subject: str,
    template: str,
    context: Mapping[str, Any],
    to: Iterable[str],
    reply_to: str | None = None,
    key: str | None = None,
) -> None:
    """Put an email in the outbox, to be delivered once the current transaction commits."""
    mailing.queue(
        subject=f"[Industry Hubs] {subject}",
        body=render_to_string(template, context),
        to=to,
        reply_to=[reply_to] if reply_to else [],
        key=key,
    )


def owner_emails(business: Business) -> list[str]:
    return [user.email for user in business.owners.all()]


def organizer_emails(hub: Hub) -> list[str]:
    """The addresses of the owners of the hub's active organizer businesses, in one query (a
    join request asks it on the form, on the post and in the service)."""
    emails = (
        Membership.objects.organizers()
        .active()
        .filter(hub=hub)
        .values_list("business__owners__email", flat=True)
    )
    return [email for email in emails if email is not None]  # None: a business nobody owns.


def business_locate(business: Business, place: Resolution) -> None:
    """Put a business at a resolved place: its point, its town and its region."""
    town = place.place
    lat, lng = place.point
    business.latitude, business.longitude = lat, lng
    business.city = town.name if town else place.label
    business.town_latitude = town.latitude if town else lat
    business.town_longitude = town.longitude if town else lng
    # The region is the town's, so a home near a border does not tell which side it is on.
    business.region = region_for_point(lat=business.town_latitude, lng=business.town_longitude)


@transaction.atomic
def business_register(*, owner: User, place: Resolution, **fields: Any) -> Business:
    """List a business for ``owner`` at a resolved ``place``."""
    business = Business(**fields)
    business_locate(business, place)
    business.save()
    business.owners.add(owner)
    return business


def hubs_near(
    *, industry: Industry, lat: float, lng: float, radius_km: float | None = None
) -> list[Hub]:
    """Approved or pending hubs of ``industry`` near a point: candidates to join instead."""
    hubs = (
        Hub.objects.approved_or_pending()
        .filter(industry=industry)
        .select_related("industry", "region")
    )
    radius = radius_km or settings.HUB_DUPLICATE_RADIUS_KM
    return list(hubs.within_radius(lat=lat, lng=lng, radius_km=radius)[:5])


def hub_register(
    *,
    business: Business,
    name: str,
    industry: Industry,
    place: Resolution | None,
    description: str,
    created_by: User | None,
    coverage: Coverage | None = None,
) -> Hub:
    """Start a nascent hub with ``business`` as its first organizer: in person at ``place``,
    or, given a ``coverage``, online, with ``place`` as its home base if there is one.

    Two people registering the same name at once get one hub: the database's unique constraint
    decides, and the loser is told the name is taken.
    """
    if coverage is not None and not coverage:
        raise ActionRefused("An online hub needs its coverage: worldwide, or where members are.")
    if coverage is None and place is None:
        raise ActionRefused("A hub that meets in person needs its town or postcode.")
    status = Hub.Status.APPROVED if settings.HUB_AUTO_APPROVE else Hub.Status.PENDING
    point = place.point if place else None
    try:
        with transaction.atomic():
            hub = Hub(
                name=name,
                industry=industry,
                mode=Hub.Mode.ONLINE if coverage else Hub.Mode.IN_PERSON,
                region=region_for_point(lat=point[0], lng=point[1]) if point else None,
                latitude=point[0] if point else None,
                longitude=point[1] if point else None,
                time_zone=_time_zone(place, coverage),
                description=description,
                status=status,
                created_by=created_by,
            )
            hub.save()
            if coverage:
                set_coverage(hub, coverage)
            Membership.objects.create(
                hub=hub,
                business=business,
                role=Membership.Role.ORGANIZER,
                state=Membership.State.ACTIVE,
                joined_at=timezone.now(),
            )
            hub.refresh_member_count()
    except IntegrityError:
        where = "in this region" if place else "online"
        raise ActionRefused(
            f"A {industry.title.lower()} hub named “{name}” already exists {where}."
        ) from None
    return hub


def _time_zone(place: Resolution | None, coverage: Coverage | None) -> str:
    """The hub's time zone: its place's (or home base's), else its coverage's."""
    if place is not None:
        lat, lng = place.point
        return time_zone_at(lat=lat, lng=lng, place=place.place)
    return coverage.time_zone() if coverage else "UTC"


def hub_change_mode(
    *, hub: Hub, coverage: Coverage | None, home_base: Resolution | None, keep_home_base: bool
) -> Hub:
    """Make a hub meet online with ``coverage`` (its home base: ``home_base`` if given, else
    its place if ``keep_home_base``, else none), or in person (``coverage`` None) at
    ``home_base`` or its current point. Mode, point, region and coverage change together or
    not at all."""
    if coverage is not None and not coverage:
        raise ActionRefused("An online hub needs its coverage: worldwide, or where members are.")
    point = home_base.point if home_base else (hub.point if keep_home_base else None)
    if coverage is None and point is None:
        raise ActionRefused("A hub that meets in person needs its town or postcode.")
    try:
        with transaction.atomic():
            hub = Hub.objects.select_for_update().get(pk=hub.pk)
            if point is None:
                hub.latitude = hub.longitude = hub.region = None
            elif point != hub.point:
                hub.latitude, hub.longitude = point
                hub.region = region_for_point(lat=point[0], lng=point[1])
                hub.time_zone = _time_zone(home_base, coverage)
            hub.mode = Hub.Mode.ONLINE if coverage else Hub.Mode.IN_PERSON
            if not coverage:
                hub.covers_worldwide = False
            hub.save()
            if coverage:
                set_coverage(hub, coverage)
            else:
                clear_coverage(hub)
    except IntegrityError:
        raise ActionRefused(
            f"Another {hub.industry.title.lower()} hub named “{hub.name}” is there already."
        ) from None
    return hub


@transaction.atomic
def hub_resubmit(*, hub: Hub) -> Hub:
    """An organizer sends a rejected hub, once edited, back to the curators' queue."""
    hub = Hub.objects.select_for_update().get(pk=hub.pk)
    if not hub.is_rejected:
        raise ActionRefused("Only a hub the curators did not approve can be sent again.")
    hub.status, hub.status_reason = Hub.Status.PENDING, ""
    hub.save(update_fields=["status", "status_reason", "updated_at"])
    return hub


def membership_request(*, hub: Hub, business: Business, connections: str, user: User) -> Membership:
    """Ask to join ``hub`` with ``business``; a double click gives one request."""
    if not hub.is_approved:
        raise ActionRefused("This hub is not open to members yet.")
    organizers = organizer_emails(hub)
    if not organizers:
        raise ListingUnclaimed(
            f"Nobody runs {hub.name} on the site yet: a request to join would reach no one."
        )
    if not covers(hub, business):
        raise ActionRefused(
            f"{hub.name} meets online for members in {hub.coverage_label}. "
            f"{business.name} is in {business.region}, outside it."
        )
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            hub=hub, business=business, defaults={"connections": connections}
        )
        if not created and (membership.is_left or membership.is_removed):
            membership.state = Membership.State.REQUESTED
            membership.connections = connections
            membership.left_at = membership.removed_at = None
            membership.removal_reason = ""
            membership.save()
        elif not created:
            raise ActionRefused(f"{business.name} has already asked to join or is a member.")
        send_after_commit(
            subject=f"{business.name} asks to join {hub.name}",
            template="emails/membership_requested.txt",
            context={"hub": hub, "business": business, "membership": membership},
            to=organizers,
            reply_to=user.email,
        )
    return membership


@transaction.atomic
def membership_decide(*, membership: Membership, approve: bool) -> None:
    """An organizer approves or declines a request to join."""
    if not membership.is_requested:
        raise ActionRefused("This request has already been answered.")
    hub = membership.hub
    if approve:
        membership.state = Membership.State.ACTIVE
        membership.joined_at = timezone.now()
        membership.save(update_fields=["state", "joined_at"])
        hub.refresh_member_count()
    else:
        membership.delete()
    send_after_commit(
        subject=f"Your request to join {hub.name}",
        template="emails/membership_decided.txt",
        context={"hub": hub, "business": membership.business, "approved": approve},
        to=owner_emails(membership.business),
    )


def _active_organizers(hub: Hub) -> QuerySet[Membership]:
    return hub.memberships.select_for_update().organizers().active()


@transaction.atomic
def membership_leave(*, membership: Membership) -> None:
    """A member leaves; the last organizer must first hand the hub to another."""
    if not membership.is_active:
        raise ActionRefused("This business is not an active member.")
    if membership.is_organizer and _active_organizers(membership.hub).count() <= 1:
        raise ActionRefused(
            "You are the hub's last organizer: make another member an organizer first."
        )
    membership.state = Membership.State.LEFT
    membership.role = Membership.Role.MEMBER
    membership.left_at = timezone.now()
    membership.save(update_fields=["state", "role", "left_at"])
    membership.hub.refresh_member_count()


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str) -> None:
    """Promote a member to organizer or demote an organizer; the last one stays."""
    if not membership.is_active:
        raise ActionRefused("Only active members can be organizers.")
    demoting = role == Membership.Role.MEMBER and membership.is_organizer
    if demoting and _active_organizers(membership.hub).count() <= 1:
        raise ActionRefused("A hub needs at least one organizer.")
    membership.role = role
    membership.save(update_fields=["role"])


def interest_record(*, business: Business, industry: Industry) -> int:
    """Record that ``business`` would join a hub of ``industry`` near it.

    When enough businesses of that industry nearby have said so, each one not yet told is
    emailed and invited to start the hub together; an owner who already organizes a hub of
    that industry nearby is invited to grow it instead, and the others to join it. Returns how
    many are interested nearby.
    """
    lat, lng = business.public_point
    with transaction.atomic():
        Interest.objects.get_or_create(business=business, industry=industry)
        nearby = list(
            interests_near(industry=industry, lat=lat, lng=lng)
            .select_related("business")
            .prefetch_related("business__owners")
        )
        if len(nearby) >= settings.INTEREST_THRESHOLD:
            to_tell = [interest for interest in nearby if interest.invited_at is None]
            organized = {i.pk: _organized_hub_near(i.business, industry=industry) for i in nearby}
            joinable = sorted(
                {hub for hub in organized.values() if hub and hub.is_approved},
                key=lambda hub: hub.name,
            )
            for interest in to_tell:
                _interest_email(interest, nearby, industry, organized[interest.pk], joinable)
            Interest.objects.filter(pk__in=[i.pk for i in to_tell]).update(
                invited_at=timezone.now()
            )
    return len(nearby)


def absolute_url(path: str) -> str:
    """A link for an email, on the site's configured address (SITE_URL)."""
    return settings.SITE_URL.rstrip("/") + path


def _organized_hub_near(business: Business, *, industry: Industry) -> Hub | None:
    """The nearest approved or pending hub of ``industry`` within the interest radius that a
    business of this business's owners organizes, or None."""
    organized = (
        Membership.objects.organizers()
        .active()
        .filter(business__owners__in=business.owners.all())
        .values("hub")
    )
    hubs = Hub.objects.approved_or_pending().filter(pk__in=organized, industry=industry)
    lat, lng = business.public_point
    return hubs.within_radius(lat=lat, lng=lng, radius_km=settings.INTEREST_RADIUS_KM).first()


def _interest_email(
    interest: Interest,
    nearby: list[Interest],
    industry: Industry,
    own_hub: Hub | None,
    joinable: list[Hub],
) -> None:
    """The pooling email: start the hub together, join the one a neighbour organizes, or,
    for its organizer, grow it."""
    others = [
        {"interest": other, "url": absolute_url(other.business.get_absolute_url())}
        for other in nearby
    ]
    context = {"interest": interest, "others": others, "industry": industry}
    if own_hub:
        send_after_commit(
            subject=f"{len(nearby)} businesses near you would join {own_hub.name}",
            template="emails/interest_grow_hub.txt",
            context={
                **context,
                "hub": own_hub,
                "hub_url": absolute_url(own_hub.get_absolute_url()),
                "manage_url": absolute_url(reverse("hubs:hub_manage", args=[own_hub.slug])),
            },
            to=owner_emails(interest.business),
        )
        return
    start = (
        reverse("hubs:hub_create")
        + "?"
        + urlencode({"industry": industry.title, "near": interest.business.city})
    )
    send_after_commit(
        subject=f"{len(nearby)} businesses near you want a {industry.title} hub",
        template="emails/interest_threshold.txt",
        context={
            **context,
            "start_url": absolute_url(start),
            "joinable": [(hub, absolute_url(hub.get_absolute_url())) for hub in joinable],
        },
        to=owner_emails(interest.business),
    )


def interests_near(
    *, industry: Industry, lat: float, lng: float, radius_km: float | None = None
) -> QuerySet[Interest]:
    """Interest signals for ``industry`` from businesses whose public point lies within the
    interest radius: the count is shown to anyone, so it must not measure to a home."""
    radius = radius_km or settings.INTEREST_RADIUS_KM
    businesses = Business.objects.filter(interests__industry=industry)
    nearby = businesses.within_radius(lat=lat, lng=lng, radius_km=radius)
    return Interest.objects.filter(industry=industry, business__in=nearby.values("pk"))


def contact_send(
    *, sender: User, to: Iterable[str], subject: str, message: str, about: Business | Hub
) -> None:
    """Email a business's owners or a hub's organizers, with replies going to the sender.

    With nobody to write to (a listing nobody runs on the site), nothing is sent and the
    person is told so: never "sent" for a message that went nowhere."""
    recipients = [address for address in to if address]
    if not recipients:
        raise ListingUnclaimed(f"Nobody runs {about.name} on the site yet: nothing was sent.")
    send_after_commit(
        subject=subject,
        template="emails/contact.txt",
        context={"sender": sender, "message": message, "about": about},
        to=recipients,
        reply_to=sender.email,
    )


@transaction.atomic
def business_delete(*, business: Business) -> None:
    """Remove a business. Hubs it alone organizes are archived if it was their only member;
    a hub with other members must first get another organizer."""
    for membership in business.memberships.organizers().active().select_related("hub"):
        hub = membership.hub
        others = hub.memberships.active().exclude(pk=membership.pk)
        if not others.exists():
            hub.status = Hub.Status.ARCHIVED
            hub.save(update_fields=["status", "updated_at"])
        elif not others.organizers().exists():
            raise ActionRefused(
                f"{business.name} is the last organizer of {hub.name}: "
                "make another member an organizer first."
            )
    hubs = [m.hub for m in business.memberships.select_related("hub")]
    business.delete()
    for hub in hubs:
        hub.refresh_member_count()


def invite_send(*, business: Business, email: str, url: str, sender: User) -> None:
    send_after_commit(
        subject=f"{sender.email} invites you to co-own {business.name}",
        template="emails/invite.txt",
        context={"business": business, "url": url, "sender": sender},
        to=[email],
        reply_to=sender.email,
    )


def within_rate_limit(request: HttpRequest, action: str) -> bool:
    """Whether the user may do ``action`` ("contact", "invite", "flag") once more now, and count
    it: the limits are in ACCOUNT_RATE_LIMITS, counted per user in the shared cache."""
    from allauth.core import ratelimit

    return ratelimit.consume(request, action=action, user=request.user)
