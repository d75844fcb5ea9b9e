"""Public pages of the directory: search, browse, and the pages of hubs, industries, regions and
businesses."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET

from hubs import builder, geo, queries, services, vocabulary
from hubs.api import GeoJSONParams, hub_feature
from hubs.cors import open_to_any_origin
from hubs.filters import BusinessFilter, HubFilter
from hubs.forms import RADIUS_CHOICES, UNIT_COOKIE, SearchForm, remembered_unit
from hubs.models import (
    Business,
    BusinessRedirect,
    Hub,
    HubRedirect,
    Industry,
    Membership,
    Region,
)
from hubs.pagecache import cache_for_visitors

PAGE_SIZE = 20
# The query parameters each cached page reads (any other keeps a request out of the page cache).
SEARCH_PARAMS = [*SearchForm.base_fields, "page"]
HUB_LIST_PARAMS = [*HubFilter.base_filters, "page"]
BUSINESS_LIST_PARAMS = [*BusinessFilter.base_filters, "page"]
HOME_MAP_LIMIT = 500
RESOURCE_RADIUS_KM = 200
COMPLEMENT_RADIUS_KM = 500


def _map_points(hubs):
    """What a map needs of each hub, for json_script."""
    return [
        {
            "name": h.name,
            "url": h.get_absolute_url(),
            "lat": h.latitude,
            "lng": h.longitude,
            "stage": h.get_stage_display(),
            "members": h.member_count,
        }
        for h in hubs
    ]


def _business_map_points(business):
    """A business's map point: its public point, which for a home-based business is only its
    town's centre, drawn as an area rather than a pin."""
    latitude, longitude = business.public_point
    exact = business.location_public
    return [
        {
            "name": business.name,
            "url": business.get_absolute_url(),
            "lat": latitude,
            "lng": longitude,
            "detail": business.address if exact and business.address else business.city,
            "approximate": not exact,
            "zoom": 15 if exact else 12,
        }
    ]


def _meta(request, obj, *, title, description, image=None, kind="website"):
    """Open Graph, Twitter card and canonical values for an object's page."""
    return {
        "meta_url": request.build_absolute_uri(obj.get_absolute_url()),
        "meta_title": title,
        "meta_description": description,
        "meta_image": request.build_absolute_uri(image) if image else None,
        "meta_type": kind,
    }


def _hub_ld(request, hub, members):
    """schema.org data for a hub: an Organization with its member businesses."""
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": hub.name,
        "url": request.build_absolute_uri(hub.get_absolute_url()),
        "description": hub.description,
        "location": {
            "@type": "Place",
            "name": str(hub.region),
            "geo": {
                "@type": "GeoCoordinates",
                "latitude": hub.latitude,
                "longitude": hub.longitude,
            },
        },
        "member": [
            {
                "@type": "Organization",
                "name": m.business.name,
                "url": request.build_absolute_uri(m.business.get_absolute_url()),
            }
            for m in members
        ],
    }
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


def _unit(request, form, resolution):
    """Kilometres or miles: the visitor's choice, then their remembered one, then the place's."""
    chosen = form.cleaned_data.get("unit") if form.is_bound and form.is_valid() else ""
    return chosen or remembered_unit(request, resolution.country if resolution else "")


@require_GET
@cache_for_visitors()
def home(request):
    top_hubs = queries.public_hubs().order_by("-member_count")[:HOME_MAP_LIMIT]
    figures = {
        "hubs": Hub.objects.approved().count(),
        "businesses": Business.objects.count(),
        "industries": Industry.objects.count(),
    }
    return render(
        request,
        "hubs/home.html",
        {"form": SearchForm(), "map_points": _map_points(top_hubs), "figures": figures},
    )


def _search_without_place(request, form):
    """The form with its errors; with an industry but no place, that industry's hubs, most
    members first, and a word that a place sorts them by distance."""
    industry = form.cleaned_data.get("industry") if form.is_valid() else None
    context = {"form": form, "radius_choices": RADIUS_CHOICES, "industry": industry}
    if industry:
        hubs = queries.hubs_of_industry(industry, related=form.industry_related)
        context["industry_hubs"] = list(hubs.order_by("-member_count", "name")[:PAGE_SIZE])
    return render(request, "hubs/search.html", context)


@require_GET
@cache_for_visitors(reads=SEARCH_PARAMS)
def search(request):
    form = SearchForm(request.GET)
    if not form.is_valid() or form.cleaned_data["place"] is None:
        return _search_without_place(request, form)
    industry, related, place = (
        form.cleaned_data["industry"],
        form.industry_related,
        form.cleaned_data["place"],
    )
    unit = _unit(request, form, place)
    # A state or a country is searched as a whole: its own radius unless one is chosen.
    radius_km = form.radius_km(unit, place.radius_km or settings.HUB_NEAR_RADIUS_KM)
    point = {"lat": place.latitude, "lng": place.longitude}
    hubs = queries.hubs_of_industry(industry, related=related)
    page = Paginator(queries.within_radius(hubs, radius_km=radius_km, **point), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    nearest_anywhere = [] if page.paginator.count else queries.nearest(hubs, limit=5, **point)
    context = {
        "form": form,
        "industry": industry,
        "place": place,
        "unit": unit,
        "radius_shown": round(geo.km_to_miles(radius_km) if unit == "mi" else radius_km),
        "radius_choices": RADIUS_CHOICES,
        "page": page,
        "nearest_anywhere": nearest_anywhere,
        "map_points": _map_points(page.object_list or nearest_anywhere),
        "map_center": {**point, "label": place.label},
        "named_hubs": queries.hubs_named(
            form.cleaned_data.get("industry_text", ""), exclude=page.object_list, **point
        ),
        **(_around_industry(request, industry, related, point, radius_km) if industry else {}),
    }
    response = render(request, "hubs/search.html", context)
    if form.cleaned_data.get("unit"):
        response.set_cookie(UNIT_COOKIE, unit, max_age=365 * 24 * 3600, samesite="Lax")
    return response


def _around_industry(request, industry, related, point, radius_km):
    """The search page's sections below the results: complementary hubs, businesses of the
    industry in no hub yet, and the pooled "I'd join one" interest."""
    return {
        "complementary": queries.complementary_hubs_near(
            industry=industry, radius_km=max(radius_km, 300), searched=related, **point
        ),
        "unaffiliated": queries.unaffiliated_businesses_near(
            industry=industry, radius_km=radius_km, **point
        ),
        "interested": services.interests_near(industry=industry, **point).count(),
        "my_businesses": list(Business.objects.filter(owners=request.user))
        if request.user.is_authenticated
        else [],
    }


@require_GET
@cache_for_visitors(reads=HUB_LIST_PARAMS)
def hub_list(request):
    hub_filter = HubFilter(
        request.GET, queryset=queries.public_hubs().order_by("name"), request=request
    )
    page = Paginator(hub_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    unit = hub_filter.unit
    hub_filter.form["within"].label = f"Within ({unit})"
    context = {
        "filter": hub_filter,
        "page": page,
        "unit": unit,
        "map_points": _map_points(page.object_list),
    }
    return render(request, "hubs/hub_list.html", context)


def _visitor_memberships(request, hub):
    """The visitor's memberships in the hub, and whether they organize it. A hub that is not
    approved is shown to its organizers only."""
    mine = []
    if request.user.is_authenticated:
        mine = list(
            hub.memberships.filter(business__owners=request.user).select_related("business")
        )
    is_organizer = any(
        m.role == Membership.Role.ORGANIZER and m.state == Membership.State.ACTIVE for m in mine
    )
    if hub.status != Hub.Status.APPROVED and not is_organizer:
        raise Http404
    return mine, is_organizer


@require_GET
@cache_for_visitors()
def hub_detail(request, slug):
    hub = (
        Hub.objects.select_related("industry", "region", "region__parent", "region__parent__parent")
        .filter(slug=slug)
        .first()
    )
    if hub is None:  # A hub merged into another keeps its old address.
        merged = get_object_or_404(HubRedirect.objects.select_related("hub"), old_slug=slug)
        return HttpResponsePermanentRedirect(merged.hub.get_absolute_url())
    mine, is_organizer = _visitor_memberships(request, hub)
    members = queries.hub_members(hub)
    partners = list(hub.partners.select_related("resource"))
    mentions = list(hub.mentions.all())
    steps = builder.hub_steps(
        hub=hub, members=members, partner_count=len(partners), mention_count=len(mentions)
    )
    point = {"lat": hub.latitude, "lng": hub.longitude}
    context = {
        "hub": hub,
        "members": members,
        "organizers": [m for m in members if m.role == m.Role.ORGANIZER],
        "network": builder.network(members),
        "secondary_industries": list(hub.secondary_industries.all()),
        "partners": partners,
        "mentions": mentions,
        "updates": list(hub.updates.all()[:10]),
        "steps": steps,
        "next_step": builder.next_step(steps),
        "my_memberships": [m for m in mine if m.state != Membership.State.LEFT],
        "is_organizer": is_organizer,
        "resources": queries.resources_near(radius_km=RESOURCE_RADIUS_KM, **point),
        "complementary": queries.complementary_hubs_near(
            industry=hub.industry, radius_km=COMPLEMENT_RADIUS_KM, **point
        ),
        "unit": remembered_unit(request, hub.region.country_code),
        "map_points": _map_points([hub]),
        **_hub_sharing(request, hub, members),
    }
    return render(request, "hubs/hub_detail.html", context)


def _hub_sharing(request, hub, members):
    """What a shared link shows of the hub: tags, picture and schema.org data."""
    return {
        "share_url": request.build_absolute_uri(hub.get_absolute_url()),
        "structured_data": _hub_ld(request, hub, members),
        **_meta(
            request,
            hub,
            title=f"{hub.name}: {hub.industry.title} hub in {hub.region}",
            description=hub.description or f"A {hub.industry.title.lower()} hub in {hub.region}.",
            image=hub.cover_image.url
            if hub.cover_image
            else reverse("hubs:hub_card", args=[hub.slug]),
            kind="article",
        ),
    }


@require_GET
@cache_for_visitors()
def industry_list(request):
    sectors = Industry.objects.filter(parent=None).prefetch_related("children").order_by("code")
    return render(request, "hubs/industry_list.html", {"sectors": sectors})


@require_GET
@cache_for_visitors()
def industry_detail(request, slug):
    industry = get_object_or_404(Industry.objects.select_related("parent"), slug=slug)
    hubs = list(queries.hubs_of_industry(industry).order_by("-member_count", "name")[:200])
    context = {
        "industry": industry,
        "hubs": hubs,
        "children": list(industry.children.all()),
        "complements": list(industry.complements.all()),
        "map_points": _map_points(hubs),
        **_meta(
            request,
            industry,
            title=f"{industry.title} hubs",
            description=f"{len(hubs)} hubs of {industry.title.lower()} (NAICS {industry.code}).",
        ),
    }
    return render(request, "hubs/industry_detail.html", context)


@require_GET
@cache_for_visitors()
def region_list(request):
    countries = (
        Region.objects.filter(kind=Region.Kind.COUNTRY)
        .annotate(hub_count=Count("children__hubs", distinct=True) + Count("hubs", distinct=True))
        .prefetch_related("children")
        .order_by("name")
    )
    return render(request, "hubs/region_list.html", {"countries": countries})


@require_GET
@cache_for_visitors(reads=["page"])
def region_detail(request, slug):
    region = get_object_or_404(Region.objects.select_related("parent", "parent__parent"), slug=slug)
    hubs = list(queries.region_hubs(region).order_by("-member_count", "name")[:200])
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
        "businesses": businesses,
        "map_points": _map_points(hubs),
        **_meta(
            request,
            region,
            title=f"Industry hubs in {region.name}",
            description=f"{len(hubs)} industry hubs and the businesses of {region.name}.",
        ),
    }
    return render(request, "hubs/region_detail.html", context)


@require_GET
@cache_for_visitors(reads=BUSINESS_LIST_PARAMS)
def business_list(request):
    queryset = Business.objects.select_related("industry", "region").order_by("name")
    business_filter = BusinessFilter(request.GET, queryset=queryset)
    page = Paginator(business_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "hubs/business_list.html", {"filter": business_filter, "page": page})


@require_GET
@cache_for_visitors()
def business_detail(request, slug):
    business = (
        Business.objects.select_related("industry", "region", "region__parent")
        .filter(slug=slug)
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
        "map_points": _business_map_points(business),
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


@require_GET
def industry_suggestions(request):
    """Industries matching what is typed, for the search box's suggestions."""
    text = request.GET.get("q", "")[:100]
    found = vocabulary.match(text, limit=10, prefix=True) if len(text.strip()) >= 2 else None
    results = [
        {
            "code": c.industry.code,
            "title": c.industry.title,
            "slug": c.industry.slug,
            "label": f"{c.label} ({c.industry.code})",
        }
        for c in (found.candidates if found else [])
    ]
    return JsonResponse({"results": results})


@open_to_any_origin
def hubs_geojson(request):
    params = GeoJSONParams.from_query(request.GET)
    if params.error:
        return JsonResponse(params.error, status=400)
    features = [hub_feature(hub, request) for hub in params.hubs()]
    return JsonResponse(
        {"type": "FeatureCollection", "features": features},
        content_type="application/geo+json",
        json_dumps_params={"separators": (",", ":")},
    )


@require_GET
def about(request):
    return render(request, "hubs/about.html")


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico on pages without an icon link, such as the admin's."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
