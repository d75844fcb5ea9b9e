"""hubs/figures.py: the directory's totals, counted once per directory version."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from hubs.figures import directory_figures
from hubs.models import Business, Hub, Industry
from tests.factories import make_business
from tests.test_redis_down import REDIS_DOWN

pytestmark = pytest.mark.django_db


def counted_now():
    return {
        "hubs": Hub.objects.approved().count(),
        "businesses": Business.objects.count(),
        "industries": Industry.objects.count(),
    }


def list_business(name):
    """A business of an industry that exists: the totals change by this one business."""
    return make_business(name=name, industry=Industry.objects.get(code="339920"))


def test_directory_figures_are_counted_once_per_directory_version():
    with CaptureQueriesContext(connection) as first:
        figures = directory_figures()
    with CaptureQueriesContext(connection) as again:
        kept = directory_figures()

    assert figures == kept == counted_now()
    assert len(first.captured_queries) == 3
    assert len(again.captured_queries) == 0


def test_directory_figures_are_counted_again_after_a_save():
    before = directory_figures()

    list_business("Newly Listed")  # its save bumps the directory version

    assert directory_figures() == {**before, "businesses": before["businesses"] + 1}
    assert directory_figures() == counted_now()


def test_directory_figures_count_only_what_is_named():
    with CaptureQueriesContext(connection) as queries:
        figures = directory_figures("businesses")

    assert figures == {"businesses": Business.objects.count()}
    assert len(queries.captured_queries) == 1


def test_directory_figures_are_counted_afresh_when_the_cache_is_down():
    with override_settings(CACHES=REDIS_DOWN):
        first = directory_figures()
        list_business("Listed While Redis Is Down")

        assert directory_figures() == {**first, "businesses": first["businesses"] + 1}
        assert directory_figures() == counted_now()
