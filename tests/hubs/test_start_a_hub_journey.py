"""Someone with no account and no business follows "Start a hub here": the industry and place go
with them through sign-up and "list your business" and back to starting the hub. An organizer
whose hub was rejected edits it and sends it again."""

import re
from urllib.parse import quote

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from accounts.models import User
from hubs.models import Business, Hub, Membership
from tests.factories import make_business, make_hub, make_membership, make_user

pytestmark = pytest.mark.django_db

PASSPHRASE = "a long passphrase that is easy to remember"
INDUSTRY = "Sporting and Athletic Goods Manufacturing"
START = f"/start-a-hub/?industry={quote(INDUSTRY)}&near=Provo%2C+UT"


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()


def test_start_a_hub_carries_industry_and_place_through_sign_up_and_listing(
    client, django_capture_on_commit_callbacks
):
    # Not signed in: log in first, with the way back.
    response = client.get(START)
    login = f"/accounts/login/?next={quote(START, safe='/')}"
    assert response["Location"] == login

    # The log-in page's sign-up link keeps it; sign-up and confirming the email lead back.
    signup_url = client.get(login).context["signup_url"]
    assert signup_url == f"/accounts/signup/?next={quote(START, safe='')}"
    with django_capture_on_commit_callbacks(execute=True):  # Mail leaves the outbox on commit.
        response = client.post(
            signup_url,
            {"email": "new@example.org", "password1": PASSPHRASE, "password2": PASSPHRASE},
        )
    assert response["Location"] == "/accounts/confirm-email/"
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mail.outbox[0].body)[1]
    assert client.post(link)["Location"] == START

    # No business yet: the page links to listing one, with the hub's industry and place.
    page = client.get(START).content.decode()
    list_url = (
        "/list-your-business/?industry=Sporting+and+Athletic+Goods+Manufacturing"
        f"&amp;near=Provo%2C+UT&amp;next={quote(START, safe='')}"
    )
    assert f'<a href="{list_url}">list your business</a>' in page

    form_page = client.get(list_url.replace("&amp;", "&"))
    form = form_page.context["form"]
    assert (form["industry"].value(), form["place_text"].value()) == (INDUSTRY, "Provo, UT")
    assert f'<input type="hidden" name="next" value="{START.replace("&", "&amp;")}">' in (
        form_page.content.decode()
    )

    response = client.post(
        list_url.replace("&amp;", "&"),
        {
            "name": "Wasatch Ski Works",
            "industry": INDUSTRY,
            "place_text": "Provo, UT",
            "description": "Hand-built skis.",
            "next": START,
        },
    )
    business = Business.objects.get(name="Wasatch Ski Works")
    assert list(business.owners.values_list("email", flat=True)) == ["new@example.org"]
    assert response["Location"] == START

    # Back at the start, everything is filled in: the industry, the place, the business.
    form = client.get(START).context["form"]
    assert (form["industry"].value(), form["place_text"].value(), form["business"].value()) == (
        INDUSTRY,
        "Provo, UT",
        business.pk,
    )


def test_list_your_business_never_follows_a_next_to_another_site(client):
    client.force_login(make_user())

    response = client.post(
        reverse("hubs:business_create"),
        {
            "name": "Wasatch Ski Works",
            "industry": INDUSTRY,
            "place_text": "Provo, UT",
            "next": "https://evil.example.com/",
        },
    )

    assert response["Location"] == "/businesses/wasatch-ski-works/"


def test_list_your_business_without_next_goes_to_the_business_page(client):
    client.force_login(make_user())

    page = client.get(reverse("hubs:business_create")).content.decode()
    response = client.post(
        reverse("hubs:business_create"),
        {"name": "Wasatch Ski Works", "industry": INDUSTRY, "place_text": "Provo, UT"},
    )

    assert 'name="next"' not in page
    assert response["Location"] == "/businesses/wasatch-ski-works/"


# Sending a rejected hub again


def _rejected_hub(organizer):
    hub = make_hub(status=Hub.Status.REJECTED, status_reason="Say what the hub does.")
    business = make_business(industry=hub.industry)
    business.owners.add(organizer)
    make_membership(hub=hub, business=business, role=Membership.Role.ORGANIZER)
    return hub


def test_rejected_hub_edited_and_sent_again_is_back_in_the_curators_queue(client, superuser):
    organizer = make_user()
    hub = _rejected_hub(organizer)
    client.force_login(organizer)
    manage = reverse("hubs:hub_manage", args=[hub.slug])

    page = client.get(manage).content.decode()
    client.post(manage, {"description": "Ski makers of the Wasatch front, meeting monthly."})
    response = client.post(reverse("hubs:hub_resubmit", args=[hub.slug]), follow=True)

    assert f'action="/hubs/{hub.slug}/resubmit/"' in page
    hub.refresh_from_db()
    assert (hub.status, hub.status_reason, hub.description) == (
        Hub.Status.PENDING,
        "",
        "Ski makers of the Wasatch front, meeting monthly.",
    )
    assert [str(m) for m in response.context["messages"]] == [
        "The hub's page is updated.",
        f"{hub.name} is sent to the curators for review again.",
    ]
    client.force_login(superuser)
    queue = client.get(reverse("admin:hubs_moderation"))
    assert hub in list(queue.context["pending"])


@pytest.mark.parametrize(("who", "status"), [("member", 403), ("other", 404), ("staff", 404)])
def test_hub_resubmit_by_others_is_refused_and_changes_nothing(client, who, status):
    hub = _rejected_hub(make_user())
    user = make_user(is_staff=(who == "staff"))
    if who == "member":
        business = make_business()
        business.owners.add(user)
        make_membership(hub=hub, business=business)
    client.force_login(user)

    response = client.post(reverse("hubs:hub_resubmit", args=[hub.slug]))

    assert response.status_code == status
    hub.refresh_from_db()
    assert (hub.status, hub.status_reason) == (Hub.Status.REJECTED, "Say what the hub does.")


def test_hub_resubmit_anonymous_is_sent_to_log_in_and_get_is_not_allowed(client):
    hub = _rejected_hub(make_user())
    url = reverse("hubs:hub_resubmit", args=[hub.slug])

    anonymous = client.post(url)
    client.force_login(User.objects.get(businesses__memberships__hub=hub))
    get = client.get(url)

    assert anonymous["Location"] == f"/accounts/login/?next={url}"
    assert get.status_code == 405
    hub.refresh_from_db()
    assert hub.status == Hub.Status.REJECTED


@pytest.mark.parametrize("status", [Hub.Status.APPROVED, Hub.Status.PENDING])
def test_hub_resubmit_of_a_hub_not_rejected_is_refused(client, status):
    organizer = make_user()
    hub = _rejected_hub(organizer)
    Hub.objects.filter(pk=hub.pk).update(status=status)
    client.force_login(organizer)

    response = client.post(reverse("hubs:hub_resubmit", args=[hub.slug]), follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "Only a hub the curators did not approve can be sent again."
    ]
    hub.refresh_from_db()
    assert hub.status == status
