"""Pages that spread the word: embeds and badges for members' sites, the press kit, open data,
robots.txt. Only the embed pages may be framed by other sites."""

from django.core.files.storage import default_storage
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET

from hubs import cards, opendata, queries
from hubs.api import hub_features
from hubs.cors import open_to_any_origin
from hubs.models import Hub, Industry
from hubs.views.maps import map_points

# The embed pages' policy: our own resources, tiles, and framing by any site.
EMBED_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", "https:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["*"],
}


def _embed(view):
    return xframe_options_exempt(csp_override(EMBED_CSP)(view))


@require_GET
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /account/", f"Sitemap: {sitemap}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_GET
@_embed
def hub_embed(request, slug):
    hub = get_object_or_404(queries.public_hubs(), slug=slug)
    context = {"title": hub.name, "link": hub, "map_points": map_points([hub])}
    return render(request, "hubs/embed_map.html", context)


@require_GET
@_embed
def industry_embed(request, slug):
    industry = get_object_or_404(Industry, slug=slug)
    hubs = list(queries.hubs_of_industry(industry).order_by("-member_count")[:500])
    context = {"title": f"{industry.title} hubs", "link": industry, "map_points": map_points(hubs)}
    return render(request, "hubs/embed_map.html", context)


@require_GET
@cache_control(max_age=3600, public=True)
@_embed
def hub_badge(request, slug):
    """A "Member of <hub>" badge, as an SVG image members put on their own sites."""
    hub = get_object_or_404(Hub.objects.approved(), slug=slug)
    name = hub.name[:60]
    context = {"name": name, "width": 150 + 7 * len(name)}
    return render(request, "hubs/badge.svg", context, content_type="image/svg+xml")


@require_GET
def hub_card(request, slug):
    """The stored card; until the worker has drawn it, the generic one, cached for a minute."""
    hub = get_object_or_404(queries.public_hubs(), slug=slug)
    path = cards.card_path(hub)
    if not default_storage.exists(path):
        cards.render_hub_card.enqueue(hub.pk)  # The immediate backend draws it here and now.
    if default_storage.exists(path):
        with default_storage.open(path) as stored:
            response = HttpResponse(stored.read(), content_type="image/png")
        patch_cache_control(response, public=True, max_age=3600)
        return response
    response = HttpResponse(cards.generic_card_png(), content_type="image/png")
    patch_cache_control(response, public=True, max_age=60)
    return response


@require_GET
def press_kit(request, slug):
    hub = get_object_or_404(queries.public_hubs(), slug=slug)
    members = queries.hub_members(hub)
    context = {
        "hub": hub,
        "members": members,
        "organizers": [m for m in members if m.is_organizer],
        "industries": [hub.industry, *hub.secondary_industries.all()],
        "partners": list(
            hub.partners.filter(resource__pending_review=False).select_related("resource")
        ),
        "mentions": list(hub.mentions.all()),
        "map_points": map_points([hub]),
    }
    return render(request, "hubs/press_kit.html", context)


@require_GET
def data(request):
    return render(request, "hubs/data.html", {"licence": opendata.LICENCE})


@open_to_any_origin
def data_hubs_csv(request):
    return opendata.csv_response(opendata.hub_rows(request), "industry-hubs.csv")


@open_to_any_origin
def data_businesses_csv(request):
    return opendata.csv_response(opendata.business_rows(request), "industry-hubs-businesses.csv")


@open_to_any_origin
def data_resources_csv(request):
    return opendata.csv_response(opendata.resource_rows(request), "industry-hubs-resources.csv")


@open_to_any_origin
def data_hubs_geojson(request):
    hubs = queries.public_hubs().prefetch_related(queries.COVERAGE).order_by("pk")
    return JsonResponse(
        {
            "type": "FeatureCollection",
            "licence": opendata.LICENCE,
            "features": hub_features(hubs.iterator(chunk_size=1000), request),
        },
        content_type="application/geo+json",
    )
