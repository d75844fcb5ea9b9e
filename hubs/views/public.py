"""Public pages to search and browse the directory: home, search, the hub, industry, region and
business lists, industry suggestions and the GeoJSON API."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.http import require_GET

from hubs import figures, geo, queries, services, tallies, vocabulary
from hubs.api import GeoJSONParams, row_features
from hubs.cors import open_to_any_origin
from hubs.filters import NEAREST_AT_LEAST, BusinessFilter, HubFilter
from hubs.forms import RADIUS_CHOICES, UNIT_COOKIE, SearchForm, remembered_unit
from hubs.models import Business, Industry, Region
from hubs.pagecache import cache_for_visitors
from hubs.search import search_hubs, unaffiliated_businesses_near
from hubs.views.maps import map_points

PAGE_SIZE = 20
# The query parameters each cached page reads (any other keeps a request out of the page cache).
SEARCH_PARAMS = [*SearchForm.base_fields, "page"]
HUB_LIST_PARAMS = [*HubFilter.base_filters, "page"]
BUSINESS_LIST_PARAMS = [*BusinessFilter.base_filters, "page"]
HOME_MAP_LIMIT = 500
# Complementary hubs are looked for at least this far from a searched place.
COMPLEMENTS_AT_LEAST_KM = 300


def _unit(request, form, resolution):
    """Kilometres or miles: the visitor's choice, then their remembered one, then the place's."""
    chosen = form.cleaned_data.get("unit") if form.is_bound and form.is_valid() else ""
    return chosen or remembered_unit(request, resolution.country if resolution else "")


@require_GET
@cache_for_visitors()
def home(request):
    top_hubs = queries.public_hubs().order_by("-member_count")[:HOME_MAP_LIMIT]
    return render(
        request,
        "hubs/home.html",
        {
            "form": SearchForm(),
            "map_points": map_points(top_hubs),
            "figures": figures.directory_figures(),
        },
    )


def _search_without_place(request, form):
    """The form with its errors; with an industry but no place, that industry's hubs, most
    members first, and a word that a place sorts them by distance."""
    industry = form.cleaned_data.get("industry") if form.is_valid() else None
    context = {"form": form, "radius_choices": RADIUS_CHOICES, "industry": industry}
    if industry:
        hubs = queries.hubs_of_industry(industry, related=form.industry_related)
        context["industry_hubs"] = queries.with_coverage(
            list(hubs.order_by("-member_count", "name")[:PAGE_SIZE])
        )
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
    found = search_hubs(
        industry=industry,
        related=related,
        radius_km=radius_km,
        page_number=request.GET.get("page"),
        country=place.country,
        admin1=place.admin1,
        named=form.cleaned_data.get("industry_text", ""),
        complements_within_km=max(radius_km, COMPLEMENTS_AT_LEAST_KM) if industry else 0,
        **point,
    )
    context = {
        "form": form,
        "industry": industry,
        "place": place,
        "unit": unit,
        "radius_shown": round(geo.km_to_miles(radius_km) if unit == "mi" else radius_km),
        "radius_choices": RADIUS_CHOICES,
        "page": found.page,
        "nearest_anywhere": found.nearest_anywhere,
        "online_hubs": found.online,
        "map_points": map_points(found.page.object_list or found.nearest_anywhere),
        "map_center": {**point, "label": place.label},
        "named_hubs": found.named,
        "complementary": found.complementary,
        **(_around_industry(request, industry, point, radius_km) if industry else {}),
    }
    response = render(request, "hubs/search.html", context)
    if form.cleaned_data.get("unit"):
        response.set_cookie(UNIT_COOKIE, unit, max_age=365 * 24 * 3600, samesite="Lax")
    return response


def _around_industry(request, industry, point, radius_km):
    """The search page's sections below the results besides complementary hubs: businesses of
    the industry in no hub yet, and the pooled "I'd join one" interest (none read where the
    tallies tell there is none to find)."""
    counted = tallies.current()
    unaffiliated = []
    if counted is None or counted.has_businesses(industry):
        unaffiliated = unaffiliated_businesses_near(industry=industry, radius_km=radius_km, **point)
    interested = 0
    if counted is None or industry.pk in counted.interested:
        interested = services.interests_near(industry=industry, **point).count()
    return {
        "unaffiliated": unaffiliated,
        "interested": interested,
        "my_businesses": list(Business.objects.filter(owners=request.user))
        if request.user.is_authenticated
        else [],
    }


@require_GET
@cache_for_visitors(reads=HUB_LIST_PARAMS)
def hub_list(request):
    hub_filter = HubFilter(
        request.GET,
        queryset=queries.with_next_meeting(queries.public_hubs()).order_by("name"),
        request=request,
    )
    page = Paginator(hub_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = queries.with_coverage(list(page.object_list))
    unit = hub_filter.unit
    hub_filter.form["within"].label = f"Within ({unit})"
    context = {
        "filter": hub_filter,
        "page": page,
        "unit": unit,
        "nearest_at_least": NEAREST_AT_LEAST,
        "map_points": map_points(page.object_list),
    }
    return render(request, "hubs/hub_list.html", context)


@require_GET
@cache_for_visitors()
def industry_list(request):
    sectors = Industry.objects.filter(parent=None).prefetch_related("children").order_by("code")
    return render(request, "hubs/industry_list.html", {"sectors": sectors})


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
@cache_for_visitors(reads=BUSINESS_LIST_PARAMS)
def business_list(request):
    queryset = Business.objects.select_related("industry", "region").order_by("name")
    business_filter = BusinessFilter(request.GET, queryset=queryset, request=request)
    paginator = Paginator(business_filter.qs, PAGE_SIZE)
    if business_filter.lists_everything:
        # Every business: the total is counted once per directory version, not on each page.
        paginator.count = figures.directory_figures("businesses")["businesses"]
    page = paginator.get_page(request.GET.get("page"))
    unit = business_filter.unit
    business_filter.form["within"].label = f"Within ({unit})"
    context = {
        "filter": business_filter,
        "page": page,
        "unit": unit,
        "nearest_at_least": NEAREST_AT_LEAST,
    }
    return render(request, "hubs/business_list.html", context)


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
    features = row_features(params.hubs(), request)
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
