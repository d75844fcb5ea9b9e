"""The curators' admin: every page renders for a superuser, and only staff get in."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hubs.models import (
    Business,
    BusinessRedirect,
    CalendarFeed,
    Claim,
    Flag,
    Hub,
    HubRedirect,
    Industry,
    Interest,
    Invitation,
    Meeting,
    MeetingSeries,
    Membership,
    Mention,
    OutgoingMail,
    Partner,
    Place,
    Resource,
    Rsvp,
    ScheduledRun,
    UnmatchedIndustryText,
    Update,
)
from tests.factories import make_business, make_hub, make_user
from tests.rendered import body

pytestmark = pytest.mark.django_db

MODELS = list(admin.site._registry)
READ_ONLY = {
    UnmatchedIndustryText,
    OutgoingMail,
    ScheduledRun,
    DBTaskResult,
    Claim,
    Invitation,
    CalendarFeed,
}
MODEL_IDS = [model._meta.label for model in MODELS]

# Columns curators rely on; a changelist may show more.
CORE_COLUMNS = {
    "accounts.User": ["username", "email", "is_staff"],
    "hubs.Industry": ["code", "title", "parent"],
    "hubs.Region": ["name", "kind", "code", "parent"],
    "hubs.Place": ["name", "kind", "admin1", "country", "population"],
    "hubs.Hub": ["name", "industry_code", "region", "stage", "member_count", "status"],
    "hubs.Business": ["name", "industry_code", "city", "region"],
    "hubs.Membership": ["business", "hub", "role", "state"],
    "hubs.Resource": ["name", "kind", "city", "region"],
}


def _demo_hub():
    return Hub.objects.get(name="Ogden Outdoor Products")


def _demo_business():
    return Business.objects.filter(memberships__hub__name="Ogden Outdoor Products").first()


# Rows for models the demo data has none of, so their change pages can be opened.
MAKERS = {
    "hubs.UnmatchedIndustryText": lambda: UnmatchedIndustryText.objects.create(text="widgetry"),
    "auth.Group": lambda: Group.objects.get_or_create(name="Test Curators")[0],
    "hubs.Partner": lambda: Partner.objects.create(
        hub=_demo_hub(), resource=Resource.objects.order_by("pk").first(), note="Hosts meetings"
    ),
    "hubs.Mention": lambda: Mention.objects.create(
        hub=_demo_hub(), title="Outdoor makers thrive", url="https://news.example.org/ogden"
    ),
    "hubs.Interest": lambda: Interest.objects.create(
        business=_demo_business(), industry=Industry.objects.get(code="336991")
    ),
    "hubs.HubRedirect": lambda: HubRedirect.objects.create(old_slug="old-ogden", hub=_demo_hub()),
    "hubs.BusinessRedirect": lambda: BusinessRedirect.objects.create(
        old_slug="old-business", business=_demo_business()
    ),
    "hubs.Flag": lambda: Flag.objects.create(hub=_demo_hub(), reason="wrong", note="Moved."),
    "hubs.Invitation": lambda: Invitation.objects.create(
        hub=_demo_hub(), business=_demo_business(), message="Join us."
    ),
    "hubs.Claim": lambda: Claim.objects.create(
        claimant=make_user(),
        hub=_demo_hub(),
        organizing_business=_demo_business(),
        role="Founder",
        verification=Claim.Verification.NOTE,
        note="Call the number on our website.",
    ),
    "hubs.Update": lambda: Update.objects.create(
        hub=_demo_hub(), title="Spring meet-up", body="Twelve makers came."
    ),
    "hubs.OutgoingMail": lambda: OutgoingMail.objects.create(
        key="k1", subject="Hello", body="Hi.", from_email="hi@example.org", to=["a@example.org"]
    ),
    "hubs.ScheduledRun": lambda: ScheduledRun.objects.create(
        name="sweep_mail", last_enqueued_at=timezone.now()
    ),
    "django_tasks_database.DBTaskResult": lambda: DBTaskResult.objects.create(
        task_path="hubs.mailing.deliver_mail",
        args_kwargs={"args": ["k1"], "kwargs": {}},
        backend_name="default",
        run_after=None,  # django-tasks-db's "as soon as possible"
    ),
}


def _meeting():
    return Meeting.objects.create(
        hub=_demo_hub(),
        title="Spring meet-up",
        starts_at=timezone.now() + timezone.timedelta(days=3),
        ends_at=timezone.now() + timezone.timedelta(days=3, hours=2),
        address="Union Station, Ogden",
    )


MAKERS |= {
    "hubs.Meeting": _meeting,
    "hubs.MeetingSeries": lambda: MeetingSeries.objects.create(
        hub=_demo_hub(),
        title="Second Tuesdays",
        frequency="monthly",
        weekday=1,
        week_of_month=2,
        local_time="19:00",
        duration_minutes=120,
    ),
    "hubs.Rsvp": lambda: Rsvp.objects.create(meeting=_meeting(), user=make_user(), answer="yes"),
    "hubs.CalendarFeed": lambda: CalendarFeed.objects.create(user=make_user()),
}


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def an_object_of(model, superuser):
    label = model._meta.label
    if label in MAKERS:
        return MAKERS[label]()
    if model is type(superuser):
        return superuser
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"Add a maker for {label} to MAKERS."
    return obj


@pytest.fixture
def curator_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.mark.parametrize("model", MODELS, ids=MODEL_IDS)
def test_admin_changelist_renders_its_columns(curator_client, superuser, model):
    an_object_of(model, superuser)  # A changelist without rows shows no columns.

    response = curator_client.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    columns = re.findall(r'<th scope="col" class="[^"]*\bcolumn-(\w+)', body(response))
    model_admin = admin.site._registry[model]
    assert columns == [name for name in model_admin.list_display if name != "action_checkbox"]
    core = CORE_COLUMNS.get(model._meta.label, [])
    assert [name for name in columns if name in core] == core


@pytest.mark.parametrize("model", MODELS, ids=MODEL_IDS)
def test_admin_add_page_renders(curator_client, model):
    response = curator_client.get(admin_url(model, "add"))
    if model in READ_ONLY:  # rows the site records itself: curators read, never add
        assert response.status_code == 403
        return

    assert response.status_code == 200
    assert f"Add {model._meta.verbose_name}" in body(response)
    assert f'method="post" id="{model._meta.model_name}_form"' in body(response)


@pytest.mark.parametrize("model", MODELS, ids=MODEL_IDS)
def test_admin_change_page_renders(curator_client, superuser, model):
    obj = an_object_of(model, superuser)

    response = curator_client.get(admin_url(model, "change", obj.pk))

    assert response.status_code == 200
    assert f"Change {model._meta.verbose_name}" in body(response)
    assert str(obj) in body(response)


def test_admin_hub_changelist_counts_every_hub(curator_client):
    make_hub(name="Pending Curation", status=Hub.Status.PENDING)

    response = curator_client.get(admin_url(Hub, "changelist"), {"status__exact": "pending"})

    rows = re.findall(r'<th class="field-name"><a href="[^"]*">(.*?)</a>', body(response))
    assert rows == ["Pending Curation"]


def test_admin_place_search_finds_a_zip_code_exactly(curator_client):
    response = curator_client.get(admin_url(Place, "changelist"), {"q": "84401"})

    rows = re.findall(r'<th class="field-name"><a href="[^"]*">(.*?)</a>', body(response))
    assert rows == ["Ogden"]


def test_admin_membership_added_by_a_curator_updates_the_hub_count(curator_client):
    hub = make_hub()
    business = make_business(industry=hub.industry)

    response = curator_client.post(
        admin_url(Membership, "add"),
        {
            "business": business.pk,
            "hub": hub.pk,
            "role": "member",
            "state": "active",
            "connections": "[]",
        },
    )

    assert response.status_code == 302
    hub.refresh_from_db()
    assert hub.member_count == 1
    assert list(hub.memberships.values_list("business", "state")) == [(business.pk, "active")]


@pytest.mark.parametrize("model", MODELS, ids=MODEL_IDS)
def test_admin_sends_a_non_staff_user_to_the_login(client, model):
    client.force_login(make_user())
    url = admin_url(model, "changelist")

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={url}"


def test_admin_sends_an_anonymous_visitor_to_the_login(client):
    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={reverse('admin:index')}"
