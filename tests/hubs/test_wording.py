"""What the site tells people in words and numbers: how far a possible duplicate is, and the
links in the emails about approval and about neighbours who want a hub."""

import pytest
from django.core import mail
from django.urls import reverse

from hubs import curation, services
from hubs.models import Hub, Industry, Membership
from hubs.templatetags.hubs_tags import away
from tests.factories import make_business, make_hub, make_industry, make_membership, make_user

pytestmark = pytest.mark.django_db

SITE = "https://hubs.example.org"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE + "/"


@pytest.mark.parametrize(
    ("km", "unit", "expected"),
    [
        (0.0, "km", "under 1 km away"),
        (0.4, "km", "under 1 km away"),
        (1.0, "km", "1.0 km away"),
        (12.345, "km", "12.3 km away"),
        (1.2, "mi", "under 1 mi away"),
        (40.0, "mi", "24.9 mi away"),
        (250.0, "km", "250 km away"),
    ],
)
def test_away_never_says_zero_for_a_row_that_is_not_there(km, unit, expected):
    assert away(km, unit) == expected


def test_hub_create_says_how_far_a_possible_duplicate_really_is(client):
    owner = make_user()
    business = make_business()
    business.owners.add(owner)
    industry = Industry.objects.get(code="339920")
    ogden_hub = Hub.objects.get(name="Ogden Outdoor Products")
    client.force_login(owner)
    data = {
        "name": "Ogden Gear Makers",
        "industry": "339920",
        "business": business.pk,
        "place_text": "",
        # A pin 0.3 km north of the hub, then one 12 km north.
        "latitude": ogden_hub.latitude + 0.0027,
        "longitude": ogden_hub.longitude,
        "description": "Gear.",
    }

    near = client.post(reverse("hubs:hub_create"), data).content.decode()
    data["latitude"] = ogden_hub.latitude + 0.108
    farther = client.post(reverse("hubs:hub_create"), data).content.decode()

    line = f"{industry.title} · {{}} · Approved"
    assert line.format("under 1 mi away") in near
    assert line.format("7.5 mi away") in farther
    assert "0 km away" not in near
    assert not Hub.objects.filter(name="Ogden Gear Makers").exists()


def _organized(hub, email):
    owner = make_user(email=email)
    business = make_business(industry=hub.industry, name=f"{hub.name} Maker")
    business.owners.add(owner)
    make_membership(hub=hub, business=business, role=Membership.Role.ORGANIZER)
    return business


def test_approval_email_links_to_the_hub_and_its_organizers_page(
    django_capture_on_commit_callbacks,
):
    hub = make_hub(name="Tonga Canoe Builders", status=Hub.Status.PENDING)
    _organized(hub, "organizer@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        curation.approve_hubs([hub])

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["organizer@example.org"], "[Industry Hubs] Tonga Canoe Builders is approved")
    ]
    assert mail.outbox[0].body == (
        "Good news: Tonga Canoe Builders is approved and listed in the Industry Hubs directory."
        "\n\nInvite the businesses around you to join it, and work through the hub builder's "
        "steps on its page:\n"
        f"{SITE}/hubs/{hub.slug}/\n\n"
        f"Requests to join and members: {SITE}/hubs/{hub.slug}/manage/\n\n"
    )


def test_rejection_email_links_to_the_page_where_it_can_be_sent_again(
    django_capture_on_commit_callbacks,
):
    hub = make_hub(name="Tonga Canoe Builders", status=Hub.Status.PENDING)
    _organized(hub, "organizer@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        curation.reject_hubs([hub], reason="Say what the hub does.")

    assert mail.outbox[0].body == (
        "The curators did not approve Tonga Canoe Builders.\n\n"
        "Their reason: Say what the hub does.\n\n"
        "Change the hub's page to answer it, then send it to them again from your page for "
        f"organizers:\n{SITE}/hubs/{hub.slug}/manage/\n\n"
        "Reply to a curator if you have questions.\n\n"
    )


@pytest.fixture
def canoes(settings):
    """Three canoe builders a few km apart in the South Pacific, none yet interested."""
    settings.INTEREST_THRESHOLD = 3
    settings.INTEREST_RADIUS_KM = 50
    industry = make_industry(title="Canoe Building")
    makers = []
    for n, name in enumerate(["Alpha Canoes", "Beta Canoes", "Gamma Canoes"]):
        business = make_business(
            name=name, industry=industry, city="Nuku", latitude=-45.0 + n * 0.05, longitude=-140
        )
        business.owners.add(make_user(email=f"{name.split()[0].lower()}@example.org"))
        makers.append(business)
    return industry, makers


def _all_interested(industry, makers, capture):
    with capture(execute=True):
        for business in makers:
            services.interest_record(business=business, industry=industry)
    return {m.to[0]: m for m in mail.outbox}


def _others_lines(makers):
    return "".join(f"\n- {b.name}, Nuku: {SITE}/businesses/{b.slug}/" for b in makers)


def test_pooling_email_links_each_business_and_starting_the_hub(
    canoes, django_capture_on_commit_callbacks
):
    industry, makers = canoes

    sent = _all_interested(industry, makers, django_capture_on_commit_callbacks)

    assert sorted(sent) == ["alpha@example.org", "beta@example.org", "gamma@example.org"]
    others = sorted(makers, key=lambda b: b.pk, reverse=True)  # newest interest first
    assert sent["gamma@example.org"].subject == (
        "[Industry Hubs] 3 businesses near you want a Canoe Building hub"
    )
    assert sent["gamma@example.org"].body == (
        "3 canoe building businesses near Nuku would join a hub, Gamma Canoes among them:\n"
        f"{_others_lines(others)}\n\n"
        "Start the hub together: one of you registers it on Industry Hubs and the others join."
        f"\nStart it here: {SITE}/start-a-hub/?industry=Canoe+Building&near=Nuku\n\n"
        "Contact each other through your business pages.\n\n"
    )


def test_pooling_email_invites_an_organizer_nearby_to_grow_their_hub(
    canoes, django_capture_on_commit_callbacks
):
    industry, makers = canoes
    alpha = makers[0]
    hub = make_hub(name="Nuku Canoe Guild", industry=industry, latitude=-45.02, longitude=-140)
    make_membership(hub=hub, business=alpha, role=Membership.Role.ORGANIZER)
    # A hub of another industry, or one Alpha only belongs to, does not count.
    make_membership(hub=make_hub(industry=make_industry()), business=makers[1])

    sent = _all_interested(industry, makers, django_capture_on_commit_callbacks)

    others = sorted(makers, key=lambda b: b.pk, reverse=True)
    assert [(to, m.subject) for to, m in sorted(sent.items())] == [
        ("alpha@example.org", "[Industry Hubs] 3 businesses near you would join Nuku Canoe Guild"),
        ("beta@example.org", "[Industry Hubs] 3 businesses near you want a Canoe Building hub"),
        ("gamma@example.org", "[Industry Hubs] 3 businesses near you want a Canoe Building hub"),
    ]
    assert sent["alpha@example.org"].body == (
        "3 canoe building businesses near Nuku would join a hub, Alpha Canoes among them:\n"
        f"{_others_lines(others)}\n\n"
        "You already organize Nuku Canoe Guild nearby: rather than start another hub, invite "
        "them to grow yours. Contact them through their business pages above.\n\n"
        f"Your hub's page and its builder steps: {SITE}/hubs/{hub.slug}/\n"
        f"Requests to join and members: {SITE}/hubs/{hub.slug}/manage/\n\n"
    )
    assert sent["beta@example.org"].body == (
        "3 canoe building businesses near Nuku would join a hub, Beta Canoes among them:\n"
        f"{_others_lines(others)}\n\n"
        "One of you already organizes a hub nearby: ask to join it.\n\n"
        f"- Nuku Canoe Guild: {SITE}/hubs/{hub.slug}/\n\n"
        "Contact each other through your business pages.\n\n"
    )


def test_pooling_email_ignores_a_hub_organized_far_away(canoes, django_capture_on_commit_callbacks):
    industry, makers = canoes
    far = make_hub(name="Far Canoe Guild", industry=industry, latitude=-40.0, longitude=-140)
    make_membership(hub=far, business=makers[0], role=Membership.Role.ORGANIZER)

    sent = _all_interested(industry, makers, django_capture_on_commit_callbacks)

    assert {m.subject for m in sent.values()} == {
        "[Industry Hubs] 3 businesses near you want a Canoe Building hub"
    }
    assert "Start it here:" in sent["alpha@example.org"].body
