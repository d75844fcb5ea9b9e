"""The first page is read before anything is counted: a short list costs one query."""

import pytest

from hubs.models import Industry
from hubs.paginators import FirstPageFirstPaginator

pytestmark = pytest.mark.django_db


def industries():
    return Industry.objects.order_by("code")


def test_a_short_first_page_tells_the_count_without_counting(django_assert_num_queries):
    short = industries().filter(code__in=["11", "21", "22"])

    with django_assert_num_queries(1):
        page = FirstPageFirstPaginator(short, 20).get_page(None)
        assert [i.code for i in page] == ["11", "21", "22"]
        assert (page.paginator.count, page.paginator.num_pages, page.has_next()) == (3, 1, False)


def test_a_full_first_page_is_counted_only_when_the_count_is_asked(django_assert_num_queries):
    total = Industry.objects.count()
    with django_assert_num_queries(1):
        page = FirstPageFirstPaginator(industries(), 5).get_page("1")
        assert len(page.object_list) == 5
    with django_assert_num_queries(1):
        assert page.paginator.count == total > 5
    assert page.has_next() is True
    assert [i.code for i in page] == [i.code for i in industries()[:5]]


@pytest.mark.parametrize("number", ["2", "abc", "999"])
def test_other_pages_are_djangos(number):
    page = FirstPageFirstPaginator(industries(), 5).get_page(number)
    total = Industry.objects.count()
    expected = {"2": 2, "abc": 1, "999": -(-total // 5)}[number]

    assert page.number == expected
    assert page.paginator.count == total


def test_an_empty_list_is_one_empty_first_page(django_assert_num_queries):
    with django_assert_num_queries(1):
        page = FirstPageFirstPaginator(
            industries().none() | industries().filter(pk=-1), 5
        ).get_page(1)
        assert (list(page), page.paginator.count, page.paginator.num_pages) == ([], 0, 1)
