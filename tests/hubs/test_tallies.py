"""The approved hubs each industry has, by mode: counted once per directory version, so that a
search skips reads that could only find nothing, and never hides a hub that exists."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hubs import search, tallies, vocabulary
from hubs.models import Hub, Interest, Meeting
from tests.factories import make_business, make_hub, make_industry, make_online_hub

pytestmark = pytest.mark.django_db

SEARCH = reverse("hubs:search")


def test_tallies_count_approved_hubs_of_an_industry_and_those_beneath_it_by_mode():
    sector = make_industry(code="991", title="Test Sector", slug="test-sector")
    leaf = make_industry(code="991100", title="Test Leaf", slug="test-leaf", parent=sector)
    make_hub(industry=sector)
    make_hub(industry=leaf)
    make_hub(industry=leaf, status=Hub.Status.PENDING)
    make_online_hub(industry=leaf, worldwide=True)

    assert tallies.current().approved_hubs([sector], mode=Hub.Mode.IN_PERSON) == 2
    assert tallies.current().approved_hubs([leaf], mode=Hub.Mode.IN_PERSON) == 1
    assert tallies.current().approved_hubs([leaf], mode=Hub.Mode.ONLINE) == 1
    assert tallies.current().approved_hubs([make_industry()], mode=Hub.Mode.ONLINE) == 0


def test_an_industry_searched_with_one_beneath_it_counts_each_hub_once():
    sector = make_industry(code="991", title="Test Sector", slug="test-sector")
    leaf = make_industry(code="991100", title="Test Leaf", slug="test-leaf", parent=sector)
    other = make_industry(code="9930", title="Other Test", slug="other-test")
    make_hub(industry=leaf)
    make_hub(industry=other)

    counted = tallies.current()
    assert counted.approved_hubs([sector, leaf], mode=Hub.Mode.IN_PERSON) == 1
    assert counted.approved_hubs([leaf, other], mode=Hub.Mode.IN_PERSON) == 2
    in_person = Hub.objects.approved().in_person().count()
    assert counted.approved_hubs([None], mode=Hub.Mode.IN_PERSON) == in_person


def test_tallies_know_the_industries_with_a_business_beneath_them():
    sector = make_industry(code="96-97", title="Test Making", slug="test-making")
    leaf = make_industry(code="970999", title="Test Leaf", slug="test-leaf")
    make_business(industry=leaf)

    counted = tallies.current()
    assert counted.has_businesses(sector)  # 96-97 holds 97, which begins 970999.
    assert counted.has_businesses(leaf)
    assert counted.has_businesses(make_industry(code="9709", title="Above", slug="above"))
    assert not counted.has_businesses(make_industry(code="9708", title="Beside", slug="beside"))


def test_a_hub_approved_after_counting_is_counted_at_once():
    industry = make_industry()
    hub = make_hub(industry=industry, status=Hub.Status.PENDING)
    assert tallies.current().approved_hubs([industry], mode=Hub.Mode.IN_PERSON) == 0

    hub.status = Hub.Status.APPROVED
    hub.save()

    assert tallies.current().approved_hubs([industry], mode=Hub.Mode.IN_PERSON) == 1


def test_tallies_are_unknown_when_the_cache_is_down(monkeypatch):
    def unreachable():
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(tallies, "directory_version", unreachable)

    assert tallies.current() is None


def test_search_of_an_industry_with_no_hub_skips_the_page_nearest_and_online_reads(
    client, django_assert_num_queries
):
    industry = make_industry(title="Kite Weaving", slug="kite-weaving")
    query = {"industry": industry.code, "near": "Ogden, UT"}
    client.get(SEARCH, query)  # Counts the hubs once for this version of the directory.

    # Hubs named like the typed text only: no page, nearest hubs, online hubs, complementary
    # hubs (it has no complement), businesses in no hub (none is listed) or interest.
    with django_assert_num_queries(1):
        response = client.get(SEARCH, query)

    assert "No kite weaving hub within 100 mi of Ogden, UT" in response.content.decode()
    assert "The nearest ones anywhere" not in response.content.decode()


def test_search_of_an_industry_with_one_far_hub_reads_it_at_once(client, django_assert_num_queries):
    industry = make_industry(title="Kite Weaving", slug="kite-weaving")
    make_hub(name="Far Kite Makers", industry=industry)
    query = {"industry": industry.code, "near": "Ogden, UT"}
    client.get(SEARCH, query)

    # As above, and one read measuring the industry's only hub (no page read, no widening box:
    # it is outside the radius, so the nearest anywhere), then its card.
    with django_assert_num_queries(3):
        response = client.get(SEARCH, query)

    assert "The nearest ones anywhere" in response.content.decode()
    assert "Far Kite Makers" in response.content.decode()


def test_search_with_the_cache_down_still_finds_the_nearest_hub(client, monkeypatch):
    industry = make_industry(title="Kite Weaving", slug="kite-weaving")
    make_hub(name="Far Kite Makers", industry=industry)

    def unreachable():
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(tallies, "directory_version", unreachable)
    response = client.get(SEARCH, {"industry": industry.code, "near": "Ogden, UT"})

    assert "The nearest ones anywhere" in response.content.decode()
    assert "Far Kite Makers" in response.content.decode()


def test_complementary_hubs_and_interest_are_read_once_they_exist(client):
    industry = make_industry(title="Kite Weaving", slug="kite-weaving")
    other = make_industry(title="Sail Lofts", slug="sail-lofts")
    ogden = {"latitude": 41.22, "longitude": -111.97}
    make_hub(name="Ogden Sail Loft", industry=other, **ogden)
    query = {"industry": industry.code, "near": "Ogden, UT"}
    before = client.get(SEARCH, query).content.decode()
    business = make_business(name="Ogden Kite Works", industry=industry, **ogden)
    Interest.objects.create(business=business, industry=industry)
    interested = client.get(SEARCH, query).content.decode()

    industry.complements.add(other)  # Only the link changes: it must count as a change too.
    after = client.get(SEARCH, query).content.decode()

    assert "wants a kite weaving hub" not in before
    assert "Start the conversation" not in before
    assert "Ogden Kite Works</a>, Testville" in interested
    assert "1 business near Ogden, UT wants a kite weaving hub." in interested
    assert "Ogden Sail Loft" not in interested
    assert "Hubs of complementary industries nearby" in after
    assert "Ogden Sail Loft" in after
    assert "1 business near Ogden, UT wants a kite weaving hub." in after


def _meeting(hub, *, starts_in_hours, hours=2, cancelled=False):
    starts = timezone.now() + timedelta(hours=starts_in_hours)
    return Meeting.objects.create(
        hub=hub,
        title="Meet-up",
        starts_at=starts,
        ends_at=starts + timedelta(hours=hours),
        address="Union Station",
        cancelled_at=timezone.now() if cancelled else None,
    )


def test_tallies_know_the_hubs_with_a_meeting_to_come_or_under_way():
    coming, under_way, ended, cancelled, none = (make_hub() for _ in range(5))
    _meeting(coming, starts_in_hours=48)
    _meeting(under_way, starts_in_hours=-1)
    _meeting(ended, starts_in_hours=-5)
    _meeting(cancelled, starts_in_hours=48, cancelled=True)

    counted = tallies.current()

    assert {coming.pk, under_way.pk} <= counted.with_meetings
    assert counted.with_meetings.isdisjoint({ended.pk, cancelled.pk, none.pk})
    assert counted.may_meet([none.pk, coming.pk])
    assert not counted.may_meet([none.pk, ended.pk, cancelled.pk])


def test_cards_of_hubs_without_meetings_read_no_meeting():
    quiet = make_hub(name="Quiet Hub")
    tallies.current()
    vocabulary.vocabulary()  # What a search's form reads first.

    with CaptureQueriesContext(connection) as captured:
        [cards] = search.hub_cards([(quiet.pk, 2.0)])
        shown = [(h.name, h.industry.title, h.next_meeting_at, h.distance_km) for h in cards]

    assert shown == [("Quiet Hub", quiet.industry.title, None, 2.0)]
    assert len(captured) == 1
    assert "hubs_meeting" not in captured[0]["sql"]


def test_a_meeting_scheduled_shows_on_its_hub_card_at_once():
    hub = make_hub(name="Soon Meeting Hub")
    tallies.current()
    meeting = _meeting(hub, starts_in_hours=30)

    [cards] = search.hub_cards([(hub.pk, None)])

    assert [(card.name, card.next_meeting_at) for card in cards] == [
        ("Soon Meeting Hub", meeting.starts_at)
    ]
