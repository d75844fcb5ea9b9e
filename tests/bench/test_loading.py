"""The benchmark's loader writes rows the app can read, whatever columns the models grow."""

import pytest

from bench import loading
from hubs.models import Business
from tests.factories import make_industry, make_region

pytestmark = pytest.mark.django_db


def test_business_rows_load_and_the_database_fills_the_public_point():
    industry, region = make_industry(), make_region()
    specs = [(40.5, -111.9, industry.pk), (41.2, -111.97, industry.pk)]
    first = loading.next_id(Business)

    written = loading.bulk_load(
        Business,
        loading.BUSINESS_COLUMNS,
        loading.business_rows(specs, first_id=first, region_id=region.pk),
    )

    assert written == 2
    rows = (
        Business.objects.filter(pk__gte=first)
        .order_by("pk")
        .values_list("name", "location_public", "public_latitude", "public_longitude")
    )
    # The loader leaves location_public at its default (shown): the public point is the exact one.
    assert list(rows) == [
        (f"Bench business {first}", True, 40.5, -111.9),
        (f"Bench business {first + 1}", True, 41.2, -111.97),
    ]
