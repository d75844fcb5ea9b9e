"""Pages' addresses built once per route (hubs/routes.py): each as reverse() gives it, under any
script prefix and URLconf."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, include, path, reverse, set_script_prefix

from hubs.models import Hub
from hubs.routes import route_url
from tests.factories import make_business, make_hub, make_industry, make_region

pytestmark = pytest.mark.django_db

# A site that serves the directory under /elsewhere/.
urlpatterns = [path("elsewhere/", include("hubs.urls"))]

PAGES = {
    "industry": (make_industry, "/industries/summit-works/"),
    "region": (make_region, "/regions/summit-works/"),
    "hub": (make_hub, "/hubs/summit-works/"),
    "business": (make_business, "/businesses/summit-works/"),
}


@pytest.fixture
def prefix():
    """Serve the site under /directory/ for the test."""
    set_script_prefix("/directory/")
    yield
    set_script_prefix("/")


@pytest.mark.parametrize(("make", "address"), PAGES.values(), ids=PAGES.keys())
def test_page_address_is_the_routes_with_the_slug(make, address):
    assert make(slug="summit-works").get_absolute_url() == address


@pytest.mark.parametrize(("make", "address"), PAGES.values(), ids=PAGES.keys())
def test_page_address_follows_the_script_prefix(make, address, request):
    listing = make(slug="summit-works")
    listing.get_absolute_url()  # Built under the prefix "/" first.
    request.getfixturevalue("prefix")

    assert listing.get_absolute_url() == "/directory" + address


@pytest.mark.parametrize(("make", "address"), PAGES.values(), ids=PAGES.keys())
def test_page_address_follows_the_urlconf(make, address, settings):
    listing = make(slug="summit-works")
    listing.get_absolute_url()  # Built under the site's URLconf first.

    settings.ROOT_URLCONF = __name__

    assert listing.get_absolute_url() == "/elsewhere" + address


def test_page_address_of_a_slug_no_route_takes_is_refused():
    with pytest.raises(NoReverseMatch):
        Hub(slug="no spaces").get_absolute_url()


def test_route_without_a_slug_is_what_reverse_gives_and_follows_the_prefix(request):
    assert route_url("hubs:hub_list") == reverse("hubs:hub_list") == "/hubs/"
    request.getfixturevalue("prefix")

    assert route_url("hubs:hub_list") == "/directory/hubs/"


def test_route_tag_writes_what_the_url_tag_does():
    template = "{% load hubs_tags %}{% route 'hubs:hub_press' slug %} {% route 'hubs:home' %}"

    written = Template(template).render(Context({"slug": "summit-works"}))

    assert written == "/hubs/summit-works/press/ /"
