"""What curators do to the directory: moderate, resolve flags, find and merge duplicates, and
keep listings fresh. Every write is one transaction; mail leaves after it commits."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from hubs import duplicates, geo
from hubs.models import (
    Business,
    BusinessRedirect,
    Flag,
    Hub,
    HubRedirect,
    Membership,
)
from hubs.pagecache import bump_directory_version
from hubs.services import absolute_url, organizer_emails, owner_emails, send_after_commit

CURATORS_GROUP = "Curators"
# Models of the directory that curators do not edit: the gazetteer's name index is loaded whole
# by a command (seed_demo) and has no admin page.
NOT_CURATED = {"placename"}
CONFIRM_LINK_MAX_AGE = 60 * 24 * 3600  # Seconds a freshness email's link stays valid.


@transaction.atomic
def approve_hubs(hubs):
    for hub in hubs:
        hub.status, hub.status_reason = Hub.Status.APPROVED, ""
        hub.save(update_fields=["status", "status_reason", "updated_at"])
        send_after_commit(
            subject=f"{hub.name} is approved",
            template="emails/hub_approved.txt",
            context={
                "hub": hub,
                "hub_url": absolute_url(hub.get_absolute_url()),
                "manage_url": absolute_url(reverse("hubs:hub_manage", args=[hub.slug])),
            },
            to=organizer_emails(hub),
        )


@transaction.atomic
def reject_hubs(hubs, *, reason):
    reason = reason.strip()
    if not reason:
        raise ValueError("A reason is required to reject a hub.")
    for hub in hubs:
        hub.status, hub.status_reason = Hub.Status.REJECTED, reason
        hub.save(update_fields=["status", "status_reason", "updated_at"])
        send_after_commit(
            subject=f"{hub.name} was not approved",
            template="emails/hub_rejected.txt",
            context={
                "hub": hub,
                "reason": reason,
                "manage_url": absolute_url(reverse("hubs:hub_manage", args=[hub.slug])),
            },
            to=organizer_emails(hub),
        )


def approve_resources(resources):
    """Resources suggested by organizers become public; returns how many were waiting."""
    approved = resources.awaiting_review().update(pending_review=False)
    if approved:
        bump_directory_version()  # An update() sends no signal, and they show publicly now.
    return approved


@transaction.atomic
def resolve_flags(flags, *, curator, resolution):
    resolution = resolution.strip()
    if not resolution:
        raise ValueError("Say what was done about the flag.")
    for flag in flags:
        flag.resolved_by, flag.resolved_at, flag.resolution = curator, timezone.now(), resolution
        flag.save(update_fields=["resolved_by", "resolved_at", "resolution"])


def duplicate_hubs():
    return duplicates.likely_duplicates(
        Hub.objects.exclude(status=Hub.Status.ARCHIVED).select_related("industry")
    )


def duplicate_businesses():
    return duplicates.likely_duplicates(Business.objects.select_related("industry"))


def approved_hubs_near(hubs, *, radius_km=None):
    """For each hub (pending ones, in the queue), the approved hubs of its industry within
    ``radius_km`` (HUB_DUPLICATE_RADIUS_KM), nearest first, as (hub, km): one query."""
    radius_km = radius_km or settings.HUB_DUPLICATE_RADIUS_KM
    hubs = list(hubs)
    approved = Hub.objects.approved().filter(industry__in={hub.industry_id for hub in hubs})
    by_industry = {}
    for other in approved.only("pk", "name", "slug", "industry", "latitude", "longitude"):
        by_industry.setdefault(other.industry_id, []).append(other)
    near = {}
    for hub in hubs:
        # An online hub without a home base is near no other: its name and website are
        # what the duplicate lists compare.
        found = [
            (other, geo.haversine_km(*hub.point, *other.point))
            for other in by_industry.get(hub.industry_id, [])
            if other.pk != hub.pk and hub.point and other.point
        ]
        near[hub.pk] = sorted(
            [(other, km) for other, km in found if km <= radius_km], key=lambda pair: pair[1]
        )
    return near


def _move_memberships(memberships, **target):
    """Move memberships to the survivor; where it already has one, keep the stronger."""
    rank = {Membership.State.ACTIVE: 2, Membership.State.REQUESTED: 1, Membership.State.LEFT: 0}
    for membership in memberships:
        existing = Membership.objects.filter(**target, **_other_side(membership, target)).first()
        if existing is None:
            for field, value in target.items():
                setattr(membership, field, value)
            membership.save()
            continue
        if rank[membership.state] > rank[existing.state]:
            existing.state = membership.state
        if membership.role == Membership.Role.ORGANIZER:
            existing.role = Membership.Role.ORGANIZER
        existing.connections = sorted(set(existing.connections) | set(membership.connections))
        existing.save()
        membership.delete()


def _other_side(membership, target):
    return {"business": membership.business} if "hub" in target else {"hub": membership.hub}


@transaction.atomic
def merge_hubs(*, survivor, duplicate):
    """Fold ``duplicate`` into ``survivor``: members, partners, mentions, news updates, flags,
    secondary industries and, if the survivor has none, the cover image move; the older creation
    date stays; the old URL redirects."""
    if survivor.pk == duplicate.pk:
        raise ValueError("Choose two different hubs.")
    _move_memberships(list(duplicate.memberships.all()), hub=survivor)
    for partner in duplicate.partners.all():
        if not survivor.partners.filter(resource=partner.resource_id).exists():
            partner.hub = survivor
            partner.save(update_fields=["hub"])
    duplicate.mentions.update(hub=survivor)
    duplicate.updates.update(hub=survivor)
    duplicate.flags.update(hub=survivor)
    if not survivor.cover_image:
        survivor.cover_image = duplicate.cover_image.name
    survivor.secondary_industries.add(*duplicate.secondary_industries.all())
    for field in ["description", "mission", "website", "linkedin_url", "x_url", "facebook_url"]:
        if not getattr(survivor, field):
            setattr(survivor, field, getattr(duplicate, field))
    survivor.founded_year = survivor.founded_year or duplicate.founded_year
    HubRedirect.objects.filter(hub=duplicate).update(hub=survivor)
    HubRedirect.objects.create(old_slug=duplicate.slug, hub=survivor)
    older = min(survivor.created_at, duplicate.created_at)
    duplicate.delete()
    survivor.save()
    Hub.objects.filter(pk=survivor.pk).update(created_at=older)
    survivor.refresh_member_count()
    survivor.refresh_from_db()
    return survivor


@transaction.atomic
def merge_businesses(*, survivor, duplicate):
    """Fold ``duplicate`` into ``survivor``: owners, memberships, interests, flags and, if the
    survivor has none, the logo move."""
    if survivor.pk == duplicate.pk:
        raise ValueError("Choose two different businesses.")
    survivor.owners.add(*duplicate.owners.all())
    hubs = {m.hub for m in duplicate.memberships.select_related("hub")}
    _move_memberships(list(duplicate.memberships.all()), business=survivor)
    for interest in duplicate.interests.all():
        if not survivor.interests.filter(industry=interest.industry_id).exists():
            interest.business = survivor
            interest.save(update_fields=["business"])
    duplicate.flags.update(business=survivor)
    if not survivor.logo:
        survivor.logo = duplicate.logo.name
    for field in ["description", "website", "address", "size", "founded_year"]:
        if not getattr(survivor, field):
            setattr(survivor, field, getattr(duplicate, field))
    BusinessRedirect.objects.filter(business=duplicate).update(business=survivor)
    BusinessRedirect.objects.create(old_slug=duplicate.slug, business=survivor)
    older = min(survivor.created_at, duplicate.created_at)
    duplicate.delete()
    survivor.save()
    Business.objects.filter(pk=survivor.pk).update(created_at=older)
    for hub in hubs:
        hub.refresh_member_count()
    survivor.refresh_from_db()
    return survivor


def confirm_token(kind, pk):
    """The signed token of a one-click "still up to date" link, for a hub or a business."""
    return signing.dumps([kind, pk], salt="confirm-listing")


def listing_for_confirm_token(token):
    """The hub or business a token names, or None if it is forged, expired or gone."""
    try:
        kind, pk = signing.loads(token, salt="confirm-listing", max_age=CONFIRM_LINK_MAX_AGE)
    except (signing.BadSignature, ValueError):
        return None
    model = {"hub": Hub, "business": Business}.get(kind)
    return model.objects.filter(pk=pk).first() if model else None


def confirm_listing(listing):
    type(listing).objects.filter(pk=listing.pk).update(confirmed_at=timezone.now())
    bump_directory_version()  # An update() sends no signal, and the date shows publicly.


def _stale(queryset, *, now):
    cutoff = now - timedelta(days=30 * settings.FRESHNESS_REMIND_MONTHS)
    return queryset.filter(
        Q(confirmed_at__lt=cutoff) | Q(confirmed_at__isnull=True, created_at__lt=cutoff)
    )


def remind_stale(*, confirm_url, now=None, dry_run=False):
    """Ask owners and organizers of listings not confirmed for a while to confirm them, and flag
    hubs still unconfirmed long after the reminder. Returns (hubs asked, businesses asked,
    hubs flagged). ``confirm_url(kind, pk)`` gives the one-click link."""
    now = now or timezone.now()
    flag_cutoff = now - timedelta(days=30 * settings.FRESHNESS_FLAG_MONTHS)
    remind_cutoff = now - timedelta(days=30 * settings.FRESHNESS_REMIND_MONTHS)
    unreminded = Q(reminded_at__isnull=True) | Q(reminded_at__lt=remind_cutoff)
    hubs = list(_stale(Hub.objects.approved(), now=now).filter(unreminded, is_demo=False))
    businesses = list(_stale(Business.objects.filter(is_demo=False), now=now).filter(unreminded))
    overdue = list(
        _stale(Hub.objects.approved(), now=now)
        .filter(reminded_at__lt=flag_cutoff)
        .exclude(flags__reason=Flag.Reason.STALE, flags__resolved_at__isnull=True)
    )
    if dry_run:
        return len(hubs), len(businesses), len(overdue)
    with transaction.atomic():
        for hub in hubs:
            send_after_commit(
                subject=f"Is {hub.name} still up to date?",
                template="emails/confirm_listing.txt",
                context={"name": hub.name, "url": confirm_url("hub", hub.pk)},
                to=organizer_emails(hub),
            )
        for business in businesses:
            send_after_commit(
                subject=f"Is {business.name} still up to date?",
                template="emails/confirm_listing.txt",
                context={"name": business.name, "url": confirm_url("business", business.pk)},
                to=owner_emails(business),
            )
        Hub.objects.filter(pk__in=[h.pk for h in hubs]).update(reminded_at=now)
        Business.objects.filter(pk__in=[b.pk for b in businesses]).update(reminded_at=now)
        Flag.objects.bulk_create(
            Flag(
                hub=hub,
                reason=Flag.Reason.STALE,
                note=f"Not confirmed since the reminder of {hub.reminded_at:%Y-%m-%d}.",
            )
            for hub in overdue
        )
    return len(hubs), len(businesses), len(overdue)


def curators_group_sync(**kwargs):
    """Give the Curators group every permission on the directory's models (their history
    included), so a new model is curated as soon as it is migrated. A post_migrate receiver,
    run after Django has created the permissions; it takes any arguments."""
    from django.contrib.auth.models import Group, Permission

    curators, _ = Group.objects.get_or_create(name=CURATORS_GROUP)
    directory = Permission.objects.filter(content_type__app_label="hubs").exclude(
        content_type__model__in=NOT_CURATED
    )
    # The queue's task results, to see failed background work and retry it.
    tasks = Permission.objects.filter(
        content_type__app_label="django_tasks_database",
        codename__in=["view_dbtaskresult", "change_dbtaskresult"],
    )
    curators.permissions.set(directory | tasks)
