"""Facets for browsing hubs and businesses."""

import django_filters
from django.db.models import Q

from hubs.models import Business, Hub, Industry, Region, Stage


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
    sort = django_filters.OrderingFilter(
        fields=[("name", "name"), ("created_at", "newest"), ("member_count", "members")],
        field_labels={"name": "Name", "created_at": "Newest", "member_count": "Most members"},
        label="Sort by",
        empty_label=None,
        null_label=None,
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
