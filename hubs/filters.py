"""Facets for browsing hubs and businesses."""

import django_filters
from django.db.models import Q

from hubs.models import Business, Hub, Industry, Region, Stage


SORT_ORDERS = {
    "name": ["name", "pk"],
    "newest": ["-created_at", "-pk"],
    "members": ["-member_count", "name"],
}


class HubFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="filter_text")
    industry = django_filters.ModelChoiceFilter(
        queryset=Industry.objects.filter(hubs__status=Hub.Status.APPROVED).distinct(),
        to_field_name="slug",
        method="filter_industry",
        empty_label="All industries",
    )
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.filter(kind__in=[Region.Kind.COUNTRY, Region.Kind.STATE]),
        to_field_name="slug",
        method="filter_region",
        empty_label="All regions",
    )
    stage = django_filters.ChoiceFilter(choices=Stage.choices, empty_label="All stages")
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        choices=[("name", "Name"), ("newest", "Newest"), ("members", "Most members")],
        empty_label=None,
        method="filter_sort",
    )

    class Meta:
        model = Hub
        fields = ["q", "industry", "region", "stage"]

    def filter_text(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))

    def filter_industry(self, queryset, name, industry):
        return queryset.filter(industry.lineage_q())

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORT_ORDERS[value])

    def filter_region(self, queryset, name, region):
        return queryset.filter(
            Q(region=region) | Q(region__parent=region) | Q(region__parent__parent=region)
        )


class BusinessFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="filter_text")
    industry = django_filters.ModelChoiceFilter(
        queryset=Industry.objects.filter(businesses__isnull=False).distinct(),
        to_field_name="slug",
        method="filter_industry",
        empty_label="All industries",
    )
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.filter(kind__in=[Region.Kind.COUNTRY, Region.Kind.STATE]),
        to_field_name="slug",
        method="filter_region",
        empty_label="All regions",
    )

    class Meta:
        model = Business
        fields = ["q", "industry", "region"]

    filter_text = HubFilter.filter_text
    filter_industry = HubFilter.filter_industry
    filter_region = HubFilter.filter_region
