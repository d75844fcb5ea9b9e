"""Facets for browsing hubs and businesses."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q

from hubs import geo, vocabulary
from hubs.fields import PlaceField
from hubs.forms import RADIUS_CHOICES, remembered_unit
from hubs.models import Business, Hub, Industry, Region, Stage
from hubs.models.base import WIDENING_RADII_KM

# With a place but no distance chosen, the hub list keeps the smallest offered distance that
# holds this many hubs: nearest first, read from one box of the coordinate index, not the table.
NEAREST_AT_LEAST = 20

SORT_ORDERS = {
    "name": ["name", "pk"],
    "newest": ["-created_at", "-pk"],
    "members": ["-member_count", "name"],
    "nearest": ["distance_km", "pk"],
}


def _region_filter():
    """Countries and states, by slug; a state is named with its country, so select it."""
    return django_filters.ModelChoiceFilter(
        queryset=Region.objects.filter(
            kind__in=[Region.Kind.COUNTRY, Region.Kind.STATE]
        ).select_related("parent"),
        to_field_name="slug",
        method="filter_region",
        empty_label="All regions",
    )


class PlaceFilter(django_filters.Filter):
    field_class = PlaceField


class HubFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        if cleaned.get("mode") == Hub.Mode.ONLINE:
            # Online hubs are listed by whether their coverage holds the place, not by distance.
            if cleaned.get("sort") == "nearest":
                self.add_error("sort", "Online hubs have no distance: choose another order.")
            if cleaned.get("within"):
                self.add_error("within", "Online hubs have no distance: leave “Within” empty.")
        if not cleaned.get("near"):
            if cleaned.get("sort") == "nearest":
                self.add_error("sort", "Nearest needs a place: type one in “Near”.")
            if cleaned.get("within"):
                self.add_error("within", "A distance needs a place: type one in “Near”.")
        return cleaned


class DirectoryFilterSet(django_filters.FilterSet):
    """The facets hubs and businesses share: a text search, an industry and a region."""

    def filter_text(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))

    def filter_industry(self, queryset, name, industry):
        return queryset.filter(vocabulary.lineage_q(industry))

    def filter_region(self, queryset, name, region):
        return queryset.filter(region.within_q())


def _within_filter():
    """A distance from the "near" place, in the visitor's unit; none chosen, "Automatic"."""
    return django_filters.ChoiceFilter(
        label="Within",
        choices=[(str(radius), str(radius)) for radius in RADIUS_CHOICES],
        empty_label="Automatic",
        method="filter_within",
    )


class NearFilterSet(DirectoryFilterSet):
    """Near a place, nearest first, within the chosen distance or, with none, the smallest
    offered one holding NEAREST_AT_LEAST rows: the list reads and counts one box of the
    coordinate index, never the whole table. A subclass declares ``near = PlaceFilter(...)``
    and ``within = _within_filter()``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["near"].widget.attrs["placeholder"] = "City or postcode"
        # The distance kept when a place is given and none chosen, in the visitor's unit.
        self.automatic_within = None

    @property
    def unit(self):
        """The unit the "Within" distances are read in."""
        self.is_valid()  # Cleans the form: "near" is read even when another field is wrong.
        place = self.form.cleaned_data.get("near") if self.is_bound else None
        return remembered_unit(self.request, place.country if place else "")

    @property
    def _measured(self):
        """Whether rows listed near a place are measured (online hubs are not)."""
        return True

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        place = self.form.cleaned_data.get("near")
        if place is None or self.form.cleaned_data.get("within") or not self._measured:
            return queryset
        return self._within_automatic(queryset, place)

    def _within_automatic(self, queryset, place):
        """Keep the smallest offered distance holding NEAREST_AT_LEAST rows (then wider
        circles); only where even the widest holds fewer is every matching row measured."""
        to_km = geo.miles_to_km if self.unit == "mi" else float
        radii = [to_km(radius) for radius in RADIUS_CHOICES]
        radii += [radius for radius in WIDENING_RADII_KM if radius > radii[-1]]
        point = {"lat": place.latitude, "lng": place.longitude}
        radius = queryset.smallest_radius_holding(NEAREST_AT_LEAST, radii=radii, **point)
        if radius is None:
            return queryset
        self.automatic_within = round(geo.km_to_miles(radius) if self.unit == "mi" else radius)
        return queryset.within_box(radius_km=radius, **point).filter(distance_km__lte=radius)

    def filter_near(self, queryset, name, place):
        """Annotate the distance from the place and list the nearest first."""
        if place is None:
            return queryset
        return queryset.nearest_first(lat=place.latitude, lng=place.longitude)

    def filter_within(self, queryset, name, value):
        place = self.form.cleaned_data.get("near")
        if place is None:
            return queryset
        radius = geo.miles_to_km(float(value)) if self.unit == "mi" else float(value)
        boxed = queryset.within_box(lat=place.latitude, lng=place.longitude, radius_km=radius)
        return boxed.filter(distance_km__lte=radius)


class HubFilter(NearFilterSet):
    q = django_filters.CharFilter(label="Search", method="filter_text")
    industry = django_filters.ModelChoiceFilter(
        # EXISTS probes the approved-hub index once per industry, rather than joining every
        # hub to its industry and removing the duplicates.
        queryset=Industry.objects.filter(
            Exists(Hub.objects.approved().filter(industry=OuterRef("pk")))
        ),
        to_field_name="slug",
        method="filter_industry",
        empty_label="All industries",
    )
    region = _region_filter()
    stage = django_filters.ChoiceFilter(choices=Stage.choices, empty_label="All stages")
    mode = django_filters.ChoiceFilter(
        label="Meets", choices=Hub.Mode.choices, empty_label="In person or online"
    )
    near = PlaceFilter(label="Near", method="filter_near", max_length=200)
    # In the visitor's unit (remembered, else the place's country's); applied after "near",
    # which measures the distances.
    within = _within_filter()
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        choices=[
            ("name", "Name"),
            ("newest", "Newest"),
            ("members", "Most members"),
            ("nearest", "Nearest (with a place)"),
        ],
        # Nothing chosen: nearest first when a place is given ("near" orders so), else by name.
        empty_label="Nearest with a place, else name",
        method="filter_sort",
    )

    class Meta:
        model = Hub
        fields = ["q", "industry", "region", "stage", "mode"]
        form = HubFilterForm

    @property
    def _online(self):
        return self.form.cleaned_data.get("mode") == Hub.Mode.ONLINE

    @property
    def _measured(self):
        return not self._online

    def filter_region(self, queryset, name, region):
        """Hubs in the region, and online hubs whose coverage reaches it."""
        covering = Hub.objects.covering(region).values("pk")
        return queryset.filter(region.within_q() | Q(pk__in=covering))

    def filter_near(self, queryset, name, place):
        """Annotate the distance from the place and list the nearest first; online hubs, whose
        coverage holds the place, by name."""
        if place is not None and self._online:
            return queryset.covering(country=place.country, admin1=place.admin1).order_by("name")
        return super().filter_near(queryset, name, place)

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORT_ORDERS[value])


class BusinessFilter(NearFilterSet):
    """The business directory's facets. Near a place, distances are measured to the point
    anyone may see (``BusinessQuerySet``)."""

    q = django_filters.CharFilter(label="Search", method="filter_text")
    industry = django_filters.ModelChoiceFilter(
        queryset=Industry.objects.filter(Exists(Business.objects.filter(industry=OuterRef("pk")))),
        to_field_name="slug",
        method="filter_industry",
        empty_label="All industries",
    )
    region = _region_filter()
    near = PlaceFilter(label="Near", method="filter_near", max_length=200)
    within = _within_filter()

    class Meta:
        model = Business
        fields = ["q", "industry", "region"]
        form = HubFilterForm  # Its one check that applies here: "Within" needs "Near".

    @property
    def lists_everything(self):
        """Whether no facet narrows the list: its count is then the directory's total."""
        if not self.is_valid():
            return False
        return not any(self.form.cleaned_data.get(name) for name in self.filters)
