"""The directory's open data: approved hubs, and the public fields of businesses and resources,
as CSV and GeoJSON. Only what the public pages show is exported."""

import csv

from django.http import StreamingHttpResponse

from hubs import queries
from hubs.models import Business, Resource

LICENCE = "CC BY 4.0"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value):
    """Text a spreadsheet would run: it starts like a formula and is not a plain number."""
    if not isinstance(value, str) or not value.startswith(FORMULA_PREFIXES):
        return False
    try:
        float(value)
    except ValueError:
        return True
    return False


def safe_cell(value):
    """A cell a spreadsheet will not run: a formula gets a leading quote."""
    return "'" + value if looks_like_formula(value) else value


def hub_rows(request):
    yield [
        "id",
        "slug",
        "name",
        "industry_code",
        "industry",
        "region",
        "latitude",
        "longitude",
        "stage",
        "members",
        "website",
        "url",
        "mode",
        "coverage",
    ]
    hubs = queries.public_hubs().prefetch_related(queries.COVERAGE).order_by("pk")
    for hub in hubs.iterator(chunk_size=1000):
        yield [
            hub.pk,
            hub.slug,
            hub.name,
            hub.industry.code,
            hub.industry.title,
            str(hub.region) if hub.region else "",
            hub.latitude,
            hub.longitude,
            hub.stage,
            hub.member_count,
            hub.website,
            request.build_absolute_uri(hub.get_absolute_url()),
            hub.mode,
            coverage_cell(hub),
        ]


def coverage_cell(hub):
    """An online hub's coverage as region slugs ("united-states;ontario-08"), or "worldwide";
    empty for a hub that meets in person."""
    if not hub.is_online:
        return ""
    if hub.covers_worldwide:
        return "worldwide"
    return ";".join(region.slug for region in hub.covered_regions.all())


def business_rows(request):
    """Businesses with their public point: a home-based business gives its town's centre."""
    yield [
        "id",
        "slug",
        "name",
        "industry_code",
        "industry",
        "city",
        "region",
        "latitude",
        "longitude",
        "location_is_exact",
        "website",
        "url",
    ]
    businesses = Business.objects.select_related("industry", "region").order_by("pk")
    for business in businesses.iterator(chunk_size=1000):
        lat, lng = business.public_point
        yield [
            business.pk,
            business.slug,
            business.name,
            business.industry.code,
            business.industry.title,
            business.city,
            business.region.name,
            lat,
            lng,
            business.location_public,
            business.website,
            request.build_absolute_uri(business.get_absolute_url()),
        ]


def resource_rows(request):
    yield ["id", "slug", "name", "kind", "city", "region", "latitude", "longitude", "website"]
    resources = Resource.objects.reviewed().select_related("region").order_by("pk")
    for resource in resources.iterator():
        yield [
            resource.pk,
            resource.slug,
            resource.name,
            resource.get_kind_display(),
            resource.city,
            resource.region.name,
            resource.latitude,
            resource.longitude,
            resource.website,
        ]


class _Echo:
    def write(self, value):
        return value


def csv_response(rows, filename):
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow([safe_cell(v) for v in row]) for row in rows),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
