"""The public page of each hub, industry, region and business, with what a shared link shows of
it (Open Graph tags, schema.org data)."""

import math

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from hubs import builder, claims, queries
from hubs.forms import chosen_unit, remembered_unit
from hubs.models import (
    Business,
    BusinessRedirect,
    Hub,
    HubRedirect,
    Industry,
    Region,
)
from hubs.pagecache import cache_for_visitors, shared_fragments
from hubs.routes import route_url
from hubs.views.maps import business_map_points, map_points
from hubs.views.public import PAGE_SIZE

RESOURCE_RADIUS_KM = 200
COMPLEMENT_RADIUS_KM = 500
UPCOMING_MEETINGS = 5


def _meta(request, obj, *, title, description, image=None, kind="website"):
    """Open Graph, Twitter card and canonical values for an object's page."""
    return {
        "meta_url": request.build_absolute_uri(obj.get_absolute_url()),
        "meta_title": title,
        "meta_description": description,
        "meta_image": request.build_absolute_uri(image) if image else None,
        "meta_type": kind,
    }


def _event_ld(request, meeting, organizer):
    """schema.org Event for a meeting: local times with their offset; an online meeting's
    place is its page on the site, never its link."""
    url = request.build_absolute_uri(meeting.get_absolute_url())
    if meeting.is_online:
        mode, location = "Online", {"@type": "VirtualLocation", "url": url}
    else:
        mode, location = "Offline", {"@type": "Place", "name": meeting.address}
        location["address"] = meeting.address
    return {
        "@type": "Event",
        "name": meeting.title,
        "url": url,
        "description": meeting.description,
        "startDate": meeting.local_starts_at.isoformat(),
        "endDate": meeting.local_ends_at.isoformat(),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": f"https://schema.org/{mode}EventAttendanceMode",
        "location": location,
        "organizer": organizer,
    }


def _hub_ld(request, hub, members, meetings=()):
    """schema.org data for a hub: an Organization with its member businesses and its next
    meetings (Events)."""
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": hub.name,
        "url": request.build_absolute_uri(hub.get_absolute_url()),
        "description": hub.description,
        "member": [
            {
                "@type": "Organization",
                "name": m.business.name,
                "url": request.build_absolute_uri(m.business.get_absolute_url()),
            }
            for m in members
        ],
    }
    if hub.point:  # An online hub's home base, when it has one.
        data["location"] = {
            "@type": "Place",
            "name": str(hub.region),
            "geo": {
                "@type": "GeoCoordinates",
                "latitude": hub.latitude,
                "longitude": hub.longitude,
            },
        }
    if hub.is_online:
        data["areaServed"] = [{"@type": "Place", "name": name} for name in hub.coverage_names]
    if meetings:
        organizer = {"@type": "Organization", "name": hub.name, "url": data["url"]}
        data["event"] = [_event_ld(request, meeting, organizer) for meeting in meetings]
    if hub.founded_year:
        data["foundingDate"] = str(hub.founded_year)
    links = [u for u in [hub.website, hub.linkedin_url, hub.x_url, hub.facebook_url] if u]
    if links:
        data["sameAs"] = links
    return data


def _business_ld(request, business):
    """schema.org data for a business: its street address only when its location is public."""
    address = {"@type": "PostalAddress", "addressLocality": business.city}
    if business.location_public and business.address:
        address["streetAddress"] = business.address
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": business.name,
        "url": request.build_absolute_uri(business.get_absolute_url()),
        "description": business.description,
        "address": address,
    }
    if business.website:
        data["sameAs"] = [business.website]
    if business.founded_year:
        data["foundingDate"] = str(business.founded_year)
    return data


def _visitor_memberships(request, hub):
    """The visitor's memberships in the hub, and whether they organize it. A hub that is not
    approved is shown to its organizers only."""
    mine = []
    if request.user.is_authenticated:
        mine = list(
            hub.memberships.filter(business__owners=request.user).select_related("business")
        )
    is_organizer = any(m.is_active_organizer for m in mine)
    if not hub.is_approved and not is_organizer:
        raise Http404
    return mine, is_organizer


# What a hub's page reads of its hub: its row, industry and region up to the country, whether a
# person runs it, and which of its lists hold anything. Built once: building it cost more than
# the read (a request adds only the slug).
_HUBS_FOR_PAGE = queries.with_lists_present(
    claims.with_owner_on_site(Hub.objects.all())
).select_related("industry", "region", "region__parent", "region__parent__parent")


@require_GET
@cache_for_visitors()
def hub_detail(request, slug):
    page = shared_fragments(
        request,
        name=f"hub:{slug}:{chosen_unit(request)}",
        build=lambda: _hub_page(request, slug),
    )
    if page is None:  # A hub merged into another keeps its old address.
        merged = get_object_or_404(HubRedirect.objects.select_related("hub"), old_slug=slug)
        return HttpResponsePermanentRedirect(merged.hub.get_absolute_url())
    hub = page["hub"]
    mine, is_organizer = _visitor_memberships(request, hub)
    shared = page["shared"] or _hub_shared(request, hub)[0]
    context = {
        "hub": hub,
        "sections": shared["sections"],
        "next_step": shared["next_step"],
        "my_memberships": [m for m in mine if not m.is_left and not m.is_removed],
        "my_removals": [m for m in mine if m.is_removed],
        "is_organizer": is_organizer,
    }
    return render(request, "hubs/hub_detail.html", context)


def _hub_page(request, slug):
    """The hub and the parts of its page every visitor sees alike, with the seconds they hold;
    None if no hub has the address. A hub not approved yet is shown to its organizers only:
    its parts are built once the visitor is known to be one, and not kept."""
    try:
        hub = _HUBS_FOR_PAGE.get(slug=slug)  # No order to compile: the slug is unique.
    except Hub.DoesNotExist:
        return None, 0
    if not hub.is_approved:
        return {"hub": hub, "shared": None}, 0
    shared, seconds = _hub_shared(request, hub)
    return {"hub": hub, "shared": shared}, seconds


def _hub_shared(request, hub):
    """The parts of the hub's page every visitor sees alike, rendered, with the builder's next
    step (shown to organizers only), and the seconds they hold: until a meeting shown ends
    (it leaves the list and counts as held)."""
    unit = remembered_unit(request, hub.region.country_code if hub.region else "")
    members = queries.hub_members(hub)
    lists = _hub_lists(hub)
    steps = builder.hub_steps(
        hub=hub,
        members=members,
        partners=lists["partners"],
        mention_count=len(lists["mentions"]),
        meetings_held=queries.meetings_held(hub) if hub.has_meetings else 0,
    )
    context = {
        "request": request,  # For absolute links only: nothing of the visitor's own.
        "hub": hub,
        "members": members,
        "network": builder.network(members),
        **lists,
        "steps": steps,
        **_around_hub(hub),
        "unit": unit,
        "map_points": map_points([hub]),
        **_hub_sharing(request, hub, members, lists["meetings"]),
    }
    sections = {
        part: render_to_string(f"hubs/hub_detail.html#{part}", context)
        for part in ("head", "intro", "story", "steps", "network", "aside")
    }
    shared = {"sections": sections, "next_step": builder.next_step(steps)}
    return shared, _seconds_until_meetings_change(lists["meetings"])


def _hub_lists(hub):
    """The hub's own lists: reviewed partners, press mentions, news updates, secondary
    industries and upcoming meetings, each read only if the hub's row says it holds anything
    (``queries.with_lists_present``)."""
    return {
        "partners": queries.hub_partners(hub) if hub.has_partners else [],
        "mentions": list(hub.mentions.all()) if hub.has_mentions else [],
        "updates": list(hub.updates.all()[:10]) if hub.has_updates else [],
        "secondary_industries": (
            list(hub.secondary_industries.all()) if hub.has_secondary_industries else []
        ),
        "meetings": (
            queries.upcoming_meetings(hub, limit=UPCOMING_MEETINGS) if hub.has_meetings else []
        ),
    }


def _seconds_until_meetings_change(meetings):
    """Seconds until the list of upcoming meetings, or the count of those held, changes with no
    write: when the first shown meeting ends. A meeting not shown starts after the last shown
    one (the list is full), so it cannot end before that start."""
    moments = [m.ends_at for m in meetings]
    if len(meetings) == UPCOMING_MEETINGS:
        moments.append(meetings[-1].starts_at)
    if not moments:
        return settings.FRAGMENT_CACHE_SECONDS
    return max(0, math.ceil((min(moments) - timezone.now()).total_seconds()))


def _around_hub(hub):
    """Resources and complementary hubs near the hub's place; an online hub without a home
    base is near nothing."""
    if hub.point is None:
        return {"resources": [], "complementary": []}
    point = {"lat": hub.latitude, "lng": hub.longitude}
    return {
        "resources": queries.resources_near(radius_km=RESOURCE_RADIUS_KM, **point),
        "complementary": queries.complementary_hubs_near(
            industry=hub.industry, radius_km=COMPLEMENT_RADIUS_KM, **point
        ),
    }


def _hub_sharing(request, hub, members, meetings=()):
    """What a shared link shows of the hub: tags, picture and schema.org data."""
    return {
        "share_url": request.build_absolute_uri(hub.get_absolute_url()),
        "structured_data": _hub_ld(request, hub, members, meetings),
        **_meta(
            request,
            hub,
            title=f"{hub.name}: {hub.industry.title} hub {hub.where}",
            description=hub.description or f"A {hub.industry.title.lower()} hub {hub.where}.",
            image=hub.cover_image.url if hub.cover_image else route_url("hubs:hub_card", hub.slug),
            kind="article",
        ),
    }


@require_GET
@cache_for_visitors()
def industry_detail(request, slug):
    industry = get_object_or_404(Industry.objects.select_related("parent"), slug=slug)
    hubs = queries.with_coverage(
        list(
            queries.with_next_meeting(queries.hubs_of_industry(industry)).order_by(
                "-member_count", "name"
            )[:200]
        )
    )
    context = {
        "industry": industry,
        "hubs": hubs,
        "children": list(industry.children.all()),
        "complements": list(industry.complements.all()),
        "map_points": map_points(hubs),
        **_meta(
            request,
            industry,
            title=f"{industry.title} hubs",
            description=f"{len(hubs)} hubs of {industry.title.lower()} (NAICS {industry.code}).",
        ),
    }
    return render(request, "hubs/industry_detail.html", context)


@require_GET
@cache_for_visitors(reads=["page"])
def region_detail(request, slug):
    region = get_object_or_404(Region.objects.select_related("parent", "parent__parent"), slug=slug)
    hubs = list(
        queries.with_next_meeting(queries.region_hubs(region)).order_by("-member_count", "name")[
            :200
        ]
    )
    businesses = Paginator(queries.region_businesses(region), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "region": region,
        "children": list(
            region.children.annotate(
                hub_count=Count("hubs", filter=Q(hubs__status=Hub.Status.APPROVED), distinct=True)
                + Count(
                    "children__hubs",
                    filter=Q(children__hubs__status=Hub.Status.APPROVED),
                    distinct=True,
                )
            ).order_by("name")
        ),
        "hubs": hubs,
        "online_hubs": queries.region_online_hubs(region),
        "businesses": businesses,
        "map_points": map_points(hubs),
        **_meta(
            request,
            region,
            title=f"Industry hubs in {region.name}",
            description=f"{len(hubs)} industry hubs and the businesses of {region.name}.",
        ),
    }
    return render(request, "hubs/region_detail.html", context)


@require_GET
@cache_for_visitors()
def business_detail(request, slug):
    business = (
        claims.with_owner_on_site(Business.objects.filter(slug=slug))
        .select_related("industry", "region", "region__parent")
        .first()
    )
    if business is None:
        merged = get_object_or_404(
            BusinessRedirect.objects.select_related("business"), old_slug=slug
        )
        return HttpResponsePermanentRedirect(merged.business.get_absolute_url())
    memberships = (
        business.memberships.active().filter(hub__status=Hub.Status.APPROVED).select_related("hub")
    )
    is_owner = request.user.is_authenticated and business.owners.filter(pk=request.user.pk).exists()
    context = {
        "business": business,
        "memberships": list(memberships),
        "is_owner": is_owner,
        "map_points": business_map_points(business),
        "structured_data": _business_ld(request, business),
        **_meta(
            request,
            business,
            title=f"{business.name}: {business.industry.title} in {business.city}",
            description=business.description or f"{business.industry.title} in {business.city}.",
            image=business.logo.url if business.logo else None,
        ),
    }
    return render(request, "hubs/business_detail.html", context)
