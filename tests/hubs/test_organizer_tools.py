"""Organizers' tools: inviting businesses nearby, removing a member with a reason, and recording
a partner that is not in the curated list (pending a curator's review)."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from hubs import organizing, queries, services
from hubs.models import Invitation, Membership, Partner, Resource
from hubs.services import ActionRefused
from tests.factories import (
    make_business,
    make_hub,
    make_industry,
    make_membership,
    make_online_hub,
    make_resource,
    make_user,
)
from tests.rendered import body, text

pytestmark = pytest.mark.django_db

ACTION = "_selected_action"


def _organized(client=None, *, email="organizer@example.org", hub=None):
    """A hub, its organizer (logged in on ``client``), and a plain member's owner."""
    hub = hub or make_hub()
    organizer = make_user(email=email)
    organizing_business = make_business(name="Organizer Co", industry=hub.industry)
    organizing_business.owners.add(organizer)
    make_membership(hub=hub, business=organizing_business, role=Membership.Role.ORGANIZER)
    member = make_user(email="member-" + email)
    member_business = make_business(name="Member Co", industry=hub.industry)
    member_business.owners.add(member)
    membership = make_membership(hub=hub, business=member_business)
    hub.refresh_member_count()
    if client is not None:
        client.force_login(organizer)
    return hub, organizer, membership


def _candidate(hub, name, **fields):
    business = make_business(name=name, industry=fields.pop("industry", hub.industry), **fields)
    business.owners.add(make_user(email=f"{business.slug}@example.org"))
    return business


# Who may be invited


def test_businesses_to_invite_are_unaffiliated_related_reachable_and_not_yet_invited():
    hub, _, _ = _organized()
    complement = make_industry(title="Complementary Test Industry")
    hub.industry.complements.add(complement)
    same = _candidate(hub, "Same Industry Co", latitude=-45.01)
    paired = _candidate(hub, "Complement Co", industry=complement, latitude=-45.02)
    _candidate(hub, "Unrelated Co", industry=make_industry())
    _candidate(hub, "Opted Out Co", accepts_invitations=False)
    make_business(name="Nobody's Co", industry=hub.industry)  # No owner to read the email.
    _candidate(hub, "Far Co", latitude=-30.0)
    in_a_hub = _candidate(hub, "Joined Co")
    make_membership(hub=make_hub(), business=in_a_hub)
    invited = _candidate(hub, "Invited Co")
    Invitation.objects.create(hub=hub, business=invited, message="Hi")

    found = queries.businesses_to_invite(hub=hub, radius_km=100)

    assert [b.name for b in found] == [same.name, paired.name]


def test_a_business_invited_by_another_hub_may_still_be_invited():
    hub, _, _ = _organized()
    business = _candidate(hub, "Popular Co")
    Invitation.objects.create(hub=make_hub(), business=business, message="Hi")

    assert queries.businesses_to_invite(hub=hub, radius_km=100) == [business]


# The invitation page


def test_invite_page_access_anonymous_outsider_member_organizer(client):
    hub, organizer, membership = _organized()
    url = reverse("hubs:hub_invite", args=[hub.slug])

    anonymous = client.get(url)
    client.force_login(make_user())
    outsider = client.get(url)
    client.force_login(make_user(is_staff=True))
    staff = client.get(url)
    client.force_login(membership.business.owners.get())
    member = client.get(url)
    client.force_login(organizer)
    allowed = client.get(url)

    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert (outsider.status_code, staff.status_code, member.status_code) == (404, 404, 403)
    assert allowed.status_code == 200


def test_invite_sends_one_email_per_business_with_an_unsubscribe_link(
    client, django_capture_on_commit_callbacks
):
    hub, organizer, _ = _organized(client)
    first = _candidate(hub, "First Co", latitude=-45.01)
    second = _candidate(hub, "Second Co", latitude=-45.02)
    data = {"businesses": [first.pk, second.pk], "message": "Come to our meet-ups."}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("hubs:hub_invite", args=[hub.slug]), data, follow=True)

    assert "2 invitations saved and emailed to the owners." in body(response)
    assert sorted(Invitation.objects.values_list("business__name", "sent_by", "message")) == [
        ("First Co", organizer.pk, "Come to our meet-ups."),
        ("Second Co", organizer.pk, "Come to our meet-ups."),
    ]
    assert sorted((m.to[0], m.reply_to[0], m.subject) for m in mail.outbox) == [
        (
            f"{first.slug}@example.org",
            "organizer@example.org",
            f"[Industry Hubs] {hub.name} invites First Co",
        ),
        (
            f"{second.slug}@example.org",
            "organizer@example.org",
            f"[Industry Hubs] {hub.name} invites Second Co",
        ),
    ]
    message = next(m for m in mail.outbox if m.to == [f"{first.slug}@example.org"])
    assert "Come to our meet-ups." in message.body
    link = next(line for line in message.body.splitlines() if "/invitations/stop/" in line)
    token = link.rsplit("/invitations/stop/", 1)[1].strip("/")
    assert organizing.business_for_opt_out_token(token) == first


def test_invite_the_same_business_twice_is_refused_and_sends_nothing_more(
    client, django_capture_on_commit_callbacks
):
    hub, _, _ = _organized(client)
    business = _candidate(hub, "Once Co")
    data = {"businesses": [business.pk], "message": "Join us."}
    url = reverse("hubs:hub_invite", args=[hub.slug])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, data)

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url, data)

    assert again.status_code == 200
    assert "No business nearby is left to invite" in body(again)
    assert Invitation.objects.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"message": "Hi"}, "businesses", "Choose at least one business to invite."),
        ({"businesses": ["x"], "message": "Hi"}, "businesses", "is not a valid value"),
        ({"businesses": [], "message": ""}, "message", "This field is required."),
        (None, "message", "Ensure this value has at most 2000 characters"),
    ],
)
def test_invite_bad_input_says_why_and_saves_nothing(client, data, field, message):
    hub, _, _ = _organized(client)
    business = _candidate(hub, "Candidate Co")
    if data is None:
        data = {"businesses": [business.pk], "message": "x" * 2001}

    response = client.post(reverse("hubs:hub_invite", args=[hub.slug]), data)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Invitation.objects.count() == 0


def test_invitations_are_rate_limited_per_user(client):
    hub, _, _ = _organized(client)
    businesses = [_candidate(hub, f"Rated Co {n}") for n in range(4)]
    url = reverse("hubs:hub_invite", args=[hub.slug])

    responses = [client.post(url, {"businesses": [b.pk], "message": "Hi"}) for b in businesses]

    assert [r.status_code for r in responses] == [302, 302, 302, 200]
    assert "You have sent many invitations recently" in body(responses[-1])
    assert Invitation.objects.count() == 3


def test_invitations_send_is_all_or_nothing():
    hub, organizer, _ = _organized()
    fresh = _candidate(hub, "Fresh Co")
    taken = _candidate(hub, "Taken Co")
    Invitation.objects.create(hub=hub, business=taken, message="Earlier")
    opted_out = _candidate(hub, "Quiet Co", accepts_invitations=False)

    with pytest.raises(ActionRefused, match="invited by your hub meanwhile"):
        organizing.invitations_send(
            hub=hub, businesses=[fresh, taken], message="Hi", sent_by=organizer
        )
    with pytest.raises(ActionRefused, match="no longer accepts invitations"):
        organizing.invitations_send(
            hub=hub, businesses=[fresh, opted_out], message="Hi", sent_by=organizer
        )
    with pytest.raises(ActionRefused, match="at most 20"):
        organizing.invitations_send(
            hub=hub, businesses=[fresh] * 21, message="Hi", sent_by=organizer
        )

    assert list(Invitation.objects.values_list("business__name", flat=True)) == ["Taken Co"]


def test_opt_out_link_works_without_logging_in_and_is_honoured(client):
    hub, organizer, _ = _organized()
    business = _candidate(hub, "Quiet Co")
    url = reverse("hubs:invitations_opt_out", args=[organizing.opt_out_token(business)])

    page = client.get(url)
    business.refresh_from_db()
    assert business.accepts_invitations is True  # A GET (a mail scanner) changes nothing.
    response = client.post(url, follow=True)

    business.refresh_from_db()
    assert "Stop hubs' invitations to Quiet Co?" in body(page)
    assert "Hubs will no longer invite Quiet Co." in body(response)
    assert business.accepts_invitations is False
    assert queries.businesses_to_invite(hub=hub, radius_km=100) == []


def test_opt_out_link_with_a_bad_token_is_404(client):
    business = make_business()
    token = organizing.opt_out_token(business)

    assert client.get(reverse("hubs:invitations_opt_out", args=[token + "x"])).status_code == 404
    assert client.post(reverse("hubs:invitations_opt_out", args=["nonsense"])).status_code == 404


def test_owner_can_turn_invitations_back_on_when_editing(client):
    business = make_business(accepts_invitations=False)
    owner = make_user()
    business.owners.add(owner)
    client.force_login(owner)

    page = client.get(reverse("hubs:business_edit", args=[business.slug]))

    assert "Hubs may invite it" in body(page)


# Removing a member


def test_organizer_removes_a_member_with_a_reason_shown_to_them(
    client, django_capture_on_commit_callbacks
):
    hub, _, membership = _organized(client)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("hubs:membership_remove", args=[membership.pk]),
            {"reason": "Not a local business."},
            follow=True,
        )

    membership.refresh_from_db()
    hub.refresh_from_db()
    assert (membership.state, membership.removal_reason) == ("removed", "Not a local business.")
    assert membership.removed_at is not None
    assert hub.member_count == 1
    assert "Member Co is removed; its owners are told your reason." in body(response)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["member-organizer@example.org"], f"[Industry Hubs] Member Co was removed from {hub.name}")
    ]
    assert "Their reason: Not a local business." in mail.outbox[0].body
    client.force_login(membership.business.owners.get())
    seen = "The organizers removed Member Co from the hub"
    assert seen in body(client.get(hub.get_absolute_url()))
    dashboard = body(client.get(reverse("accounts:dashboard")))
    assert "Removed from hubs" in dashboard and "Not a local business." in dashboard


def test_remove_member_without_a_reason_is_refused(client):
    hub, _, membership = _organized(client)

    response = client.post(
        reverse("hubs:membership_remove", args=[membership.pk]), {"reason": " "}, follow=True
    )

    membership.refresh_from_db()
    assert membership.state == "active"
    assert "Give the member a reason" in body(response)


def test_the_last_organizer_cant_be_removed_but_one_of_two_can(client):
    hub, organizer, membership = _organized(client)
    own = Membership.objects.get(hub=hub, role=Membership.Role.ORGANIZER)
    url = reverse("hubs:membership_remove", args=[own.pk])

    refused = client.post(url, {"reason": "Stepping down"}, follow=True)
    own.refresh_from_db()
    assert own.state == "active"
    assert "The hub's last organizer can't be removed." in text(body(refused))

    services.membership_set_role(membership=membership, role=Membership.Role.ORGANIZER)
    client.post(url, {"reason": "Stepping down"})
    own.refresh_from_db()
    assert (own.state, own.role) == ("removed", "member")


def test_remove_member_access_anonymous_outsider_member_and_get(client):
    hub, _, membership = _organized()
    url = reverse("hubs:membership_remove", args=[membership.pk])
    data = {"reason": "Because"}

    anonymous = client.post(url, data)
    client.force_login(make_user())
    outsider = client.post(url, data)
    client.force_login(membership.business.owners.get())
    member = client.post(url, data)
    get = client.get(url)

    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert (outsider.status_code, member.status_code, get.status_code) == (404, 403, 405)
    membership.refresh_from_db()
    assert membership.state == "active"


def test_a_removed_business_may_ask_to_join_again():
    hub, _, membership = _organized()
    organizing.membership_remove(membership=membership, reason="Spam")

    again = services.membership_request(
        hub=hub, business=membership.business, connections=[], user=make_user()
    )

    assert (again.pk, again.state, again.removal_reason, again.removed_at) == (
        membership.pk,
        "requested",
        "",
        None,
    )


# Partners that are not in the list


def _suggest(client, hub, **fields):
    data = {
        "suggest-name": "Ogden City Council",
        "suggest-kind": "city",
        "suggest-note": "Hosts us",
    }
    data.update({f"suggest-{k}": v for k, v in fields.items()})
    return client.post(reverse("hubs:partner_suggest", args=[hub.slug]), data, follow=True)


def test_a_suggested_partner_waits_for_review_before_showing_publicly(client):
    hub, organizer, _ = _organized(client)

    response = _suggest(client, hub, city="Ogden", website="https://ogdencity.example.gov")

    resource = Resource.objects.get(name="Ogden City Council")
    assert (resource.kind, resource.pending_review, resource.suggested_by) == (
        "city",
        True,
        organizer,
    )
    assert (resource.region, resource.latitude, resource.longitude) == (
        hub.region,
        hub.latitude,
        hub.longitude,
    )
    assert list(Partner.objects.filter(hub=hub).values_list("resource__name", "note")) == [
        ("Ogden City Council", "Hosts us")
    ]
    assert "Curators will review it before it shows on the hub's public page." in text(
        body(response)
    )
    assert "Waiting for curator review" in body(
        client.get(reverse("hubs:hub_manage", args=[hub.slug]))
    )
    client.logout()
    public = body(client.get(hub.get_absolute_url()))
    assert "Ogden City Council" not in public
    assert "0 public-sector partners of 0 engaged" in public
    csv = b"".join(client.get(reverse("hubs:data_resources_csv")).streaming_content).decode()
    assert "Ogden City Council" not in csv
    assert "Ogden City Council" not in body(client.get(reverse("hubs:hub_press", args=[hub.slug])))
    assert queries.resources_near(lat=hub.latitude, lng=hub.longitude, radius_km=10) == []


def test_curator_approves_a_suggested_partner_and_it_gets_government_involved(client):
    hub, _, _ = _organized(client)
    _suggest(client, hub)
    curator = make_user(is_staff=True)
    curator.groups.add(Group.objects.get(name="Curators"))
    client.force_login(curator)
    resource = Resource.objects.get(name="Ogden City Council")
    assert "Ogden City Council" in body(client.get(reverse("admin:hubs_moderation")))

    client.post(
        reverse("admin:hubs_resource_changelist"),
        {"action": "approve_resources", ACTION: [resource.pk], "confirm": "yes"},
    )

    resource.refresh_from_db()
    assert resource.pending_review is False
    client.logout()
    public = body(client.get(hub.get_absolute_url()))
    assert "Ogden City Council" in public
    assert "1 public-sector partner of 1 engaged" in public


def test_a_university_partner_does_not_get_government_involved(client):
    hub, _, _ = _organized(client)
    university = make_resource(name="Test University", kind=Resource.Kind.UNIVERSITY)

    client.post(reverse("hubs:partner_add", args=[hub.slug]), {"resource": university.pk})

    assert Partner.objects.filter(hub=hub, resource=university).exists()
    assert "0 public-sector partners of 1 engaged" in body(client.get(hub.get_absolute_url()))


def test_a_suggested_partner_is_not_offered_from_the_list_until_approved(client):
    hub, _, _ = _organized(client)
    _suggest(client, hub)
    other, _, _ = _organized(client, email="other@example.org")

    page = client.get(reverse("hubs:hub_manage", args=[other.slug]))

    assert "Ogden City Council" not in body(page)


@pytest.mark.parametrize(
    ("fields", "saved"),
    [
        ({"name": ""}, False),
        ({"kind": "palace"}, False),
        ({"website": "not a url"}, False),
        ({"note": "x" * 301}, False),
        ({}, True),
    ],
)
def test_partner_suggest_bad_input_saves_nothing(client, fields, saved):
    hub, _, _ = _organized(client)

    response = _suggest(client, hub, **fields)

    assert Partner.objects.filter(hub=hub).exists() is saved
    assert Resource.objects.filter(suggested_by__isnull=False).exists() is saved
    if not saved:
        assert "A partner needs a name and a kind" in body(response)


def test_partner_suggest_access_outsider_member_anonymous(client):
    hub, _, membership = _organized()
    url = reverse("hubs:partner_suggest", args=[hub.slug])
    data = {"suggest-name": "Council", "suggest-kind": "city"}

    anonymous = client.post(url, data)
    client.force_login(make_user())
    outsider = client.post(url, data)
    client.force_login(membership.business.owners.get())
    member = client.post(url, data)

    assert anonymous.status_code == 302
    assert (outsider.status_code, member.status_code) == (404, 403)
    assert Resource.objects.filter(name="Council").count() == 0


def test_an_online_hub_without_a_home_base_invites_no_one_and_places_no_new_partner(client):
    hub, _, _ = _organized(client, hub=make_online_hub(worldwide=True))
    _candidate(hub, "Anywhere Co")

    page = client.get(reverse("hubs:hub_invite", args=[hub.slug]))
    response = _suggest(client, hub)

    assert queries.businesses_to_invite(hub=hub, radius_km=100) == []
    assert "The hub has no home base, so no business is near it." in body(page)
    assert "give the hub one first" in body(response)
    assert not Resource.objects.filter(name="Ogden City Council").exists()
    assert not Partner.objects.filter(hub=hub).exists()
