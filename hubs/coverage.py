"""Where an online hub takes members from: the whole world, or countries and states or
provinces, typed as the gazetteer knows them and stored as the hub's covered regions."""

from collections.abc import Iterable
from dataclasses import dataclass

from hubs import gazetteer, regions
from hubs.gazetteer import Resolution
from hubs.models import Business, Hub, Place, Region

# Coverage names areas; a town or a county is too small to be one.
COVERAGE_KINDS = (Place.Kind.COUNTRY, Place.Kind.STATE)
MAX_AREAS = 30


class NotAnArea(ValueError):
    """A place that is not a country, state or province; the message says which."""


@dataclass(frozen=True)
class Coverage:
    """An online hub's coverage: worldwide, or gazetteer areas (countries, states)."""

    worldwide: bool = False
    areas: tuple[Place, ...] = ()

    def __bool__(self) -> bool:
        return self.worldwide or bool(self.areas)

    @classmethod
    def of(cls, resolutions: Iterable[Resolution], *, worldwide: bool = False) -> "Coverage":
        """The coverage of typed places; NotAnArea for one that is a town, a county or a
        point."""
        areas: list[Place] = []
        for resolution in resolutions:
            place = resolution.place
            if place is None or place.kind not in COVERAGE_KINDS:
                raise NotAnArea(
                    f"“{resolution.query}” is not a country, state or province: "
                    "name the whole area a member may be in."
                )
            if place not in areas:
                areas.append(place)
        return cls(worldwide=worldwide, areas=() if worldwide else tuple(areas))

    def time_zone(self) -> str:
        """Where meetings are timed without a home base: the time zone at the centre of the
        first area (a country's or state's), or UTC for a worldwide hub."""
        if self.worldwide or not self.areas:
            return "UTC"
        lat, lng = self.areas[0].point
        return gazetteer.time_zone_at(lat=lat, lng=lng)

    def regions(self) -> list[Region]:
        """The country and state regions of the areas, created from the gazetteer when
        missing."""
        found = []
        for place in self.areas:
            point = place.point
            if place.kind == Place.Kind.COUNTRY:
                found.append(regions.country(place.country, fallback_point=point))
            else:
                found.append(regions.state(place.country, place.admin1, fallback_point=point))
        return found


def set_coverage(hub: Hub, coverage: Coverage) -> None:
    """Store ``coverage`` on a saved online hub (in the caller's transaction); what is already
    so is not written again."""
    if hub.covers_worldwide != coverage.worldwide:
        hub.covers_worldwide = coverage.worldwide
        hub.save(update_fields=["covers_worldwide", "updated_at"])
    hub.covered_regions.set(coverage.regions())


def clear_coverage(hub: Hub) -> None:
    """Forget the coverage of a hub that now meets in person (in the caller's transaction)."""
    hub.covered_regions.clear()


def covers(hub: Hub, business: Business) -> bool:
    """Whether an online hub takes members from where ``business`` is (its region, its state
    or its country); a hub that meets in person takes them from anywhere, as it always did."""
    if not hub.is_online:
        return True
    if hub.covers_worldwide:
        return True
    region = Region.objects.select_related("parent__parent").get(pk=business.region_id)
    return Hub.objects.covering(region).filter(pk=hub.pk).exists()


def coverage_text(hub: Hub) -> str:
    """The coverage as a person types it back into a form: "Canada; Nebraska, USA"."""
    labels = []
    for region in hub.covered_regions.select_related("parent"):
        if region.kind == Region.Kind.COUNTRY:
            labels.append(region.name)
        else:
            parent = region.parent.name if region.parent else ""
            labels.append(f"{region.name}, {parent}" if parent else region.name)
    return "; ".join(labels)
