"""Curators and duplicates: the moderation queue warns of an approved hub nearby, visitors flag
a hub as a duplicate of another, the merge page compares both rows, and the duplicate list says
why a pair was matched. Each page is tried as anonymous, a signed-in user and a curator."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from hubs.models import Flag, Hub
from tests.factories import make_business, make_hub, make_industry, make_user

pytestmark = pytest.mark.django_db

ACTION = "_selected_action"
QUEUE = reverse("admin:hubs_moderation")
NOT_A_CHOICE = "Select a valid choice. That choice is not one of the available choices."


@pytest.fixture
def curator():
    user = make_user(is_staff=True)
    user.groups.add(Group.objects.get(name="Curators"))
    return user


@pytest.fixture
def canoes():
    """An approved canoe hub, a pending one 12 km north of it, and a pending one far away."""
    industry = make_industry(title="Canoe Building")
    approved = make_hub(name="Nuku Canoe Guild", industry=industry, latitude=-45.0, longitude=-140)
    near = make_hub(
        name="Nuku Canoe Makers",
        industry=industry,
        status=Hub.Status.PENDING,
        latitude=-44.892,
        longitude=-140,
    )
    far = make_hub(
        name="Far Canoe Makers",
        industry=industry,
        status=Hub.Status.PENDING,
        latitude=-40.0,
        longitude=-140,
    )
    return approved, near, far


def _admin_login_redirect(url):
    return f"{reverse('admin:login')}?next={url}"


# The moderation queue


def test_moderation_queue_warns_of_an_approved_hub_of_the_industry_nearby(client, curator, canoes):
    approved, near, far = canoes
    make_hub(industry=make_industry(), status=Hub.Status.PENDING, latitude=-45.0, longitude=-140)
    client.force_login(curator)

    response = client.get(QUEUE)

    warnings = {hub.name: hub.approved_nearby for hub in response.context["pending"]}
    assert [(h.name, round(km, 1)) for h, km in warnings["Nuku Canoe Makers"]] == [
        ("Nuku Canoe Guild", 12.0)
    ]
    assert warnings["Far Canoe Makers"] == []
    page = response.content.decode()
    assert (
        "<strong>Near an approved hub of the same industry:</strong>\n        "
        f'<a href="/admin/hubs/hub/{approved.pk}/change/">Nuku Canoe Guild</a> (12.0 km away).'
    ) in page
    assert page.count("Near an approved hub of the same industry") == 1


@pytest.mark.parametrize("who", ["anonymous", "user"])
def test_moderation_queue_is_for_curators_only(client, who):
    if who == "user":
        client.force_login(make_user())

    response = client.get(QUEUE)

    assert response["Location"] == _admin_login_redirect(QUEUE)


# Flagging a hub as a duplicate


def _flag_url(hub):
    return reverse("hubs:hub_flag", args=[hub.slug])


def test_visitor_flags_a_hub_as_a_duplicate_of_another_and_curators_see_it(client, curator, canoes):
    approved, _, _ = canoes
    copy = make_hub(name="Nuku Canoe Guild 2", industry=approved.industry, latitude=-45.01)
    reporter = make_user()
    client.force_login(reporter)

    form = client.get(_flag_url(copy)).context["form"]
    response = client.post(
        _flag_url(copy),
        {"reason": "duplicate", "duplicate_of": approved.pk, "note": "Same people."},
    )

    assert list(form.fields["duplicate_of"].queryset) == [approved]
    assert response["Location"] == copy.get_absolute_url()
    flag = Flag.objects.get(hub=copy)
    assert (flag.reason, flag.duplicate_of, flag.note, flag.created_by) == (
        "duplicate",
        approved,
        "Same people.",
        reporter,
    )
    client.force_login(curator)
    assert (
        f'A duplicate of another hub: <a href="/admin/hubs/hub/{approved.pk}/change/">'
        "Nuku Canoe Guild</a>"
    ) in client.get(QUEUE).content.decode()


@pytest.mark.parametrize(
    ("target", "error"),
    [
        ("none", "Choose the hub this one duplicates."),
        ("itself", "Select a valid choice. That choice is not one of the available choices."),
        (
            "other industry",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
    ],
)
def test_duplicate_flag_needs_an_approved_hub_of_the_industry(client, canoes, target, error):
    approved, _, _ = canoes
    chosen = {
        "none": "",
        "itself": approved.pk,
        "other industry": make_hub(latitude=-45.0, longitude=-140).pk,
    }[target]
    client.force_login(make_user())

    response = client.post(_flag_url(approved), {"reason": "duplicate", "duplicate_of": chosen})

    assert response.status_code == 200
    assert response.context["form"].errors == {"duplicate_of": [error]}
    assert not Flag.objects.filter(hub=approved).exists()


def test_another_reason_drops_a_duplicate_target(client, canoes):
    approved, _, _ = canoes
    copy = make_hub(industry=approved.industry, latitude=-45.01, longitude=-140)
    client.force_login(make_user())

    client.post(_flag_url(copy), {"reason": "closed", "duplicate_of": approved.pk})

    assert list(Flag.objects.filter(hub=copy).values_list("reason", "duplicate_of")) == [
        ("closed", None)
    ]


def test_duplicate_flag_by_anonymous_is_sent_to_log_in(client, canoes):
    approved, _, _ = canoes
    copy = make_hub(industry=approved.industry, latitude=-45.01, longitude=-140)

    response = client.post(_flag_url(copy), {"reason": "duplicate", "duplicate_of": approved.pk})

    assert response["Location"] == f"/accounts/login/?next={_flag_url(copy)}"
    assert not Flag.objects.exists()


def test_duplicate_flags_are_rate_limited_like_other_flags(client, canoes):
    approved, _, _ = canoes
    copy = make_hub(industry=approved.industry, latitude=-45.01, longitude=-140)
    client.force_login(make_user())

    for n in range(11):
        last = client.post(
            _flag_url(copy),
            {"reason": "duplicate", "duplicate_of": approved.pk, "note": f"report {n}"},
        )

    assert "You have sent many reports recently; please try again later." in (last.content.decode())
    assert Flag.objects.filter(hub=copy, duplicate_of=approved).count() == 10


def test_a_business_cannot_be_flagged_as_a_duplicate_hub(client):
    business = make_business()
    client.force_login(make_user())

    response = client.post(
        reverse("hubs:business_flag", args=[business.slug]), {"reason": "duplicate"}
    )

    assert list(response.context["form"].errors) == ["reason"]
    assert not Flag.objects.exists()


# The merge page


def test_merge_page_shows_both_hubs_fields_side_by_side(client, curator, canoes):
    approved, near, _ = canoes
    Hub.objects.filter(pk=near.pk).update(website="https://canoes.example.org", founded_year=2020)
    client.force_login(curator)

    response = client.post(
        reverse("admin:hubs_hub_changelist"),
        {"action": "merge_hubs", ACTION: [approved.pk, near.pk]},
    )

    rows = {label: (values, differs) for label, values, differs in response.context["comparison"]}
    assert rows["Name"] == (["Nuku Canoe Guild", "Nuku Canoe Makers"], True)
    assert rows["Industry"] == ([str(approved.industry)] * 2, False)
    assert rows["Status"] == (["Approved", "Pending review"], True)
    assert rows["Website"] == (["—", "https://canoes.example.org"], True)
    assert rows["Founded year"] == (["—", "2020"], True)
    page = response.content.decode()
    assert '<th scope="row">Website <span title="The two differ">≠</span></th>' in page
    assert "<td>https://canoes.example.org</td>" in page
    assert Hub.objects.filter(pk__in=[approved.pk, near.pk]).count() == 2


@pytest.mark.parametrize("who", ["anonymous", "user"])
def test_merge_page_is_for_curators_only(client, canoes, who):
    approved, near, _ = canoes
    if who == "user":
        client.force_login(make_user())
    url = reverse("admin:hubs_hub_changelist")

    response = client.post(url, {"action": "merge_hubs", ACTION: [approved.pk, near.pk]})

    assert response["Location"] == _admin_login_redirect(url)
    assert Hub.objects.filter(pk__in=[approved.pk, near.pk]).count() == 2


# The business duplicate list


def test_business_duplicate_list_says_why_and_skips_unrelated_names(client, curator):
    industry = make_industry()
    at = {"industry": industry, "latitude": -45.0, "longitude": -140.0, "city": "Nuku"}
    ski = make_business(name="Wasatch Ski Works", website="https://wasatchski.com", **at)
    ski_inc = make_business(name="Wasatch Ski Works, Inc.", **at)
    shop = make_business(  # Of another industry: a shared domain is enough.
        name="Beehive Skis",
        website="https://www.wasatchski.com/shop",
        latitude=-45.0,
        longitude=-140.0,
        city="Nuku",
    )
    make_business(name="Cedar Automobile Manufacturing", **at)
    make_business(name="Cedar Automobile Works", **at)
    make_business(name="Foundry", **at)
    client.force_login(curator)

    response = client.get(reverse("admin:hubs_business_duplicates"))

    ours = {ski.pk, ski_inc.pk, shop.pk}
    shown = [
        (p.older.name, p.newer.name, p.reasons)
        for p in response.context["pairs"]
        if p.older.pk in ours or p.newer.pk in ours
    ]
    assert shown == [
        ("Wasatch Ski Works", "Wasatch Ski Works, Inc.", ["names 100% alike"]),
        ("Wasatch Ski Works", "Beehive Skis", ["same web domain (wasatchski.com)"]),
    ]
    names = {(p.older.name, p.newer.name) for p in response.context["pairs"]}
    assert ("Cedar Automobile Manufacturing", "Cedar Automobile Works") not in names
    assert "<td>same web domain (wasatchski.com)</td>" in response.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "user"])
def test_business_duplicate_list_is_for_curators_only(client, who):
    if who == "user":
        client.force_login(make_user())
    url = reverse("admin:hubs_business_duplicates")

    response = client.get(url)

    assert response["Location"] == _admin_login_redirect(url)
