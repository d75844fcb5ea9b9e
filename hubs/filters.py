"""Facets for browsing hubs and businesses."""

import django_filters
from django import forms
from django.db.models import Q

from hubs import geo
from hubs.forms import RADIUS_CHOICES, PlaceField, remembered_unit
from hubs.models import Business, Hub, Industry, Region, Stage
from hubs.queries import with_distance, within_box

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
        if not cleaned.get("near"):
            if cleaned.get("sort") == "nearest":
                self.add_error("sort", "Nearest needs a place: type one in “Near”.")
            if cleaned.get("within"):
                self.add_error("within", "A distance needs a place: type one in “Near”.")
        return cleaned


class HubFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="filter_text")
    industry = django_filters.ModelChoiceFilter(
        queryset=Industry.objects.filter(hubs__status=Hub.Status.APPROVED).distinct(),
        to_field_name="slug",
        method="filter_industry",
        empty_label="All industries",
    )
    region = _region_filter()
    stage = django_filters.ChoiceFilter(choices=Stage.choices, empty_label="All stages")
    near = PlaceFilter(label="Near", method="filter_near", max_length=200)
    # In the visitor's unit (remembered, else the place's country's); applied after "near",
    # which measures the distances.
    within = django_filters.ChoiceFilter(
        label="Within",
        choices=[(str(radius), str(radius)) for radius in RADIUS_CHOICES],
        empty_label="Any distance",
        method="filter_within",
    )
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
        fields = ["q", "industry", "region", "stage"]
        form = HubFilterForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["near"].widget.attrs["placeholder"] = "City or postcode"

    def filter_text(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))

    def filter_industry(self, queryset, name, industry):
        return queryset.filter(industry.lineage_q())

    def filter_near(self, queryset, name, place):
        """Annotate the distance from the place and list the nearest first."""
        if place is None:
            return queryset
        distances = with_distance(queryset, lat=place.latitude, lng=place.longitude)
        return distances.order_by(*SORT_ORDERS["nearest"])

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORT_ORDERS[value])

    def filter_within(self, queryset, name, value):
        place = self.form.cleaned_data.get("near")
        if place is None:
            return queryset
        radius = float(value)
        if self.unit == "mi":
            radius = geo.miles_to_km(radius)
        boxed = within_box(queryset, lat=place.latitude, lng=place.longitude, radius_km=radius)
        return boxed.filter(distance_km__lte=radius)

    @property
    def unit(self):
        """The unit the "Within" distances are read in."""
        self.is_valid()  # Cleans the form: "near" is read even when another field is wrong.
        place = self.form.cleaned_data.get("near") if self.is_bound else None
        return remembered_unit(self.request, place.country if place else "")

    def filter_region(self, queryset, name, region):
        return queryset.filter(region.within_q())


class BusinessFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="filter_text")
    industry = django_filters.ModelChoiceFilter(
        queryset=Industry.objects.filter(businesses__isnull=False).distinct(),
        to_field_name="slug",
        method="filter_industry",
        empty_label="All industries",
    )
    region = _region_filter()

    class Meta:
        model = Business
        fields = ["q", "industry", "region"]

    filter_text = HubFilter.filter_text
    filter_industry = HubFilter.filter_industry
    filter_region = HubFilter.filter_region
