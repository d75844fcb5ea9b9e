"""Whole public pages are cached for anonymous visitors, and any change to the directory makes
them stale at once."""

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hubs import curation, organizing, services
from hubs.meetings import Place, series_schedule
from hubs.models import (
    Hub,
    Industry,
    Meeting,
    Membership,
    Mention,
    Partner,
    Region,
    Resource,
    Update,
)
from hubs.pagecache import _page_key, directory_version
from hubs.views.details import _seconds_until_meetings_change
from tests.factories import (
    make_business,
    make_hub,
    make_industry,
    make_membership,
    make_region,
    make_resource,
    make_user,
)

pytestmark = pytest.mark.django_db


def test_anonymous_page_is_served_from_the_cache_without_queries(
    client, django_assert_num_queries, settings
):
    settings.FRAGMENT_CACHE_SECONDS = 0  # So only a whole cached page costs no query.
    hub = make_hub(description="First words.")
    client.get(hub.get_absolute_url())

    with django_assert_num_queries(0):
        again = client.get(hub.get_absolute_url())

    assert "First words." in again.content.decode()
    assert again["X-Frame-Options"] == "DENY"  # Middleware still runs on a cached page.


def test_a_change_to_the_directory_shows_at_once(client):
    hub = make_hub(description="First words.")
    client.get(hub.get_absolute_url())

    hub.description = "Second words."
    hub.save()
    response = client.get(hub.get_absolute_url())

    assert "Second words." in response.content.decode()


def test_a_new_member_shows_at_once_on_the_search_page(client):
    hub = make_hub(latitude=-21.1, longitude=-175.2)
    url = reverse("hubs:search")
    params = {"industry": hub.industry.code, "near": "-21.1, -175.2"}
    client.get(url, params)

    make_membership(hub=hub)
    hub.refresh_member_count()
    response = client.get(url, params)

    assert "1 member business" in response.content.decode()


def test_signed_in_visitors_are_never_served_a_cached_page(client):
    hub = make_hub()
    client.get(hub.get_absolute_url())
    client.force_login(make_user())

    response = client.get(hub.get_absolute_url())

    assert "Log out" in response.content.decode()


def test_pages_setting_a_cookie_are_not_cached(client):
    params = {"industry": "339920", "near": "Ogden, UT", "unit": "mi"}
    first = client.get(reverse("hubs:search"), params)
    client.cookies.clear()

    with CaptureQueriesContext(connection) as second_queries:
        second = client.get(reverse("hubs:search"), params)  # The same URL: it could share a key.

    assert first.cookies["unit"].value == "mi"
    assert second.cookies["unit"].value == "mi"
    assert "0.0 mi</strong> away" in second.content.decode()
    assert _page_entries() == 0
    assert len(second_queries) > 0  # Built again, not served from the cache.


def _page_entries():
    # LocMemCache keeps its entries in _cache: the count is what the bound is about.
    from django.core.cache import caches

    return len(caches["pages"]._cache)


def test_unknown_query_parameters_add_no_cache_entry(client):
    hub = make_hub()
    client.get(hub.get_absolute_url())

    for n in range(5):
        client.get(hub.get_absolute_url(), {f"junk{n}": "x"})
    client.get(reverse("hubs:search"), {"industry": "339920", "industry ": "x"})
    client.get(reverse("hubs:search"), [("near", "Ogden, UT"), ("near", "Provo, UT")])

    assert _page_entries() == 1


def test_an_invalid_unit_cookie_shares_the_page_of_no_cookie(
    client, django_assert_num_queries, settings
):
    settings.FRAGMENT_CACHE_SECONDS = 0  # So only a whole cached page costs no query.
    hub = make_hub()
    client.get(hub.get_absolute_url())

    for value in ["zz", "km<script>", "x" * 50]:
        client.cookies["unit"] = value
        with django_assert_num_queries(0):
            client.get(hub.get_absolute_url())

    assert _page_entries() == 1


# Every path and query a cached view can be asked for: pages that differ in any of them must
# never be served one for the other.
DISTINCT_URLS = [
    "/",
    "/hubs/",
    "/hubs/?page=2",
    "/hubs/?page=3",
    "/hubs/?near=Ogden%2C+UT",
    "/hubs/?near=Provo%2C+UT",
    "/hubs/?near=Ogden%2C+UT&page=2",
    "/hubs/ogden-surfboards/",
    "/hubs/provo-surfboards/",
    "/businesses/",
    "/businesses/?page=2",
    "/businesses/acme/",
    "/search/",
    "/search/?industry=339920",
    "/search/?industry=339921",
    "/search/?industry=339920&near=Ogden%2C+UT",
    "/search/?industry=339920&near=Provo%2C+UT",
    "/search/?industry=339920&near=Ogden%2C+UT&radius=50",
    "/search/?industry=339920&near=Ogden%2C+UT&radius=100",
    "/search/?industry=339920&near=Ogden%2C+UT&radius=100&unit=mi",
    "/search/?industry=339920&near=Ogden%2C+UT&radius=100&unit=km",
    "/search/?industry=339920&near=ogden%2C+ut",
    "/search/?industry=339920&near=Ogden%2C+UT+",
]


def _key(url, version=1, **extra):
    return _page_key(RequestFactory().get(url, **extra), version)


def test_page_keys_differ_for_every_path_and_query():
    keys = [_key(url) for url in DISTINCT_URLS]

    assert len(set(keys)) == len(DISTINCT_URLS)
    assert [_key(url) for url in DISTINCT_URLS] == keys  # The same URL always finds its page.


def test_page_keys_change_with_the_directory_version():
    assert _key("/hubs/", version=1) != _key("/hubs/", version=2)


def test_page_keys_differ_for_each_valid_unit_cookie():
    url = "/hubs/ogden-surfboards/"
    factory = RequestFactory()
    keys = {}
    for unit in ["km", "mi", None]:
        if unit:
            factory.cookies["unit"] = unit
        else:
            factory.cookies.clear()
        keys[unit] = _page_key(factory.get(url), 1)

    assert len(set(keys.values())) == 3


def test_an_invalid_unit_cookie_shares_the_key_of_no_cookie():
    url = "/hubs/ogden-surfboards/"
    no_cookie = _key(url)
    for value in ["", "zz", "KM", "km ", "km<script>", "x" * 50]:
        factory = RequestFactory()
        factory.cookies["unit"] = value

        assert _page_key(factory.get(url), 1) == no_cookie, value


def test_page_keys_differ_for_each_host_and_scheme(settings):
    settings.ALLOWED_HOSTS = ["testserver", "mirror.example.org"]
    keys = [
        _key("/hubs/"),
        _key("/hubs/", HTTP_HOST="mirror.example.org"),
        _key("/hubs/", secure=True),
    ]

    assert len(set(keys)) == 3


def test_another_host_cannot_poison_the_canonical_links_others_get(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "mirror.example.org"]
    hub = make_hub()
    client.get(hub.get_absolute_url(), HTTP_HOST="mirror.example.org")

    response = client.get(hub.get_absolute_url())

    canonical = f'<link rel="canonical" href="http://testserver{hub.get_absolute_url()}">'
    assert canonical in response.content.decode()
    assert "mirror.example.org" not in response.content.decode()


def test_a_forged_forwarded_proto_cannot_poison_the_scheme_others_get(client):
    hub = make_hub()
    client.get(hub.get_absolute_url(), HTTP_X_FORWARDED_PROTO="https")

    response = client.get(hub.get_absolute_url())

    assert f"http://testserver{hub.get_absolute_url()}" in response.content.decode()
    assert "https://testserver" not in response.content.decode()


def test_pages_are_kept_apart_from_rate_limit_counters(client):
    from django.core.cache import cache, caches

    hub = make_hub()
    client.get(hub.get_absolute_url())

    assert list(cache._cache) == [":1:directory-version"]  # default: counters and the version
    assert len(caches["pages"]._cache) == 1


def test_page_cache_entries_are_bounded(settings):
    assert settings.CACHES["pages"]["OPTIONS"]["MAX_ENTRIES"] == settings.PAGE_CACHE_MAX_ENTRIES
    assert settings.PAGE_CACHE_MAX_ENTRIES == 500


def _raw_query_key(path, query):
    # A client may send a query's UTF-8 bytes unencoded; WSGI hands them over as latin-1 text.
    return _page_key(RequestFactory().get(path, QUERY_STRING=query), 1)


def test_page_keys_differ_for_a_raw_and_an_encoded_query_that_read_differently():
    raw = RequestFactory().get("/search/", QUERY_STRING="near=Z\xc3\xbcrich")
    encoded = RequestFactory().get("/search/", QUERY_STRING="near=Z%C3%83%C2%BCrich")

    # The view reads two different places; the cache must keep their pages apart.
    assert (raw.GET["near"], encoded.GET["near"]) == ("Zürich", "ZÃ¼rich")
    assert _page_key(raw, 1) != _page_key(encoded, 1)


def test_a_raw_utf8_query_is_not_served_the_page_of_its_mojibake(client):
    url = reverse("hubs:search")
    for _ in range(2):  # A page with a query is kept from its second request on.
        client.get(url, QUERY_STRING="industry=339920&near=Z%C3%83%C2%BCrich")

    for _ in range(3):
        response = client.get(url, QUERY_STRING="industry=339920&near=Z\xc3\xbcrich")

    assert 'value="Zürich"' in response.content.decode()
    assert _page_entries() == 2


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("industry=339920&near=Ogden", "near=Ogden&industry=339920"),  # order
        ("near=Ogden%2C+UT", "near=Ogden%2C%20UT"),  # two spellings of a space
        ("near=Ogden%2C+UT", "near=Ogden,+UT"),  # a comma encoded or not
        ("near=Ogden+UT", "near=Ogden%2BUT"),  # a space and a plus sign read differently
        ("near=Ogden", "near=Ogden&page="),  # an empty parameter
    ],
)
def test_page_keys_differ_whenever_the_query_is_written_differently(first, second):
    # Pages echo their query in links ("Log in" comes back to it), so a page is kept per
    # spelling: no page can carry another spelling's links.
    assert _raw_query_key("/search/", first) != _raw_query_key("/search/", second)


def test_page_keys_ignore_headers_the_pages_do_not_read():
    # The site has one language and no per-client content: these headers must not split the
    # cache into copies of one page.
    plain = _key("/hubs/")

    assert _key("/hubs/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9") == plain
    assert _key("/hubs/", HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64)") == plain
    assert _key("/hubs/", HTTP_ACCEPT_ENCODING="gzip, br") == plain
    assert _key("/hubs/", HTTP_COOKIE="sessionid=abc; csrftoken=def") == plain


def test_a_visitor_with_a_message_waiting_gets_a_fresh_page_and_stores_none(client, settings):
    settings.FRAGMENT_CACHE_SECONDS = 0  # Parts kept for every visitor would cost no query.
    hub = make_hub(description="First words.")
    client.get(hub.get_absolute_url())
    client.cookies["messages"] = "anything"

    with CaptureQueriesContext(connection) as queries:
        response = client.get(hub.get_absolute_url())

    assert "First words." in response.content.decode()
    assert len(queries) > 0  # Built for this visitor, not served from the cache.
    assert _page_entries() == 1  # Only the first visitor's page.


def test_a_search_is_kept_only_when_asked_a_second_time(client, django_assert_num_queries):
    make_hub(latitude=-21.1, longitude=-175.2)
    url = reverse("hubs:search")
    params = {"industry": "339920", "near": "-21.1, -175.2"}

    client.get(url, params)
    after_first = _page_entries()
    client.get(url, params)
    after_second = _page_entries()
    with django_assert_num_queries(0):
        third = client.get(url, params)

    assert (after_first, after_second) == (0, 1)
    assert third.status_code == 200


def test_searches_asked_once_keep_no_page(client):
    for radius in [25, 50, 100, 150, 300]:
        client.get(
            reverse("hubs:search"), {"industry": "339920", "near": "Ogden, UT", "radius": radius}
        )

    assert _page_entries() == 0


def test_a_page_without_a_query_is_kept_at_once(client):
    hub = make_hub()

    client.get(hub.get_absolute_url())

    assert _page_entries() == 1


# The parts of a hub's page every visitor sees alike are kept for signed-in visitors too
# (hubs.pagecache.shared_fragments); what is one visitor's own is built for each request.


def _organizer_of(hub):
    user = make_user()
    business = make_business(industry=hub.industry)
    business.owners.add(user)
    make_membership(hub=hub, business=business, role=Membership.Role.ORGANIZER)
    hub.refresh_member_count()
    return user


def test_hub_page_parts_kept_for_an_organizer_never_show_another_visitor_its_tools(client):
    hub = make_hub(description="Shared words.")
    client.force_login(_organizer_of(hub))
    organizers_page = client.get(hub.get_absolute_url()).content.decode()
    client.force_login(make_user())

    with CaptureQueriesContext(connection) as queries:
        page = client.get(hub.get_absolute_url()).content.decode()

    assert "Manage the hub" in organizers_page
    assert "Next for the organizers:" in organizers_page
    assert "Manage the hub" not in page
    assert "Next for the organizers:" not in page
    assert '<a class="button primary" href="/hubs/' + hub.slug + '/join/">Ask to join</a>' in page
    # The description, its three sharing tags and the schema.org data.
    assert page.count("Shared words.") == organizers_page.count("Shared words.") == 5
    # The session, the user and the visitor's own memberships: the rest was kept.
    assert len(queries) == 3


def test_hub_page_parts_kept_for_a_visitor_show_an_organizer_its_tools(client):
    hub = make_hub()
    organizer = _organizer_of(hub)
    client.force_login(make_user())
    client.get(hub.get_absolute_url())
    client.force_login(organizer)

    page = client.get(hub.get_absolute_url()).content.decode()

    assert "Manage the hub" in page
    assert "Next for the organizers:</strong> Start the conversation." in page
    assert "Ask to join" not in page


def test_hub_page_parts_show_a_write_at_once(client):
    hub = make_hub()
    client.force_login(make_user())
    client.get(hub.get_absolute_url())

    Update.objects.create(hub=hub, title="Fair on Friday", body="Come.")
    page = client.get(hub.get_absolute_url()).content.decode()

    assert "<h3>Fair on Friday</h3>" in page


def test_hub_page_parts_are_kept_apart_for_each_unit(client):
    hub = make_hub(region=make_region(kind=Region.Kind.COUNTRY, code="US"))
    make_resource(name="Chamber Nearby", latitude=hub.latitude + 0.1, longitude=hub.longitude)
    client.force_login(make_user())
    in_miles = client.get(hub.get_absolute_url()).content.decode()

    client.cookies["unit"] = "km"
    in_km = client.get(hub.get_absolute_url()).content.decode()

    assert "Chamber of commerce · Testville · 6.9 mi" in in_miles
    assert "Chamber of commerce · Testville · 11.1 km" in in_km


def test_hub_page_parts_are_built_every_time_when_the_cache_is_off(client, settings):
    settings.FRAGMENT_CACHE_SECONDS = 0
    hub = make_hub()
    client.force_login(make_user())
    client.get(hub.get_absolute_url())

    with CaptureQueriesContext(connection) as queries:
        client.get(hub.get_absolute_url())

    # The session, the user, the visitor's memberships, then the hub, its members and the
    # resources near: a hub with no list and no complement reads nothing more.
    assert len(queries) == 6
    assert _fragment_entries() == 0


def _fragment_entries():
    from django.core.cache import caches

    return len(caches["fragments"]._cache)


def _meeting(starts_in_hours, hours=2):
    starts_at = timezone.now() + timedelta(hours=starts_in_hours)
    return Meeting(starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours))


def test_hub_page_parts_hold_until_the_first_meeting_shown_ends():
    meetings = [_meeting(-1), _meeting(5)]  # The first started an hour ago, ends in one.

    assert 3595 < _seconds_until_meetings_change(meetings) <= 3600


def test_hub_page_parts_hold_until_the_last_of_a_full_list_starts():
    # Five long meetings shown, the last starting in 4.5 h: one not shown starts after it and
    # may be short, so it may end (and count as held) soon after 4.5 h, before any shown one.
    meetings = [_meeting(h, hours=48) for h in (1, 2, 3, 4, 4.5)]

    assert 4.5 * 3600 - 5 < _seconds_until_meetings_change(meetings) <= 4.5 * 3600


def test_hub_page_parts_without_meetings_hold_as_long_as_the_setting_says(settings):
    settings.FRAGMENT_CACHE_SECONDS = 120

    assert _seconds_until_meetings_change([]) == 120


def test_a_pending_hub_page_is_built_for_its_organizers_and_never_kept(client):
    hub = make_hub(status=Hub.Status.PENDING, description="Not public yet.")
    organizer = _organizer_of(hub)
    client.force_login(make_user())

    with CaptureQueriesContext(connection) as queries:
        outsider = client.get(hub.get_absolute_url())
    # Counted now: the next request empties the log the count reads.
    outsiders_statements = len(queries)
    client.force_login(organizer)
    organizers = client.get(hub.get_absolute_url())

    assert outsider.status_code == 404
    # The session, the user, the hub and the visitor's memberships: nothing of the page built.
    assert outsiders_statements == 4
    assert organizers.status_code == 200
    assert "Not public yet." in organizers.content.decode()
    assert _fragment_entries() == 0


# A membership shows on public pages only while active (hubs.models.Membership.
# written_publicly): a write that neither makes one active nor ends an active one leaves every
# cache alone; one that does shows at once.

REQUESTED, ACTIVE = Membership.State.REQUESTED, Membership.State.ACTIVE
LEFT, REMOVED = Membership.State.LEFT, Membership.State.REMOVED


def _member_link(membership):
    business = membership.business
    return f'<a href="{business.get_absolute_url()}">{business.name}</a>'


def _shown(client, membership):
    page = client.get(membership.hub.get_absolute_url()).content.decode()
    return _member_link(membership) in page


@pytest.mark.parametrize(
    ("before", "after"), [(REQUESTED, ACTIVE), (ACTIVE, LEFT), (ACTIVE, REMOVED), (LEFT, ACTIVE)]
)
def test_a_membership_becoming_or_ceasing_to_be_active_shows_at_once(client, before, after):
    membership = make_membership(state=before)
    shown_before = _shown(client, membership)  # Now kept, whole and in parts.

    membership.state = after
    membership.save(update_fields=["state"])

    assert (shown_before, _shown(client, membership)) == (before == ACTIVE, after == ACTIVE)


@pytest.mark.parametrize(
    ("before", "after"),
    [(REQUESTED, REMOVED), (REQUESTED, LEFT), (LEFT, REQUESTED), (REMOVED, REQUESTED)],
)
def test_a_membership_never_active_leaves_the_directory_version_alone(before, after):
    membership = Membership.objects.get(pk=make_membership(state=before).pk)
    version = directory_version()

    membership.state = after
    membership.connections = ["finance"]
    membership.role = Membership.Role.ORGANIZER
    membership.save()

    assert directory_version() == version
    assert Membership.objects.get(pk=membership.pk).state == after


def test_a_join_request_leaves_the_kept_pages_alone(client, django_assert_num_queries, settings):
    settings.FRAGMENT_CACHE_SECONDS = 0  # So only a whole cached page costs no query.
    hub = make_hub()
    _organizer_of(hub)
    user = make_user()
    business = make_business(industry=hub.industry)
    business.owners.add(user)
    client.get(hub.get_absolute_url())
    version = directory_version()

    membership = services.membership_request(
        hub=hub, business=business, connections=["finance"], user=user
    )
    with django_assert_num_queries(0):
        client.get(hub.get_absolute_url())

    assert directory_version() == version
    assert Membership.objects.get(pk=membership.pk).state == REQUESTED


def test_a_declined_request_leaves_the_directory_version_alone():
    hub = make_hub()
    _organizer_of(hub)
    membership = Membership.objects.get(pk=make_membership(hub=hub, state=REQUESTED).pk)
    version = directory_version()

    services.membership_decide(membership=membership, approve=False)

    assert directory_version() == version
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_an_approved_request_shows_at_once(client):
    hub = make_hub()
    _organizer_of(hub)
    membership = make_membership(hub=hub, state=REQUESTED)
    shown_before = _shown(client, membership)

    services.membership_decide(membership=Membership.objects.get(pk=membership.pk), approve=True)

    assert (shown_before, _shown(client, membership)) == (False, True)


def test_a_deleted_active_membership_is_gone_at_once(client):
    membership = make_membership()
    shown_before = _shown(client, membership)

    Membership.objects.get(pk=membership.pk).delete()

    assert (shown_before, _shown(client, membership)) == (True, False)


def test_an_active_members_new_role_shows_at_once(client):
    membership = make_membership()
    client.get(membership.hub.get_absolute_url())

    membership = Membership.objects.get(pk=membership.pk)
    membership.role = Membership.Role.ORGANIZER
    membership.save(update_fields=["role"])
    page = client.get(membership.hub.get_absolute_url()).content.decode()

    assert f'{_member_link(membership)} <span class="badge">Organizer</span>' in page


def test_a_membership_written_without_its_state_read_shows_at_once(client):
    active = make_membership()
    shown_before = _shown(client, active)

    # Written over without being read: its state before is not known.
    Membership(
        pk=active.pk,
        hub=active.hub,
        business=active.business,
        state=REQUESTED,
        requested_at=active.requested_at,
    ).save()

    assert (shown_before, _shown(client, active)) == (True, False)


def test_a_membership_state_loaded_after_it_was_read_is_known_when_written():
    membership = make_membership(state=REQUESTED)
    version = directory_version()

    deferred = Membership.objects.only("pk", "hub", "business").get(pk=membership.pk)
    assert deferred.is_requested  # Loads the state it was read without.
    deferred.role = Membership.Role.ORGANIZER
    deferred.save()

    assert directory_version() == version
    assert Membership.objects.get(pk=membership.pk).role == Membership.Role.ORGANIZER


def test_a_membership_refreshed_after_it_became_active_shows_its_departure_at_once(client):
    membership = Membership.objects.get(pk=make_membership(state=REQUESTED).pk)
    approved = Membership.objects.get(pk=membership.pk)
    approved.state = ACTIVE
    approved.save()
    shown_before = _shown(client, membership)

    membership.refresh_from_db()
    membership.state = LEFT
    membership.save()

    assert (shown_before, _shown(client, membership)) == (True, False)


# A hub shows on public pages only once approved, a resource once reviewed, and a hub's own
# rows (meetings, mentions, updates, partners) only while their hub is (hubs/models/
# visibility.py): an organizer's edits of a hub under review leave every cache alone; the
# curator's decision shows at once.

PENDING, APPROVED = Hub.Status.PENDING, Hub.Status.APPROVED
REJECTED, ARCHIVED = Hub.Status.REJECTED, Hub.Status.ARCHIVED


def _listed(client, hub):
    """Whether the hub's industry page, kept whole after its first request, lists the hub."""
    page = client.get(hub.industry.get_absolute_url()).content.decode()
    return f'href="{hub.get_absolute_url()}"' in page


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (PENDING, APPROVED),
        (REJECTED, APPROVED),
        (APPROVED, REJECTED),
        (APPROVED, ARCHIVED),
        (APPROVED, PENDING),
    ],
)
def test_a_hub_becoming_or_ceasing_to_be_approved_shows_at_once(client, before, after):
    hub = make_hub(status=before)
    listed_before = _listed(client, hub)  # Now kept.

    hub = Hub.objects.get(pk=hub.pk)
    hub.status = after
    hub.save(update_fields=["status", "updated_at"])

    assert (listed_before, _listed(client, hub)) == (before == APPROVED, after == APPROVED)


@pytest.mark.parametrize(
    ("before", "after"),
    [(PENDING, PENDING), (PENDING, REJECTED), (REJECTED, PENDING), (ARCHIVED, ARCHIVED)],
)
def test_a_hub_never_approved_leaves_the_directory_version_alone(before, after):
    hub = Hub.objects.get(pk=make_hub(status=before).pk)
    other = make_industry()
    version = directory_version()

    hub.status, hub.description = after, "New words."
    hub.save()
    hub.refresh_member_count()
    hub.secondary_industries.add(other)

    assert directory_version() == version
    assert Hub.objects.filter(pk=hub.pk, status=after, description="New words.").count() == 1
    assert hub.secondary_industries.count() == 1


def test_a_pending_hub_edited_by_its_organizers_leaves_the_kept_pages_alone(
    client, django_assert_num_queries, settings
):
    settings.FRAGMENT_CACHE_SECONDS = 0  # So only a whole cached page costs no query.
    hub = make_hub(status=PENDING, description="First words.")
    organizer = _organizer_of(hub)
    public = make_hub(industry=hub.industry)
    client.get(public.get_absolute_url())
    version = directory_version()
    client.force_login(organizer)

    client.post(
        reverse("hubs:hub_manage", args=[hub.slug]),
        {"description": "Second words.", "time_zone": "UTC"},
    )
    organizers_page = client.get(hub.get_absolute_url()).content.decode()
    client.logout()
    with django_assert_num_queries(0):
        client.get(public.get_absolute_url())

    assert directory_version() == version
    assert Hub.objects.get(pk=hub.pk).description == "Second words."
    # Its organizers see their edit at once: a page under review is never kept.
    assert "Second words." in organizers_page
    assert "First words." not in organizers_page


def test_a_pending_hub_page_shows_its_organizers_every_edit(client):
    hub = make_hub(status=PENDING, description="First words.")
    client.force_login(_organizer_of(hub))
    first = client.get(hub.get_absolute_url()).content.decode()

    hub = Hub.objects.get(pk=hub.pk)
    hub.description = "Second words."
    hub.save()
    update = Update.objects.create(hub=hub, title="We meet soon", body="Details.")
    second = client.get(hub.get_absolute_url()).content.decode()

    assert ("First words." in first, "Second words." in first) == (True, False)
    assert ("First words." in second, "Second words." in second) == (False, True)
    assert f'<article id="update-{update.pk}" class="card"><h3>We meet soon</h3>' in second


def test_an_approved_hubs_edit_shows_at_once_on_its_kept_page(client):
    hub = make_hub(description="First words.")
    client.get(hub.get_absolute_url())

    hub = Hub.objects.get(pk=hub.pk)
    hub.description = "Second words."
    hub.save(update_fields=["description"])
    page = client.get(hub.get_absolute_url()).content.decode()

    assert ("First words." in page, "Second words." in page) == (False, True)


def test_an_approved_hubs_new_industry_shows_at_once(client):
    hub = make_hub()
    other = make_industry(title="Tooling")
    client.get(hub.get_absolute_url())  # Kept.

    Hub.objects.get(pk=hub.pk).secondary_industries.add(other)
    page = client.get(hub.get_absolute_url()).content.decode()

    assert f'<p>Also: <a href="{other.get_absolute_url()}">Tooling</a></p>' in page


@pytest.mark.parametrize(
    ("status", "bumps"), [(PENDING, False), (REJECTED, False), (APPROVED, True)]
)
def test_a_deleted_hub_bumps_the_directory_version_only_if_it_was_approved(status, bumps):
    hub = Hub.objects.get(pk=make_hub(status=status).pk)
    version = directory_version()

    hub.delete()

    assert directory_version() > version if bumps else directory_version() == version
    assert not Hub.objects.filter(pk=hub.pk).exists()


def test_a_hub_written_without_its_status_read_shows_at_once(client):
    hub = make_hub()
    listed_before = _listed(client, hub)

    # Written over without being read: its status before is not known.
    Hub(
        pk=hub.pk,
        name=hub.name,
        slug=hub.slug,
        industry=hub.industry,
        region=hub.region,
        latitude=hub.latitude,
        longitude=hub.longitude,
        status=REJECTED,
        created_at=hub.created_at,
    ).save()

    assert (listed_before, _listed(client, hub)) == (True, False)


def _hub_rows(hub, resource):
    """One row of each kind a hub owns, written as its organizers would."""
    starts = timezone.now() + timedelta(days=3)
    return [
        Meeting.objects.create(
            hub=hub, title="Meet-up", starts_at=starts, ends_at=starts + timedelta(hours=2)
        ),
        Mention.objects.create(hub=hub, title="In the news", url="https://news.example/a"),
        Update.objects.create(hub=hub, title="Hello", body="Our first news."),
        Partner.objects.create(hub=hub, resource=resource, note="Helps us."),
    ]


@pytest.mark.parametrize("status", [PENDING, REJECTED, ARCHIVED])
def test_a_hub_under_review_writes_its_rows_without_bumping_the_directory_version(status):
    hub = Hub.objects.get(pk=make_hub(status=status).pk)
    resource = make_resource()
    version = directory_version()

    rows = _hub_rows(hub, resource)
    for row in rows:
        row.save()
    rows[0].delete()

    assert directory_version() == version
    assert [
        hub.meetings.count(),
        hub.mentions.count(),
        hub.updates.count(),
        hub.partners.count(),
    ] == [0, 1, 1, 1]


def _series(hub):
    return series_schedule(
        hub=hub,
        by=make_user(),
        title="Weekly meet-up",
        description="",
        first_day=timezone.localdate() + timedelta(days=2),
        local_time=time(19, 0),
        duration=timedelta(hours=2),
        frequency="weekly",
        week_of_month=None,
        months=1,
        place=Place(is_online=False, address="Union Station"),
        capacity=None,
    )


def test_a_series_of_a_hub_under_review_leaves_the_directory_version_alone(
    django_capture_on_commit_callbacks,
):
    hub = Hub.objects.get(pk=make_hub(status=PENDING).pk)
    version = directory_version()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        series, created = _series(hub)

    assert (callbacks, directory_version()) == ([], version)
    assert hub.meetings.count() == len(created) >= 4


def test_a_series_of_an_approved_hub_shows_at_once(client, django_capture_on_commit_callbacks):
    hub = make_hub()
    before = client.get(hub.get_absolute_url()).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        series, created = _series(Hub.objects.get(pk=hub.pk))
    after = client.get(hub.get_absolute_url()).content.decode()

    link = f'href="{created[0].get_absolute_url()}"'
    assert (link in before, link in after) == (False, True)


def test_an_approved_hubs_rows_show_at_once(client):
    hub = make_hub()
    client.get(hub.get_absolute_url())

    meeting, mention, update, partner = _hub_rows(Hub.objects.get(pk=hub.pk), make_resource())
    page = client.get(hub.get_absolute_url()).content.decode()

    assert f'href="{meeting.get_absolute_url()}"' in page
    assert '<a href="https://news.example/a" rel="noopener nofollow">In the news</a>' in page
    assert f'<article id="update-{update.pk}" class="card"><h3>Hello</h3>' in page
    assert f'<li>{partner.resource.name} <span class="meta">Helps us.</span></li>' in page


def test_a_hub_row_written_after_a_curator_approved_its_hub_shows_at_once(client):
    hub = make_hub(status=PENDING)
    read_under_review = Hub.objects.get(pk=hub.pk)
    Hub.objects.filter(pk=hub.pk).update(status=APPROVED)  # A curator, since it was read.
    client.get(hub.get_absolute_url())  # Kept.

    update = Update.objects.create(hub=read_under_review, title="Hello", body="Our news.")
    page = client.get(hub.get_absolute_url()).content.decode()

    assert f'<article id="update-{update.pk}" class="card"><h3>Hello</h3>' in page


def test_a_suggested_partner_leaves_the_directory_version_alone():
    hub = make_hub()
    user = _organizer_of(hub)
    version = directory_version()

    partner = organizing.partner_suggest(
        hub=Hub.objects.get(pk=hub.pk),
        name="Testville Makers Guild",
        kind=Resource.Kind.ASSOCIATION,
        city="Testville",
        website="",
        note="Lends us tools.",
        added_by=user,
    )
    partner.note = "Lends us tools and space."
    partner.save()

    assert directory_version() == version
    assert list(Resource.objects.awaiting_review().values_list("name", flat=True)) == [
        "Testville Makers Guild"
    ]
    assert Partner.objects.get(hub=hub).resource == partner.resource


def _suggested_partner(hub):
    return organizing.partner_suggest(
        hub=hub,
        name="Testville Makers Guild",
        kind=Resource.Kind.ASSOCIATION,
        city="Testville",
        website="",
        note="Lends us tools.",
        added_by=_organizer_of(hub),
    )


PARTNER_LINE = '<li>Testville Makers Guild <span class="meta">Lends us tools.</span></li>'


def test_a_suggested_partner_approved_by_a_curator_shows_at_once(client):
    hub = make_hub()
    partner = _suggested_partner(hub)
    before = client.get(hub.get_absolute_url()).content.decode()

    approved = curation.approve_resources(Resource.objects.filter(pk=partner.resource_id))
    after = client.get(hub.get_absolute_url()).content.decode()

    assert approved == 1
    assert (PARTNER_LINE in before, PARTNER_LINE in after) == (False, True)


@pytest.mark.parametrize(("before", "after"), [(True, False), (False, True)])
def test_a_resource_reviewed_or_sent_back_for_review_shows_at_once(client, before, after):
    hub = make_hub()
    partner = _suggested_partner(hub)
    Resource.objects.filter(pk=partner.resource_id).update(pending_review=before)
    shown_before = PARTNER_LINE in client.get(hub.get_absolute_url()).content.decode()

    resource = Resource.objects.get(pk=partner.resource_id)
    resource.pending_review = after
    resource.save()
    shown_after = PARTNER_LINE in client.get(hub.get_absolute_url()).content.decode()

    assert (shown_before, shown_after) == (not before, not after)


def test_a_resource_awaiting_review_edited_or_deleted_leaves_the_directory_version_alone():
    resource = Resource.objects.get(pk=make_resource(pending_review=True).pk)
    version = directory_version()

    resource.description = "A guild of makers."
    resource.save()
    Resource.objects.get(pk=resource.pk).delete()

    assert directory_version() == version
    assert not Resource.objects.filter(pk=resource.pk).exists()


def _count_version_reads(monkeypatch):
    """The reads of the directory version from the shared cache, counted."""
    from hubs import pagecache

    reads = []
    real_get = pagecache.cache.get

    def get(key, *args, **kwargs):
        if key == pagecache.VERSION_KEY:
            reads.append(key)
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(pagecache.cache, "get", get)
    return reads


def test_a_request_reads_the_directory_version_once(client, monkeypatch):
    sporting_goods = Industry.objects.get(code="339920")
    hub = make_hub(
        name="Ogden Once Hub", industry=sporting_goods, latitude=41.223, longitude=-111.974
    )
    directory_version()  # Set, as any earlier request would have.
    reads = _count_version_reads(monkeypatch)

    response = client.get(reverse("hubs:search"), {"industry": "sporting goods", "near": "Ogden"})

    assert hub.name in response.content.decode()
    assert len(reads) == 1  # The page cache, look-ups and tallies all use the one read.


def test_a_write_in_a_request_makes_its_next_reads_see_the_new_version():
    from django.core.signals import request_finished, request_started

    from hubs.pagecache import bump_directory_version

    request_started.send(sender=None)
    try:
        before = directory_version()
        bump_directory_version()
        assert directory_version() == before + 1
    finally:
        request_finished.send(sender=None)


def test_outside_a_request_every_call_reads_the_version_afresh():
    from django.core.cache import cache

    from hubs.pagecache import VERSION_KEY

    before = directory_version()
    cache.incr(VERSION_KEY)  # Another process's write.

    assert directory_version() == before + 1


def test_a_request_sees_another_process_write_made_before_it_began(client):
    from django.core.cache import cache

    from hubs.pagecache import VERSION_KEY

    hub = make_hub(name="Before The Write")
    client.get(hub.get_absolute_url())  # Kept under the current version.
    Hub.objects.filter(pk=hub.pk).update(name="After The Write")  # No signal, as elsewhere.
    cache.incr(VERSION_KEY)  # Another process bumps the version.

    response = client.get(reverse("hubs:hub", args=[hub.slug]))

    assert "After The Write" in response.content.decode()
