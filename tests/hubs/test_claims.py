"""Claiming listings nobody runs on the site, and the wording of contact and join forms on them:
nothing is ever reported as sent that was not sent."""

import threading

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import IntegrityError, connection, connections, transaction
from django.urls import reverse

from hubs import claims, services
from hubs.models import Claim, Flag, Membership
from hubs.services import ActionRefused, ListingUnclaimed
from tests.factories import make_business, make_hub, make_membership, make_user
from tests.rendered import body

pytestmark = pytest.mark.django_db

ACTION = "_selected_action"

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers, so the race cannot happen; CI runs this on PostgreSQL.",
)


def _unclaimed_hub(**fields):
    """An approved hub whose organizer business has no owner on the site, like the demo's."""
    hub = make_hub(website="https://www.kites.example.org/", **fields)
    make_membership(hub=hub, role=Membership.Role.ORGANIZER)
    hub.refresh_member_count()
    return hub


def _owned_hub():
    hub = make_hub()
    membership = make_membership(hub=hub, role=Membership.Role.ORGANIZER)
    membership.business.owners.add(make_user(email="organizer@example.org"))
    return hub


def _claimant(client, email="claimant@example.org"):
    user = make_user(email=email)
    business = make_business(name="Claimant Kites")
    business.owners.add(user)
    client.force_login(user)
    return user, business


def _note_claim(user, listing, **fields):
    values = {"claimant": user, "role": "Founder", "note": "Call our office."}
    values.update(fields)
    if listing.__class__.__name__ == "Hub":
        values.setdefault("organizing_business", make_business(name=f"Org of {user.username}"))
        return claims.claim_submit(listing=listing, **values)
    return claims.claim_submit(listing=listing, **values)


@pytest.fixture
def curator(client):
    user = make_user(is_staff=True, email="curator@example.org")
    user.groups.add(Group.objects.get(name="Curators"))
    return user


# Who runs a listing


def test_has_owner_on_site_needs_an_organizer_business_with_an_owner():
    unclaimed, owned, empty = _unclaimed_hub(), _owned_hub(), make_hub()
    left = make_hub()
    gone = make_membership(hub=left, role=Membership.Role.ORGANIZER, state=Membership.State.LEFT)
    gone.business.owners.add(make_user())

    assert [claims.has_owner_on_site(h) for h in (unclaimed, owned, empty, left)] == [
        False,
        True,
        False,
        False,
    ]


def test_has_owner_on_site_of_a_business_is_having_an_owner():
    business = make_business()
    assert claims.has_owner_on_site(business) is False

    business.owners.add(make_user())

    assert claims.has_owner_on_site(business) is True


@pytest.mark.parametrize(
    ("email", "on_domain"),
    [
        ("jo@kites.example.org", True),
        ("jo@mail.kites.example.org", True),
        ("jo@KITES.example.org", True),
        ("jo@evilkites.example.org", False),
        ("jo@kites.example.org.evil.com", False),
        ("jo@example.org", False),
    ],
)
def test_email_on_domain_accepts_the_domain_and_its_subdomains_only(email, on_domain):
    hub = make_hub(website="https://www.kites.example.org/about")

    assert claims.email_on_domain(email, claims.web_domain(hub)) is on_domain


def test_web_domain_of_a_listing_without_website_is_empty_and_accepts_no_email():
    business = make_business(website="")

    assert claims.web_domain(business) == ""
    assert claims.email_on_domain("jo@example.org", "") is False


# Submitting


def test_claim_submit_with_work_email_mails_a_link_that_verifies_it(
    client, django_capture_on_commit_callbacks
):
    hub = _unclaimed_hub()
    user, business = _claimant(client)

    with django_capture_on_commit_callbacks(execute=True):
        claim = claims.claim_submit(
            claimant=user,
            listing=hub,
            role="Chair",
            work_email="jo@kites.example.org",
            organizing_business=business,
        )

    assert (claim.status, claim.verification, claim.email_verified_at) == ("pending", "email", None)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["jo@kites.example.org"], f"[Industry Hubs] Confirm your claim of {hub.name}")
    ]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/claims/verify/" in line)
    path = link[link.index("/claims/") :]
    client.logout()  # The link works without logging in: the signed token is the proof.
    page = client.get(path)
    assert "Confirm jo@kites.example.org" in body(page)
    assert Claim.objects.get().email_verified_at is None  # A GET changes nothing.

    response = client.post(path)

    assert response.status_code == 302
    assert Claim.objects.get().email_verified_at is not None


def test_claim_verify_with_a_bad_or_stale_token_is_404(client):
    hub = _unclaimed_hub()
    user, business = _claimant(client)
    claim = claims.claim_submit(
        claimant=user,
        listing=hub,
        role="Chair",
        work_email="jo@kites.example.org",
        organizing_business=business,
    )
    token = claims.verify_token(claim)
    tampered = token[:-2] + ("aa" if not token.endswith("aa") else "bb")

    assert client.get(reverse("hubs:claim_verify", args=[tampered])).status_code == 404
    Claim.objects.filter(pk=claim.pk).update(status=Claim.Status.REFUSED)
    assert client.get(reverse("hubs:claim_verify", args=[token])).status_code == 404
    assert client.post(reverse("hubs:claim_verify", args=[token])).status_code == 404


def test_claim_verify_token_for_a_changed_email_is_refused(client):
    hub = _unclaimed_hub()
    user, business = _claimant(client)
    claim = claims.claim_submit(
        claimant=user,
        listing=hub,
        role="Chair",
        work_email="jo@kites.example.org",
        organizing_business=business,
    )
    token = claims.verify_token(claim)
    Claim.objects.filter(pk=claim.pk).update(work_email="other@kites.example.org")

    assert claims.claim_for_verify_token(token) is None


def test_claim_submit_on_a_listing_with_an_owner_is_refused_and_saves_nothing():
    hub, business = _owned_hub(), make_business()
    business.owners.add(make_user())
    user = make_user()

    with pytest.raises(ActionRefused, match="already has organizers on the site"):
        _note_claim(user, hub)
    with pytest.raises(ActionRefused, match="already has owners on the site"):
        _note_claim(user, business)

    assert Claim.objects.count() == 0


def test_claim_submit_twice_by_the_same_person_keeps_one_pending_claim():
    business = make_business()
    user = make_user()
    _note_claim(user, business)

    with pytest.raises(ActionRefused, match="You have already asked to claim"):
        _note_claim(user, business)

    assert Claim.objects.filter(business=business).count() == 1


def test_claim_submit_on_an_already_claimed_listing_is_refused(curator):
    business = make_business()
    first = _note_claim(make_user(), business)
    claims.claim_decide(claim=first, curator=curator, approve=True)
    business.owners.clear()  # Even if the owner later left, the claim was decided.

    with pytest.raises(ActionRefused, match="has already been claimed"):
        _note_claim(make_user(), business)

    assert Claim.objects.filter(business=business).count() == 1


def test_claim_submit_refuses_an_email_off_the_domain_and_an_empty_proof():
    hub = _unclaimed_hub()
    user = make_user()
    business = make_business()

    with pytest.raises(ActionRefused, match="on the listing's web domain"):
        claims.claim_submit(
            claimant=user,
            listing=hub,
            role="Chair",
            work_email="jo@gmail.example.com",
            organizing_business=business,
        )
    with pytest.raises(ActionRefused, match="a work email .* or a note"):
        claims.claim_submit(claimant=user, listing=hub, role="Chair", organizing_business=business)
    with pytest.raises(ActionRefused, match="Choose the business"):
        claims.claim_submit(claimant=user, listing=hub, role="Chair", note="Hi")

    assert Claim.objects.count() == 0


def test_database_allows_one_approved_claim_per_listing_and_one_pending_per_person():
    business = make_business()
    user = make_user()
    Claim.objects.create(
        claimant=make_user(), business=business, role="A", verification="note", status="approved"
    )
    Claim.objects.create(claimant=user, business=business, role="B", verification="note")

    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(
            claimant=make_user(),
            business=business,
            role="C",
            verification="note",
            status="approved",
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(claimant=user, business=business, role="D", verification="note")
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(claimant=user, role="E", verification="note")  # No listing.
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(claimant=user, hub=make_hub(), role="F", verification="note")

    assert Claim.objects.filter(business=business).count() == 2


# Deciding


def test_claim_decide_approve_makes_the_business_organizer_and_refuses_the_others(
    curator, django_capture_on_commit_callbacks
):
    hub = _unclaimed_hub()
    winner = make_user(email="winner@example.org")
    loser = make_user(email="loser@example.org")
    business = make_business(name="Winner Co")
    claim = _note_claim(winner, hub, organizing_business=business)
    other = _note_claim(loser, hub)

    with django_capture_on_commit_callbacks(execute=True):
        claims.claim_decide(claim=claim, curator=curator, approve=True)

    membership = Membership.objects.get(hub=hub, business=business)
    assert (membership.role, membership.state) == ("organizer", "active")
    hub.refresh_from_db()
    assert hub.member_count == 2
    assert claims.has_owner_on_site(hub) is False  # Winner Co has no owner yet in this test.
    claim.refresh_from_db()
    other.refresh_from_db()
    assert (claim.status, claim.decided_by, other.status, other.reason) == (
        "approved",
        curator,
        "refused",
        "Another claim of this listing was approved.",
    )
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("loser@example.org", f"[Industry Hubs] Your claim of {hub.name}"),
        ("winner@example.org", f"[Industry Hubs] Your claim of {hub.name}"),
    ]
    assert "Winner Co is now its organizer" in next(
        m.body for m in mail.outbox if m.to == ["winner@example.org"]
    )


def test_claim_decide_approve_of_a_member_business_promotes_it():
    hub = _unclaimed_hub()
    member = make_membership(hub=hub, state=Membership.State.LEFT)
    claim = _note_claim(make_user(), hub, organizing_business=member.business)

    claims.claim_decide(claim=claim, curator=make_user(is_staff=True), approve=True)

    member.refresh_from_db()
    assert (member.role, member.state, member.left_at) == ("organizer", "active", None)


def test_claim_decide_approve_makes_the_claimant_owner_of_a_business():
    business = make_business()
    user = make_user()
    claim = _note_claim(user, business)

    claims.claim_decide(claim=claim, curator=make_user(is_staff=True), approve=True)

    assert list(business.owners.all()) == [user]


def test_claim_decide_refuse_needs_a_reason_and_emails_it(
    curator, django_capture_on_commit_callbacks
):
    business = make_business()
    claim = _note_claim(make_user(email="jo@example.org"), business)

    with pytest.raises(ActionRefused, match="Give the claimant a reason"):
        claims.claim_decide(claim=claim, curator=curator, approve=False, reason="  ")
    assert Claim.objects.get().status == "pending"
    with django_capture_on_commit_callbacks(execute=True):
        claims.claim_decide(
            claim=claim, curator=curator, approve=False, reason="We could not reach you."
        )

    claim.refresh_from_db()
    assert (claim.status, claim.reason) == ("refused", "We could not reach you.")
    assert list(business.owners.all()) == []
    assert [m.to for m in mail.outbox] == [["jo@example.org"]]
    assert "Their reason: We could not reach you." in mail.outbox[0].body


def test_claim_decide_twice_or_after_a_takeover_is_refused(curator):
    business = make_business()
    claim = _note_claim(make_user(), business)
    later = _note_claim(make_user(), make_business())
    later.business.owners.add(make_user())  # Someone took it over meanwhile.

    claims.claim_decide(claim=claim, curator=curator, approve=True)
    with pytest.raises(ActionRefused, match="already decided"):
        claims.claim_decide(claim=claim, curator=curator, approve=False, reason="Oops")
    with pytest.raises(ActionRefused, match="taken over since"):
        claims.claim_decide(claim=later, curator=curator, approve=True)

    later.refresh_from_db()
    assert (later.status, later.business.owners.count()) == ("pending", 1)


def _at_once(*calls):
    """Run each call in its own thread and connection, released together."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as error:  # noqa: BLE001 - the test inspects what each got.
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_curators_approving_two_claims_at_once_give_the_listing_one_owner():
    business = make_business()
    first, second = _note_claim(make_user(), business), _note_claim(make_user(), business)
    curator = make_user(is_staff=True)

    results = _at_once(
        lambda: claims.claim_decide(claim=first, curator=curator, approve=True),
        lambda: claims.claim_decide(claim=second, curator=curator, approve=True),
    )

    assert Claim.objects.approved().filter(business=business).count() == 1
    assert business.owners.count() == 1
    assert sum(isinstance(r, ActionRefused) for r in results) == 1


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_double_clicked_claim_gives_one_pending_claim():
    business = make_business()
    user = make_user()

    results = _at_once(lambda: _note_claim(user, business), lambda: _note_claim(user, business))

    assert Claim.objects.filter(business=business).count() == 1
    assert sum(isinstance(r, ActionRefused) for r in results) == 1


# The claim pages


def test_claim_page_anonymous_is_sent_to_log_in(client):
    hub = _unclaimed_hub()

    for url in [
        reverse("hubs:hub_claim", args=[hub.slug]),
        reverse("hubs:business_claim", args=[make_business().slug]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_claim_link_shows_on_unclaimed_listings_only(client):
    unclaimed, owned = _unclaimed_hub(), _owned_hub()
    lonely = make_business()
    run = make_business()
    run.owners.add(make_user())

    assert "Claim this listing" in body(client.get(unclaimed.get_absolute_url()))
    assert "Nobody runs this hub on the site yet" in body(client.get(unclaimed.get_absolute_url()))
    assert "Claim this listing" not in body(client.get(owned.get_absolute_url()))
    assert "Claim this listing" in body(client.get(lonely.get_absolute_url()))
    assert "Claim this listing" not in body(client.get(run.get_absolute_url()))


def test_claim_page_of_a_listing_with_an_owner_leads_back_to_it(client):
    hub = _owned_hub()
    _claimant(client)

    response = client.get(reverse("hubs:hub_claim", args=[hub.slug]))

    assert response.status_code == 302
    assert response["Location"] == hub.get_absolute_url()


def test_claim_page_note_claim_is_saved_and_says_the_curators_decide(client):
    hub = _unclaimed_hub()
    user, business = _claimant(client)

    response = client.post(
        reverse("hubs:hub_claim", args=[hub.slug]),
        {
            "role": "Chair of the committee",
            "organizing_business": business.pk,
            "verification": "note",
            "note": "Phone the number on our website.",
        },
        follow=True,
    )

    claim = Claim.objects.get()
    assert (claim.claimant, claim.hub, claim.organizing_business, claim.role, claim.note) == (
        user,
        hub,
        business,
        "Chair of the committee",
        "Phone the number on our website.",
    )
    assert f"Your claim of {hub.name} is sent to the curators" in body(response)
    assert mail.outbox == []


def test_claim_page_email_claim_says_what_became_of_the_email(
    client, django_capture_on_commit_callbacks
):
    business = make_business(website="https://kites.example.org")
    _claimant(client)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("hubs:business_claim", args=[business.slug]),
            {"role": "Owner", "verification": "email", "work_email": "jo@kites.example.org"},
        )

    assert response.status_code == 302
    assert Claim.objects.get().work_email == "jo@kites.example.org"
    assert [m.to for m in mail.outbox] == [["jo@kites.example.org"]]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"verification": "note", "note": "x"}, "role", "This field is required."),
        ({"role": "Owner", "verification": "note"}, "note", "Tell the curators how"),
        ({"role": "Owner", "verification": "email"}, "work_email", "Give your work email"),
        (
            {"role": "Owner", "verification": "email", "work_email": "jo@gmail.example.com"},
            "work_email",
            "Give an address ending in @kites.example.org.",
        ),
        (
            {"role": "Owner", "verification": "email", "work_email": "not an email"},
            "work_email",
            "Enter a valid email address.",
        ),
        ({"role": "Own\ner", "verification": "note", "note": "x"}, "role", "Keep it on one"),
        ({"role": "Owner", "verification": "fax", "note": "x"}, "verification", "valid choice"),
    ],
)
def test_claim_page_bad_input_says_why_and_saves_nothing(client, data, field, message):
    business = make_business(website="https://www.kites.example.org")
    _claimant(client)

    response = client.post(reverse("hubs:business_claim", args=[business.slug]), data)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Claim.objects.count() == 0


def test_claim_page_without_a_website_offers_only_a_note(client):
    business = make_business(website="")
    _claimant(client)

    response = client.post(
        reverse("hubs:business_claim", args=[business.slug]),
        {"role": "Owner", "verification": "email", "work_email": "jo@example.org"},
    )

    assert response.status_code == 200
    assert "work_email" not in response.context["form"].fields
    assert Claim.objects.count() == 0


def test_claim_page_of_a_hub_without_a_business_of_yours_asks_to_list_one(client):
    hub = _unclaimed_hub()
    client.force_login(make_user())

    response = client.get(reverse("hubs:hub_claim", args=[hub.slug]))

    assert "list your business</a> first" in body(response)


def test_claim_page_hub_claim_cannot_name_another_persons_business(client):
    hub = _unclaimed_hub()
    _claimant(client)
    someone_elses = make_business()

    response = client.post(
        reverse("hubs:hub_claim", args=[hub.slug]),
        {
            "role": "Chair",
            "organizing_business": someone_elses.pk,
            "verification": "note",
            "note": "x",
        },
    )

    assert "Select a valid choice" in " ".join(
        response.context["form"].errors["organizing_business"]
    )
    assert Claim.objects.count() == 0


def test_claim_page_second_claim_says_it_is_already_pending(client):
    business = make_business()
    _claimant(client)
    data = {"role": "Owner", "verification": "note", "note": "x"}
    client.post(reverse("hubs:business_claim", args=[business.slug]), data)

    response = client.post(reverse("hubs:business_claim", args=[business.slug]), data)

    assert "You have already asked to claim" in body(response)
    assert Claim.objects.count() == 1


def test_claims_are_rate_limited_per_user(client):
    _claimant(client)
    data = {"role": "Owner", "verification": "note", "note": "x"}
    businesses = [make_business() for _ in range(6)]

    responses = [
        client.post(reverse("hubs:business_claim", args=[b.slug]), data) for b in businesses
    ]

    assert [r.status_code for r in responses] == [302] * 5 + [200]
    assert "You have sent many claims recently" in body(responses[-1])
    assert Claim.objects.count() == 5


def test_claim_of_a_pending_hub_is_404(client):
    hub = make_hub(status="pending")
    _claimant(client)

    assert client.get(reverse("hubs:hub_claim", args=[hub.slug])).status_code == 404


# Contact and join on a listing nobody runs


def test_contact_on_an_unclaimed_hub_says_so_and_sends_nothing(
    client, django_capture_on_commit_callbacks
):
    hub = _unclaimed_hub()
    client.force_login(make_user())
    url = reverse("hubs:hub_contact", args=[hub.slug])

    page = client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        posted = client.post(url, {"subject": "Hello", "message": "Anyone there?"}, follow=True)

    for response in (page, posted):
        text = body(response)
        assert f"Nobody runs {hub.name} on the site yet" in text
        assert "a message would reach no one. Nothing has been sent." in text
        assert reverse("hubs:hub_claim", args=[hub.slug]) in text
        assert reverse("hubs:hub_notify", args=[hub.slug]) in text
        assert "is sent" not in text
    assert mail.outbox == []


def test_contact_on_a_business_without_owner_says_so_and_sends_nothing(
    client, django_capture_on_commit_callbacks
):
    business = make_business()
    client.force_login(make_user())

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("hubs:business_contact", args=[business.slug]),
            {"subject": "Hello", "message": "Anyone there?"},
        )

    assert f"Nobody runs {business.name} on the site yet" in body(response)
    assert "The business has no owner on Industry Hubs" in body(response)
    assert mail.outbox == []


def test_join_on_an_unclaimed_hub_says_so_and_saves_no_request(client):
    hub = _unclaimed_hub()
    user, business = _claimant(client)

    response = client.post(reverse("hubs:hub_join", args=[hub.slug]), {"business": business.pk})

    assert "a request to join would reach no one. Nothing has been sent." in body(response)
    assert not Membership.objects.filter(business=business).exists()


def test_services_refuse_to_send_to_nobody():
    hub = _unclaimed_hub()
    business = make_business()
    user = make_user()

    with pytest.raises(ListingUnclaimed):
        services.membership_request(hub=hub, business=business, connections=[], user=user)
    with pytest.raises(ListingUnclaimed):
        services.contact_send(sender=user, to=[], subject="Hi", message="m", about=hub)

    assert not Membership.objects.filter(business=business).exists()


def test_notify_curators_stores_a_flag_and_says_exactly_that(client):
    hub = _unclaimed_hub()
    user = make_user()
    client.force_login(user)

    response = client.post(
        reverse("hubs:hub_notify", args=[hub.slug]), {"note": "I'd like to join."}, follow=True
    )

    flag = Flag.objects.get()
    assert (flag.hub, flag.reason, flag.note, flag.created_by) == (
        hub,
        Flag.Reason.UNCLAIMED,
        "I'd like to join.",
        user,
    )
    assert (
        f"We told the curators that you want to reach {hub.name}, which nobody runs on the site "
        "yet. No message was sent to the listing itself."
    ) in body(response)


def test_notify_curators_access_and_a_listing_that_is_run(client):
    owned = make_business()
    owned.owners.add(make_user())
    url = reverse("hubs:business_notify", args=[owned.slug])

    anonymous = client.post(url)
    client.force_login(make_user())
    get = client.get(url)
    run = client.post(url, {"note": ""}, follow=True)
    too_long = client.post(
        reverse("hubs:business_notify", args=[make_business().slug]), {"note": "x" * 2001}
    )

    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert get.status_code == 405
    assert f"{owned.name} is now run on the site" in body(run)
    assert too_long.status_code == 302
    assert Flag.objects.count() == 0


# The curators' side


def test_moderation_queue_lists_pending_claims(client, curator):
    business = make_business(name="Lonely Kites")
    _note_claim(make_user(email="jo@example.org"), business, role="Founder")
    client.force_login(curator)

    response = client.get(reverse("admin:hubs_moderation"))

    text = body(response)
    assert "Claims waiting for a decision (1)" in text
    assert "Lonely Kites" in text and "jo@example.org" in text and "Founder" in text


def test_curator_approves_a_claim_from_the_admin_after_confirming(client, curator):
    business = make_business()
    user = make_user()
    claim = _note_claim(user, business)
    client.force_login(curator)
    url = reverse("admin:hubs_claim_changelist")
    data = {"action": "approve_claims", ACTION: [claim.pk]}

    confirm = client.post(url, data)
    assert "are you sure?" in body(confirm)
    assert Claim.objects.get().status == "pending"
    client.post(url, {**data, "confirm": "yes"})

    claim.refresh_from_db()
    assert (claim.status, claim.decided_by) == ("approved", curator)
    assert list(business.owners.all()) == [user]


def test_curator_refuses_a_claim_from_the_admin_only_with_a_reason(client, curator):
    claim = _note_claim(make_user(), make_business())
    client.force_login(curator)
    url = reverse("admin:hubs_claim_changelist")
    data = {"action": "refuse_claims", ACTION: [claim.pk], "confirm": "yes"}

    without = client.post(url, data)
    assert "This field is required." in body(without)
    assert Claim.objects.get().status == "pending"
    client.post(url, {**data, "reason": "No proof."})

    claim.refresh_from_db()
    assert (claim.status, claim.reason) == ("refused", "No proof.")


def test_claims_admin_is_closed_to_non_staff(client):
    client.force_login(make_user())

    response = client.get(reverse("admin:hubs_claim_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_hub_whose_only_organizer_account_is_deleted_can_be_claimed_at_once(client):
    hub = make_hub(name="Harbour Makers")
    user = make_user()
    business = make_business(industry=hub.industry)
    business.owners.add(user)
    make_membership(hub=hub, business=business, role=Membership.Role.ORGANIZER)
    run = client.get(hub.get_absolute_url()).content.decode()  # Its shared parts are kept.

    user.delete()
    unclaimed = client.get(hub.get_absolute_url()).content.decode()

    assert "Claim this listing" not in run
    assert "Claim this listing" in unclaimed
    assert "Nobody runs this hub on the site yet" in unclaimed
