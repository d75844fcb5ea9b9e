"""Finding and creating the country > state > metro regions that rows belong to."""

from django.utils.text import slugify

from hubs import gazetteer, queries
from hubs.models import Place, Region

METRO_RADIUS_KM = 60
STATE_RADIUS_KM = 400


def centroid(country, admin1=None):
    """The population-weighted centre of the gazetteer's cities in a country or state."""
    cities = Place.objects.filter(kind=Place.Kind.CITY, country=country)
    if admin1:
        cities = cities.filter(admin1=admin1)
    total = lat = lng = 0.0
    for c_lat, c_lng, population in cities.values_list("latitude", "longitude", "population"):
        weight = max(population, 1)
        total += weight
        lat += c_lat * weight
        lng += c_lng * weight
    return (lat / total, lng / total) if total else None


def get_or_create(name, kind, *, parent=None, code="", point):
    region = Region.objects.filter(name__iexact=name, parent=parent).first()
    if region is None:
        slug_base = f"{name} {parent.code or parent.name}" if kind == Region.Kind.STATE else name
        region = Region.objects.create(
            name=name,
            kind=kind,
            parent=parent,
            code=code,
            slug=slugify(slug_base)[:150],
            latitude=point[0],
            longitude=point[1],
        )
    return region


def country(code, *, fallback_point):
    return get_or_create(
        gazetteer.country_name(code),
        Region.Kind.COUNTRY,
        code=code,
        point=centroid(code) or fallback_point,
    )


def us_state(code, *, fallback_point):
    parent = country("US", fallback_point=fallback_point)
    return get_or_create(
        gazetteer.us_state_name(code),
        Region.Kind.STATE,
        parent=parent,
        code=code,
        point=centroid("US", code) or fallback_point,
    )


def region_for_point(*, lat, lng):
    """The region of a new row: a metro area nearby in the same state or country, else the
    state (US) or the country, created from the gazetteer when missing."""
    town = gazetteer.nearest_city(lat=lat, lng=lng)
    if town is None:
        return queries.nearest(Region.objects.all(), lat=lat, lng=lng, limit=1)[0]
    point = (lat, lng)
    if town.country == "US" and town.admin1:
        parent = us_state(town.admin1, fallback_point=point)
        metros = Region.objects.filter(kind=Region.Kind.METRO, parent=parent)
    else:
        parent = country(town.country, fallback_point=point)
        states = Region.objects.filter(kind=Region.Kind.STATE, parent=parent)
        near_states = queries.within_radius(states, lat=lat, lng=lng, radius_km=STATE_RADIUS_KM)
        state = near_states.first()
        metros = Region.objects.filter(kind=Region.Kind.METRO, parent__parent=parent)
        parent = state or parent
    metro = queries.within_radius(metros, lat=lat, lng=lng, radius_km=METRO_RADIUS_KM).first()
    return metro or parent
