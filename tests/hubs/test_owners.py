"""Owners list businesses, start and join hubs; organizers run them. Each action is tried as
anonymous, another user, a member who is not an organizer, the owner or organizer, and staff."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hubs.models import Business, Hub, Meeting, Membership
from tests.factories import make_business, make_hub, make_membership, make_user

pytestmark = pytest.mark.django_db

OGDEN = (41.223, -111.9738)


@pytest.fixture
def owner():
    return make_user(email="owner@example.org")


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def _business_data(**overrides):
    data = {
        "name": "Wasatch Ski Works",
        "industry": "Sporting and Athletic Goods Manufacturing",
        "place_text": "Provo, UT",
        "address": "100 N University Ave",
        "website": "https://wasatch.example.org",
        "description": "Hand-built skis.",
        "size": "2-9",
        "founded_year": "2015",
        "location_public": "on",
    }
    data.update(overrides)
    return data


def _hub_with_organizer(owner, **hub_fields):
    hub = make_hub(**hub_fields)
    business = make_business(industry=hub.industry)
    business.owners.add(owner)
    membership = make_membership(hub=hub, business=business, role=Membership.Role.ORGANIZER)
    hub.refresh_member_count()
    return hub, business, membership


# Registering a business


def test_business_create_anonymous_is_sent_to_log_in(client):
    response = client.get(reverse("hubs:business_create"))

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/list-your-business/"


def test_business_create_saves_the_business_for_its_owner(owner_client, owner):
    response = owner_client.post(reverse("hubs:business_create"), _business_data())

    business = Business.objects.get(name="Wasatch Ski Works")
    assert response.status_code == 302
    assert response["Location"] == "/businesses/wasatch-ski-works/"
    assert list(business.owners.all()) == [owner]
    assert business.industry.code == "339920"
    assert business.city == "Provo"
    assert business.region.name == "Provo-Orem, UT"
    assert (round(business.latitude, 2), round(business.longitude, 2)) == (40.23, -111.66)
    assert business.website == "https://wasatch.example.org"
    assert business.founded_year == 2015


def test_business_create_with_a_pin_uses_the_exact_point_and_the_nearest_town(owner_client):
    data = _business_data(place_text="", latitude="41.2600", longitude="-111.9700")

    owner_client.post(reverse("hubs:business_create"), data)

    business = Business.objects.get(name="Wasatch Ski Works")
    assert (business.latitude, business.longitude) == (41.26, -111.97)
    assert business.city == "Harrisville"  # GeoNames' nearest city, 2.6 km away.


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "This field is required."),
        ("name", "x" * 10_000, "Ensure this value has at most 150 characters (it has 10000)."),
        ("name", "Ski\x00Works", "Null characters are not allowed."),
        ("website", "javascript:alert(1)", "Enter a valid URL."),
        ("industry", "underwater basket weaving", "We don't know the industry"),
        ("place_text", "Xqzzyville", "We couldn't find the place"),
        ("founded_year", "1200", "Enter a year between 1600 and this year."),
        ("latitude", "91", "Ensure this value is less than or equal to 90."),
    ],
)
def test_business_create_rejects_bad_input_and_saves_nothing(owner_client, field, value, message):
    data = _business_data(**{field: value})
    if field == "latitude":
        data["longitude"] = "10"

    response = owner_client.post(reverse("hubs:business_create"), data)

    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Business.objects.filter(name__startswith="Wasatch").exists()
    assert not Business.objects.filter(name__contains="Ski").exists()


def test_business_create_ignores_posted_owner_and_status_fields(owner_client, owner):
    other = make_user()
    data = _business_data(owners=str(other.pk), owner=str(other.pk), status="approved", slug="x")

    owner_client.post(reverse("hubs:business_create"), data)

    business = Business.objects.get(name="Wasatch Ski Works")
    assert list(business.owners.all()) == [owner]
    assert business.slug == "wasatch-ski-works"


# Editing and deleting a business


@pytest.mark.parametrize("who", ["other", "staff"])
def test_business_edit_by_someone_else_is_404(client, who):
    business = make_business()
    business.owners.add(make_user())
    client.force_login(make_user(is_staff=(who == "staff")))

    response = client.post(reverse("hubs:business_edit", args=[business.slug]), _business_data())

    assert response.status_code == 404
    business.refresh_from_db()
    assert business.name.startswith("Test Business")


def test_business_edit_by_owner_saves_changes(owner_client, owner):
    business = make_business(name="Old Name", city="Testville")
    business.owners.add(owner)
    data = _business_data(name="New Name", place_text="Testville")

    response = owner_client.post(reverse("hubs:business_edit", args=[business.slug]), data)

    business.refresh_from_db()
    assert response.status_code == 302
    assert business.name == "New Name"
    assert business.city == "Testville"  # Unchanged place text keeps the location.


def test_business_delete_by_owner_removes_it(owner_client, owner):
    business = make_business()
    business.owners.add(owner)

    response = owner_client.post(reverse("hubs:business_delete", args=[business.slug]))

    assert response.status_code == 302
    assert not Business.objects.filter(pk=business.pk).exists()


def test_business_delete_refused_while_last_organizer_of_a_hub_with_members(owner_client, owner):
    hub, business, _ = _hub_with_organizer(owner)
    make_membership(hub=hub)

    owner_client.post(reverse("hubs:business_delete", args=[business.slug]))

    assert Business.objects.filter(pk=business.pk).exists()


def test_business_delete_archives_a_hub_it_alone_belongs_to(owner_client, owner):
    hub, business, _ = _hub_with_organizer(owner)

    owner_client.post(reverse("hubs:business_delete", args=[business.slug]))

    hub.refresh_from_db()
    assert hub.status == Hub.Status.ARCHIVED
    assert hub.member_count == 0


def test_business_invite_is_post_only(owner_client, owner):
    business = make_business()
    business.owners.add(owner)

    response = owner_client.get(reverse("hubs:business_invite", args=[business.slug]))

    assert response.status_code == 405


def test_business_invite_and_accept_adds_a_co_owner(
    owner_client, owner, client, django_capture_on_commit_callbacks
):
    business = make_business()
    business.owners.add(owner)
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(
            reverse("hubs:business_invite", args=[business.slug]), {"email": "co@example.org"}
        )
    link = next(word for word in mail.outbox[0].body.split() if "/co-owner/" in word)
    co_owner = make_user(email="co@example.org")
    other_client = Client()
    other_client.force_login(co_owner)

    response = other_client.post(link.replace("http://testserver", ""))

    assert response.status_code == 302
    assert set(business.owners.all()) == {owner, co_owner}


def test_business_invite_link_refuses_another_address(owner_client, owner):
    business = make_business()
    business.owners.add(owner)
    owner_client.post(
        reverse("hubs:business_invite", args=[business.slug]), {"email": "co@example.org"}
    )
    from django.core import signing

    token = signing.dumps({"b": business.pk, "e": "co@example.org"})
    intruder = Client()
    intruder.force_login(make_user(email="intruder@example.org"))

    response = intruder.post(reverse("hubs:invite_accept", args=[token]))

    assert response.status_code == 403
    assert list(business.owners.all()) == [owner]


# Starting a hub


def test_hub_create_without_a_business_asks_to_list_one(owner_client):
    response = owner_client.get(reverse("hubs:hub_create"))

    assert "list your business</a> first" in response.content.decode()


def test_hub_create_shows_nearby_hubs_of_the_industry_and_saves_nothing(owner_client, owner):
    business = make_business()
    business.owners.add(owner)
    data = {
        "name": "Ogden Gear Makers",
        "industry": "339920",
        "business": business.pk,
        "place_text": "Ogden, UT",
        "description": "Gear.",
    }

    response = owner_client.post(reverse("hubs:hub_create"), data)

    assert response.status_code == 200
    assert [h.name for h in response.context["nearby"]] == ["Ogden Outdoor Products"]
    assert not Hub.objects.filter(name="Ogden Gear Makers").exists()


def test_hub_create_anyway_registers_a_pending_hub_with_its_first_organizer(
    owner_client, owner, settings
):
    settings.HUB_AUTO_APPROVE = False
    business = make_business()
    business.owners.add(owner)
    data = {
        "name": "Ogden Gear Makers",
        "industry": "339920",
        "business": business.pk,
        "place_text": "Ogden, UT",
        "description": "Gear.",
        "create_anyway": "on",
        "status": "approved",
    }

    response = owner_client.post(reverse("hubs:hub_create"), data)

    hub = Hub.objects.get(name="Ogden Gear Makers")
    assert response["Location"] == "/hubs/ogden-gear-makers/manage/"
    assert hub.status == Hub.Status.PENDING
    assert hub.created_by == owner
    assert hub.member_count == 1
    assert list(hub.memberships.values_list("business", "role", "state")) == [
        (business.pk, "organizer", "active")
    ]


def test_hub_create_with_auto_approve_publishes_at_once(owner_client, owner, settings):
    settings.HUB_AUTO_APPROVE = True
    business = make_business()
    business.owners.add(owner)
    data = {
        "name": "Tonga Canoe Builders",
        "industry": "336612",
        "business": business.pk,
        "place_text": "-21.1, -175.2",
        "description": "Canoes.",
    }

    owner_client.post(reverse("hubs:hub_create"), data)

    assert Hub.objects.get(name="Tonga Canoe Builders").status == Hub.Status.APPROVED


def test_hub_create_same_name_twice_gives_one_hub_and_a_clear_message(owner_client, owner):
    business = make_business()
    business.owners.add(owner)
    data = {
        "name": "Tonga Canoe Builders",
        "industry": "336612",
        "business": business.pk,
        "place_text": "-21.1, -175.2",
        "description": "Canoes.",
        "create_anyway": "on",
    }
    owner_client.post(reverse("hubs:hub_create"), data)

    response = owner_client.post(
        reverse("hubs:hub_create"), {**data, "name": "TONGA canoe builders"}
    )

    assert Hub.objects.filter(name__iexact="Tonga Canoe Builders").count() == 1
    assert "already exists in this region" in response.content.decode()


def test_hub_create_with_another_users_business_is_refused(owner_client, owner):
    make_business().owners.add(owner)
    business = make_business()
    business.owners.add(make_user())
    data = {
        "name": "Stolen Hub",
        "industry": "336612",
        "business": business.pk,
        "place_text": "-21.1, -175.2",
        "description": "x",
    }

    response = owner_client.post(reverse("hubs:hub_create"), data)

    assert "Select a valid choice" in response.content.decode()
    assert not Hub.objects.filter(name="Stolen Hub").exists()


# Joining, deciding, leaving, roles


def test_hub_join_anonymous_is_sent_to_log_in(client):
    hub = make_hub()

    response = client.post(reverse("hubs:hub_join", args=[hub.slug]))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_hub_join_request_emails_the_organizers_and_a_double_click_gives_one(
    owner_client, owner, django_capture_on_commit_callbacks
):
    organizer = make_user(email="organizer@example.org")
    hub, _, _ = _hub_with_organizer(organizer)
    business = make_business(name="Joiner Co")
    business.owners.add(owner)
    data = {"business": business.pk, "connections": ["finance", "media"]}

    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(reverse("hubs:hub_join", args=[hub.slug]), data)
        second = owner_client.post(reverse("hubs:hub_join", args=[hub.slug]), data)

    membership = Membership.objects.get(hub=hub, business=business)
    assert membership.state == Membership.State.REQUESTED
    assert membership.connections == ["finance", "media"]
    assert second.status_code == 200  # The business is no longer offered: nothing to join with.
    assert Membership.objects.filter(hub=hub, business=business).count() == 1
    assert [(m.to, m.reply_to) for m in mail.outbox] == [
        (["organizer@example.org"], ["owner@example.org"])
    ]
    assert mail.outbox[0].subject == f"[Industry Hubs] Joiner Co asks to join {hub.name}"


def test_membership_decide_by_organizer_activates_and_emails_the_member(
    client, django_capture_on_commit_callbacks
):
    organizer = make_user()
    hub, _, _ = _hub_with_organizer(organizer)
    applicant = make_user(email="applicant@example.org")
    business = make_business()
    business.owners.add(applicant)
    request = make_membership(hub=hub, business=business, state=Membership.State.REQUESTED)
    client.force_login(organizer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("hubs:membership_decide", args=[request.pk]), {"approve": "1"}
        )

    request.refresh_from_db()
    hub.refresh_from_db()
    assert response.status_code == 302
    assert request.state == Membership.State.ACTIVE
    assert hub.member_count == 2
    assert mail.outbox[0].to == ["applicant@example.org"]
    assert mail.outbox[0].body.startswith(f"Welcome: {business.name} is now a member")


@pytest.mark.parametrize(("who", "status"), [("member", 403), ("other", 404), ("staff", 404)])
def test_membership_decide_by_others_is_refused(client, who, status):
    hub, _, _ = _hub_with_organizer(make_user())
    request = make_membership(hub=hub, state=Membership.State.REQUESTED)
    user = make_user(is_staff=(who == "staff"))
    if who == "member":
        member_business = make_business()
        member_business.owners.add(user)
        make_membership(hub=hub, business=member_business)
    client.force_login(user)

    response = client.post(reverse("hubs:membership_decide", args=[request.pk]), {"approve": "1"})

    request.refresh_from_db()
    assert response.status_code == status
    assert request.state == Membership.State.REQUESTED


def test_membership_decide_is_post_only(client):
    organizer = make_user()
    hub, _, _ = _hub_with_organizer(organizer)
    request = make_membership(hub=hub, state=Membership.State.REQUESTED)
    client.force_login(organizer)

    response = client.get(reverse("hubs:membership_decide", args=[request.pk]))

    assert response.status_code == 405


def test_membership_decide_without_csrf_token_is_forbidden():
    organizer = make_user()
    hub, _, _ = _hub_with_organizer(organizer)
    request = make_membership(hub=hub, state=Membership.State.REQUESTED)
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(organizer)

    response = csrf_client.post(
        reverse("hubs:membership_decide", args=[request.pk]), {"approve": "1"}
    )

    request.refresh_from_db()
    assert response.status_code == 403
    assert request.state == Membership.State.REQUESTED


def test_last_organizer_can_neither_leave_nor_be_demoted(owner_client, owner):
    hub, _, membership = _hub_with_organizer(owner)

    owner_client.post(reverse("hubs:membership_leave", args=[membership.pk]))
    owner_client.post(reverse("hubs:membership_role", args=[membership.pk]), {"role": "member"})

    membership.refresh_from_db()
    assert (membership.state, membership.role) == ("active", "organizer")


def test_organizer_promotes_a_member_who_can_then_demote_the_first(owner_client, owner):
    hub, _, first = _hub_with_organizer(owner)
    second = make_membership(hub=hub)

    owner_client.post(reverse("hubs:membership_role", args=[second.pk]), {"role": "organizer"})
    owner_client.post(reverse("hubs:membership_role", args=[first.pk]), {"role": "member"})

    assert list(hub.memberships.order_by("pk").values_list("role", flat=True)) == [
        "member",
        "organizer",
    ]


def test_member_leaves_and_the_count_follows(owner_client, owner):
    hub, _, _ = _hub_with_organizer(make_user())
    business = make_business()
    business.owners.add(owner)
    membership = make_membership(hub=hub, business=business)
    hub.refresh_member_count()

    response = owner_client.post(reverse("hubs:membership_leave", args=[membership.pk]))

    membership.refresh_from_db()
    hub.refresh_from_db()
    assert response.status_code == 302
    assert membership.state == Membership.State.LEFT
    assert hub.member_count == 1


def test_leave_someone_elses_membership_is_404(owner_client):
    membership = make_membership()

    response = owner_client.post(reverse("hubs:membership_leave", args=[membership.pk]))

    assert response.status_code == 404


# Organizers' page, partners, mentions and the hub builder


@pytest.mark.parametrize(("who", "status"), [("member", 403), ("other", 404), ("staff", 404)])
def test_hub_manage_by_others_is_refused(client, who, status):
    hub, _, _ = _hub_with_organizer(make_user())
    user = make_user(is_staff=(who == "staff"))
    if who == "member":
        business = make_business()
        business.owners.add(user)
        make_membership(hub=hub, business=business)
    client.force_login(user)

    response = client.get(reverse("hubs:hub_manage", args=[hub.slug]))

    assert response.status_code == status


def test_hub_manage_saves_mission_and_rejects_a_javascript_link(owner_client, owner):
    hub, _, _ = _hub_with_organizer(owner, description="A hub.")
    url = reverse("hubs:hub_manage", args=[hub.slug])

    owner_client.post(url, {"description": "A hub.", "mission": "Grow together."})
    response = owner_client.post(
        url, {"description": "A hub.", "mission": "Changed", "website": "javascript:alert(1)"}
    )

    hub.refresh_from_db()
    assert hub.mission == "Grow together."
    assert "Enter a valid URL." in response.content.decode()


def test_hub_builder_steps_follow_real_data(owner_client, owner):
    hub, _, first = _hub_with_organizer(owner, description="Makers.", website="https://h.example")
    first.connections = ["finance", "media"]
    first.save()
    make_membership(hub=hub, role="organizer", connections=["public_office"])
    make_membership(hub=hub)
    hub.mission = "Grow."
    hub.save()
    held = timezone.now() - timedelta(days=7)
    Meeting.objects.create(
        hub=hub, title="First meet-up", starts_at=held, ends_at=held + timedelta(hours=2),
        address="Union Station",
    )  # fmt: skip
    resource = make_partner_resource(hub)
    owner_client.post(reverse("hubs:partner_add", args=[hub.slug]), {"resource": resource.pk})

    page = owner_client.get(hub.get_absolute_url())

    assert [(s.number, s.done) for s in page.context["steps"]] == [
        (1, True),
        (2, True),
        (3, True),
        (4, True),
        (5, False),
    ]
    assert page.context["next_step"].title == "Publicize it"
    assert [s.status for s in page.context["steps"][:3]] == [
        "3 member businesses (3 needed); 1 meeting held",
        "2 organizers (2 needed); mission published",
        "3 kinds of connection offered (3 needed)",
    ]
    owner_client.post(
        reverse("hubs:mention_add", args=[hub.slug]),
        {"title": "Makers unite", "url": "https://news.example/makers"},
    )
    page = owner_client.get(hub.get_absolute_url())
    assert all(step.done for step in page.context["steps"])
    assert page.context["next_step"] is None


def test_hub_builder_counts_what_is_missing_until_it_is_reached(owner_client, owner):
    hub, _, _ = _hub_with_organizer(owner)

    steps = owner_client.get(hub.get_absolute_url()).context["steps"]

    assert [s.status for s in steps[:3]] == [
        "1 of 3 member businesses; no meeting held yet",
        "1 of 2 organizers; no mission statement yet",
        "0 of 3 kinds of connection offered",
    ]


def make_partner_resource(hub):
    """A city government near the hub: a partner that gets government involved."""
    from hubs.models import Resource
    from tests.factories import make_resource

    return make_resource(latitude=hub.latitude, longitude=hub.longitude, kind=Resource.Kind.CITY)


def test_mention_add_by_a_member_who_is_not_organizer_is_403(client):
    hub, _, _ = _hub_with_organizer(make_user())
    user = make_user()
    business = make_business()
    business.owners.add(user)
    make_membership(hub=hub, business=business)
    client.force_login(user)

    response = client.post(
        reverse("hubs:mention_add", args=[hub.slug]), {"title": "x", "url": "https://x.example"}
    )

    assert response.status_code == 403
    assert hub.mentions.count() == 0


def test_pending_hub_is_404_for_others_and_shown_to_its_organizer(client, owner):
    hub, _, _ = _hub_with_organizer(owner, status=Hub.Status.PENDING, status_reason="")

    anonymous = client.get(hub.get_absolute_url())
    client.force_login(owner)
    organizer = client.get(hub.get_absolute_url())

    assert anonymous.status_code == 404
    assert organizer.status_code == 200
    assert "the hub is <strong>pending review</strong>" in organizer.content.decode()


# "I'd join one" and contact


def test_interest_reaching_the_threshold_emails_each_business_once(
    client, settings, django_capture_on_commit_callbacks
):
    settings.INTEREST_THRESHOLD = 3
    settings.INTEREST_RADIUS_KM = 50
    owners = [make_user(email=f"maker{n}@example.org") for n in range(3)]
    businesses = []
    for n, user in enumerate(owners):
        business = make_business(latitude=-45.0 + n * 0.05, longitude=-140.0)
        business.owners.add(user)
        businesses.append(business)
    industry = businesses[0].industry
    for business in businesses[1:]:
        business.industry = industry
        business.save()

    with django_capture_on_commit_callbacks(execute=True):
        for user, business in zip(owners, businesses, strict=True):
            client.force_login(user)
            client.post(
                reverse("hubs:interest_add"), {"business": business.pk, "industry": industry.pk}
            )

    assert sorted(m.to[0] for m in mail.outbox) == [
        "maker0@example.org",
        "maker1@example.org",
        "maker2@example.org",
    ]
    assert mail.outbox[0].subject == (
        f"[Industry Hubs] 3 businesses near you want a {industry.title} hub"
    )
    search = client.get(reverse("hubs:search"), {"industry": industry.code, "near": "-45, -140"})
    assert f"3 businesses near -45.0000, -140.0000 want a {industry.title.lower()} hub" in (
        search.content.decode()
    )


def test_contact_business_emails_owners_with_reply_to_and_shows_no_address(
    client, django_capture_on_commit_callbacks
):
    business = make_business()
    business.owners.add(make_user(email="secret-owner@example.org"))
    sender = make_user(email="sender@example.org")
    client.force_login(sender)
    url = reverse("hubs:business_contact", args=[business.slug])

    page = client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"subject": "Hello", "message": "Shall we talk?"})

    assert "secret-owner@example.org" not in page.content.decode()
    assert (
        "secret-owner@example.org" not in client.get(business.get_absolute_url()).content.decode()
    )
    assert [(m.to, m.reply_to, m.subject) for m in mail.outbox] == [
        (["secret-owner@example.org"], ["sender@example.org"], "[Industry Hubs] Hello")
    ]


def test_contact_is_rate_limited_per_user(client, django_capture_on_commit_callbacks):
    from django.core.cache import cache

    cache.clear()
    business = make_business()
    business.owners.add(make_user())
    client.force_login(make_user())
    url = reverse("hubs:business_contact", args=[business.slug])

    with django_capture_on_commit_callbacks(execute=True):
        responses = [client.post(url, {"subject": "Hi", "message": "m"}) for _ in range(6)]

    assert [r.status_code for r in responses] == [302, 302, 302, 302, 302, 200]
    assert "You have sent many messages recently" in responses[-1].content.decode()
    assert len(mail.outbox) == 5


def test_contact_subject_with_a_newline_is_rejected(client):
    business = make_business()
    business.owners.add(make_user())
    client.force_login(make_user())

    response = client.post(
        reverse("hubs:business_contact", args=[business.slug]),
        {"subject": "Hi\nBcc: victim@example.org", "message": "m"},
    )

    assert "Keep the subject on one line." in response.content.decode()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("next_value", "expected"),
    [
        ("https://elsewhere.example/", "/account/"),
        ("//elsewhere.example/", "/account/"),
        ("/\\elsewhere.example/", "/account/"),
        ("javascript:alert(1)", "/account/"),
        ("", "/account/"),
        ("/search/?industry=339920&near=Ogden", "/search/?industry=339920&near=Ogden"),
    ],
)
def test_interest_add_redirects_only_within_the_site(owner_client, owner, next_value, expected):
    business = make_business()
    business.owners.add(owner)
    data = {"business": business.pk, "industry": business.industry.pk, "next": next_value}

    response = owner_client.post(reverse("hubs:interest_add"), data)

    assert response.status_code == 302
    assert response["Location"] == expected
    assert list(business.interests.values_list("industry", flat=True)) == [business.industry.pk]


@pytest.mark.parametrize("value", ["abc", "1.5", "", "١٢", "-1", "9" * 30])
def test_interest_add_with_a_malformed_id_is_404_and_saves_nothing(owner_client, owner, value):
    business = make_business()
    business.owners.add(owner)

    as_business = owner_client.post(
        reverse("hubs:interest_add"), {"business": value, "industry": business.industry.pk}
    )
    as_industry = owner_client.post(
        reverse("hubs:interest_add"), {"business": business.pk, "industry": value}
    )

    assert (as_business.status_code, as_industry.status_code) == (404, 404)
    assert not business.interests.exists()


@pytest.fixture
def pending_tonga_hub():
    organizer = make_user(email="organizer@example.org")
    hub, _, _ = _hub_with_organizer(
        organizer,
        name="Secret Sail Loft",
        status=Hub.Status.PENDING,
        latitude=-21.1,
        longitude=-175.2,
    )
    return hub, organizer


def _start_hub_near(client, user, industry):
    business = make_business(industry=industry)
    business.owners.add(user)
    client.force_login(user)
    data = {
        "name": "Tonga Sail Makers",
        "industry": industry.code,
        "business": business.pk,
        "place_text": "-21.11, -175.21",
        "description": "Sails.",
    }
    return client.post(reverse("hubs:hub_create"), data)


def test_hub_create_hides_a_pending_hub_from_other_owners(client, pending_tonga_hub):
    hub, _ = pending_tonga_hub

    response = _start_hub_near(client, make_user(email="other@example.org"), hub.industry)

    page = response.content.decode()
    assert response.context["nearby"] == []
    assert "A hub of this industry nearby is under review." in page
    assert "Secret Sail Loft" not in page
    assert not Hub.objects.filter(name="Tonga Sail Makers").exists()


@pytest.mark.parametrize("viewer", ["organizer", "curator"])
def test_hub_create_shows_a_pending_hub_to_its_organizers_and_curators(
    client, pending_tonga_hub, viewer
):
    hub, organizer = pending_tonga_hub
    user = organizer if viewer == "organizer" else make_user(is_staff=True)

    response = _start_hub_near(client, user, hub.industry)

    assert [h.name for h in response.context["nearby"]] == ["Secret Sail Loft"]
    assert "A hub of this industry nearby is under review." not in response.content.decode()
    assert not Hub.objects.filter(name="Tonga Sail Makers").exists()


def test_business_invitations_are_rate_limited_per_user(
    owner_client, owner, django_capture_on_commit_callbacks
):
    business = make_business()
    business.owners.add(owner)
    url = reverse("hubs:business_invite", args=[business.slug])

    with django_capture_on_commit_callbacks(execute=True):
        for n in range(6):
            last = owner_client.post(url, {"email": f"person{n}@example.org"}, follow=True)

    assert [m.to for m in mail.outbox] == [[f"person{n}@example.org"] for n in range(5)]
    assert "You have sent many invitations recently; please try again later." in (
        last.content.decode()
    )


def test_flags_are_rate_limited_per_user(owner_client, owner):
    from hubs.models import Flag

    hub = make_hub()
    url = reverse("hubs:hub_flag", args=[hub.slug])

    for n in range(11):
        last = owner_client.post(url, {"reason": "spam", "note": f"report {n}"})

    assert last.status_code == 200
    assert "You have sent many reports recently; please try again later." in last.content.decode()
    assert sorted(Flag.objects.filter(hub=hub).values_list("note", flat=True)) == sorted(
        f"report {n}" for n in range(10)
    )
