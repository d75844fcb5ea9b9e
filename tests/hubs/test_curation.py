"""Curators run the directory from the admin: moderation, flags, duplicates and merges,
imports and exports, history, roles and freshness."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from hubs import curation
from hubs.models import Flag, Hub, HubRedirect, Membership, Place
from tests.factories import (
    make_business,
    make_hub,
    make_industry,
    make_membership,
    make_user,
)

pytestmark = pytest.mark.django_db

ACTION = "_selected_action"


@pytest.fixture
def curator(client):
    user = make_user(is_staff=True)
    user.groups.add(Group.objects.get(name="Curators"))
    client.force_login(user)
    return user


def _organized_hub(**fields):
    hub = make_hub(**fields)
    owner = make_user(email=f"organizer-{hub.pk}@example.org")
    business = make_business(industry=hub.industry)
    business.owners.add(owner)
    make_membership(hub=hub, business=business, role=Membership.Role.ORGANIZER)
    hub.refresh_member_count()
    return hub


# Roles


def test_curators_group_can_edit_content_but_not_users_or_groups(client, curator):
    hub = make_hub()

    assert client.get(reverse("admin:hubs_hub_change", args=[hub.pk])).status_code == 200
    assert client.get(reverse("admin:hubs_business_changelist")).status_code == 200
    assert client.get(reverse("admin:hubs_hub_import")).status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert client.get(reverse("admin:accounts_user_add")).status_code == 403


def test_staff_without_permissions_gets_403_on_content(client):
    client.force_login(make_user(is_staff=True))

    response = client.get(reverse("admin:hubs_hub_changelist"))

    assert response.status_code == 403


def test_anonymous_is_sent_to_the_sites_login_from_the_admin(client):
    response = client.get(reverse("admin:hubs_hub_changelist"), follow=True)

    assert response.redirect_chain[-1][0].startswith("/accounts/login/?next=")


# Moderation


def test_reject_without_a_reason_shows_the_confirmation_page_and_changes_nothing(client, curator):
    hub = _organized_hub(status=Hub.Status.PENDING)

    response = client.post(
        reverse("admin:hubs_hub_changelist"),
        {"action": "reject_hubs", ACTION: [hub.pk], "confirm": "yes", "reason": ""},
    )

    hub.refresh_from_db()
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert hub.status == Hub.Status.PENDING
    assert mail.outbox == []


def test_reject_with_a_reason_emails_the_organizers(
    client, curator, django_capture_on_commit_callbacks
):
    hubs = [_organized_hub(status=Hub.Status.PENDING) for _ in range(2)]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:hubs_hub_changelist"),
            {
                "action": "reject_hubs",
                ACTION: [h.pk for h in hubs],
                "confirm": "yes",
                "reason": "Please describe what the hub does.",
            },
        )

    assert sorted(
        Hub.objects.filter(pk__in=[h.pk for h in hubs]).values_list("status", flat=True)
    ) == [
        "rejected",
        "rejected",
    ]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        f"organizer-{h.pk}@example.org" for h in hubs
    )
    assert "Their reason: Please describe what the hub does." in mail.outbox[0].body


def test_approve_asks_for_confirmation_first(client, curator, django_capture_on_commit_callbacks):
    hub = _organized_hub(status=Hub.Status.PENDING)
    url = reverse("admin:hubs_hub_changelist")

    first = client.post(url, {"action": "approve_hubs", ACTION: [hub.pk]})
    hub.refresh_from_db()
    assert first.status_code == 200 and hub.status == Hub.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "approve_hubs", ACTION: [hub.pk], "confirm": "yes"})

    hub.refresh_from_db()
    assert hub.status == Hub.Status.APPROVED
    assert [m.subject for m in mail.outbox] == [f"[Industry Hubs] {hub.name} is approved"]


def test_moderation_queue_lists_pending_hubs_and_open_flags(client, curator):
    pending = make_hub(name="Waiting Hub", status=Hub.Status.PENDING)
    flagged = make_hub(name="Flagged Hub")
    Flag.objects.create(hub=flagged, reason=Flag.Reason.CLOSED, created_by=make_user())
    Flag.objects.create(
        hub=flagged, reason=Flag.Reason.SPAM, resolved_at=timezone.now(), resolution="ok"
    )

    response = client.get(reverse("admin:hubs_moderation"))

    assert [h.name for h in response.context["pending"] if h.pk == pending.pk] == ["Waiting Hub"]
    assert [f.reason for f in response.context["flags"] if f.hub_id == flagged.pk] == ["closed"]


# Flags


def test_flag_by_anonymous_is_sent_to_log_in(client):
    hub = make_hub()

    response = client.post(reverse("hubs:hub_flag", args=[hub.slug]), {"reason": "closed"})

    assert response.status_code == 302
    assert Flag.objects.count() == 0


def test_signed_in_user_flags_a_business_and_a_curator_resolves_it(client, curator):
    business = make_business()
    reporter = make_user()
    client.force_login(reporter)
    client.post(
        reverse("hubs:business_flag", args=[business.slug]),
        {"reason": "closed", "note": "Shut last year."},
    )
    flag = Flag.objects.get(business=business)
    assert (flag.reason, flag.note, flag.created_by) == ("closed", "Shut last year.", reporter)

    client.force_login(curator)
    client.post(
        reverse("admin:hubs_flag_changelist"),
        {
            "action": "resolve_flags",
            ACTION: [flag.pk],
            "confirm": "yes",
            "resolution": "Removed the listing.",
        },
    )

    flag.refresh_from_db()
    assert (flag.resolved_by, flag.resolution) == (curator, "Removed the listing.")
    assert flag.resolved_at is not None


def test_flag_with_a_made_up_reason_is_rejected(client):
    hub = make_hub()
    client.force_login(make_user())

    response = client.post(reverse("hubs:hub_flag", args=[hub.slug]), {"reason": "stale"})

    assert "Select a valid choice." in response.content.decode()
    assert Flag.objects.count() == 0


# Duplicates and merges


def test_duplicate_hubs_pairs_similar_names_of_one_industry_nearby():
    industry = make_industry()
    older = make_hub(
        name="Tonga Canoe Builders", industry=industry, latitude=-21.1, longitude=-175.2
    )
    newer = make_hub(
        name="Tonga Canoe Builder", industry=industry, latitude=-21.15, longitude=-175.2
    )
    make_hub(name="Tonga Canoe Builders", latitude=-21.1, longitude=-175.2)  # Other industry.
    make_hub(name="Fiji Canoe Builders", industry=industry, latitude=-18.1, longitude=178.4)

    pairs = [
        (p.older, p.newer, p.reasons)
        for p in curation.duplicate_hubs()
        if p.older.industry_id == industry.pk
    ]

    assert pairs == [(older, newer, ["names 97% alike"])]


def test_merge_hubs_moves_everything_keeps_the_older_date_and_redirects(client, curator):
    industry = make_industry()
    older = make_hub(name="Canoe Builders", industry=industry)
    newer = make_hub(name="Canoe Builder", industry=industry, description="Boats.")
    Hub.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=400))
    shared = make_business()
    make_membership(hub=older, business=shared)
    make_membership(hub=newer, business=shared, role=Membership.Role.ORGANIZER)
    only_newer = make_membership(hub=newer)
    url = reverse("admin:hubs_hub_changelist")

    client.post(
        url,
        {
            "action": "merge_hubs",
            ACTION: [older.pk, newer.pk],
            "confirm": "yes",
            "survivor": newer.pk,
        },
    )

    assert not Hub.objects.filter(pk=older.pk).exists()
    newer.refresh_from_db()
    assert newer.created_at < timezone.now() - timedelta(days=399)
    assert sorted(newer.memberships.values_list("business_id", "role")) == sorted(
        [(shared.pk, "organizer"), (only_newer.business_id, "member")]
    )
    assert newer.member_count == 2
    assert newer.description == "Boats."
    response = client.get(f"/hubs/{older.slug}/")
    assert (response.status_code, response["Location"]) == (301, f"/hubs/{newer.slug}/")


def test_merge_hubs_is_all_or_nothing(monkeypatch):
    industry = make_industry()
    survivor = make_hub(industry=industry)
    duplicate = make_hub(industry=industry)
    membership = make_membership(hub=duplicate)

    def fail(*args, **kwargs):
        raise DatabaseError("connection lost")

    monkeypatch.setattr(HubRedirect.objects, "create", fail)
    with pytest.raises(DatabaseError):
        curation.merge_hubs(survivor=survivor, duplicate=duplicate)

    membership.refresh_from_db()
    assert Hub.objects.filter(pk=duplicate.pk).exists()
    assert membership.hub_id == duplicate.pk


def test_merge_businesses_keeps_owners_and_memberships_and_redirects(client):
    industry = make_industry()
    a, b = make_business(industry=industry), make_business(industry=industry)
    owner_a, owner_b = make_user(), make_user()
    a.owners.add(owner_a)
    b.owners.add(owner_b)
    hub = make_hub()
    make_membership(hub=hub, business=b)

    survivor = curation.merge_businesses(survivor=a, duplicate=b)

    assert set(survivor.owners.all()) == {owner_a, owner_b}
    assert list(hub.memberships.values_list("business_id", flat=True)) == [a.pk]
    response = client.get(f"/businesses/{b.slug}/")
    assert (response.status_code, response["Location"]) == (301, f"/businesses/{a.slug}/")


# Import and export


def test_import_command_checks_everything_and_saves_nothing_on_any_error(tmp_path):
    path = tmp_path / "hubs.csv"
    path.write_text(
        "name,industry,place,description\n"
        'Good Hub,339920,"Boise, ID",fine\n'
        'Unknown Industry Hub,999999,"Boise, ID",x\n'
        "Nowhere Hub,339920,Xqzzyville,x\n"
        'Formula Hub,339920,"Boise, ID","=HYPERLINK(""http://evil"",""x"")"\n'
        "Bad Point Hub,339920,,x\n",
        encoding="utf-8",
    )
    errors = io.StringIO()

    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_csv", "hubs", str(path), stderr=errors)

    assert not Hub.objects.filter(name__endswith=" Hub", region__name="Idaho").exists()
    assert not Hub.objects.filter(name="Good Hub").exists()
    report = errors.getvalue()
    assert "industry: Unknown industry '999999'." in report
    assert "We couldn't find the place “Xqzzyville”." in report
    assert "The description cell holds a formula, which is not allowed." in report
    assert "Enter a place, a postcode or a latitude, longitude." in report


def test_import_command_twice_updates_rather_than_duplicates(tmp_path):
    path = tmp_path / "hubs.csv"
    path.write_text(
        "name,industry,latitude,longitude,description\n"
        "Boise Gear Makers,339920,43.6150,-116.2023,First\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("import_csv", "hubs", str(path), stdout=out)
    path.write_text(path.read_text().replace("First", "Second"), encoding="utf-8")

    call_command("import_csv", "hubs", str(path), stdout=out)

    hub = Hub.objects.get(name="Boise Gear Makers")
    assert Hub.objects.filter(name="Boise Gear Makers").count() == 1
    assert (hub.description, hub.status, hub.region.name) == ("Second", "approved", "Idaho")
    assert out.getvalue().splitlines() == [
        "Imported hubs: 1 new, 0 updated, 0 unchanged, 0 rejected.",
        "Imported hubs: 0 new, 1 updated, 0 unchanged, 0 rejected.",
    ]


def test_import_command_dry_run_writes_nothing(tmp_path):
    path = tmp_path / "hubs.csv"
    path.write_text('name,industry,place\nBoise Gear Makers,339920,"Boise, ID"\n')

    out = io.StringIO()
    call_command("import_csv", "hubs", str(path), "--dry-run", stdout=out)

    boise = Place.objects.get(kind=Place.Kind.CITY, name="Boise", admin1="ID")
    assert out.getvalue().splitlines() == [
        f"row 2: Boise Gear Makers -> Boise, ID, region Idaho, US, population {boise.population:,}",
        "Would import hubs: 1 new, 0 updated, 0 unchanged, 0 rejected.",
    ]
    assert not Hub.objects.filter(name="Boise Gear Makers").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"title,code\nA,1\n", "Missing columns: industry, name."),
        (b"name,industry\nA,339920\n", "Give a place column, or latitude and longitude columns."),
        (
            b"name,industry,place\n" + b"".join(b"H%d,339920,Boise\n" % n for n in range(100_001)),
            "The file has 100,001 rows; import at most 5,000.",
        ),
    ],
)
def test_import_command_refuses_malformed_files_clearly(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    errors = io.StringIO()

    with pytest.raises(CommandError) as error:
        call_command("import_csv", "hubs", str(path), stderr=errors)

    assert message in str(error.value) + errors.getvalue()


def test_admin_import_of_a_malformed_file_shows_errors_not_a_500(client, curator):
    upload = io.BytesIO(b"\xff\xfe\x00garbage\x00\x00,,,\n")
    upload.name = "hubs.csv"

    response = client.post(
        reverse("admin:hubs_hub_import"), {"import_file": upload, "format": "0", "resource": "0"}
    )

    assert response.status_code == 200
    assert not Hub.objects.filter(name="garbage").exists()


def test_admin_export_escapes_formula_cells(client, curator):
    make_hub(name="=cmd|' /C calc'!A0", description='=HYPERLINK("http://evil")')

    response = client.post(
        reverse("admin:hubs_hub_export"),
        {"format": "0", "resource": "0", "hubresource_name": "on", "hubresource_description": "on"},
    )

    body = b"".join(response.streaming_content if response.streaming else [response.content])
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0] == "name,description"
    # A leading quote makes a spreadsheet show the cell as text (hubs.opendata.safe_cell).
    assert lines[1] == '\'=cmd|\' /C calc\'!A0,"\'=HYPERLINK(""http://evil"")"'
    assert not any(cell.startswith("=") for line in lines for cell in line.split(","))


# History


def test_hub_changes_are_recorded_and_the_old_version_can_be_restored(client, curator):
    hub = make_hub(description="Original")
    hub.description = "Vandalised"
    hub.save()
    original = hub.history.order_by("history_date").first()

    page = client.get(reverse("admin:hubs_hub_history", args=[hub.pk]))
    revert = client.get(
        reverse("admin:hubs_hub_simple_history", args=[hub.pk, original.history_id])
    )

    assert [h.description for h in hub.history.order_by("history_date")] == [
        "Original",
        "Vandalised",
    ]
    assert page.status_code == 200
    # The admin's revert page is the change form filled with the old version's values.
    assert revert.context["adminform"].form.initial["description"] == "Original"
    assert "Revert" in revert.content.decode()


# Freshness


def test_remind_stale_emails_once_then_flags_hubs_that_never_answer(
    settings, django_capture_on_commit_callbacks
):
    settings.FRESHNESS_REMIND_MONTHS = 12
    settings.FRESHNESS_FLAG_MONTHS = 3
    hub = _organized_hub()
    fresh = _organized_hub()
    long_ago = timezone.now() - timedelta(days=400)
    Hub.objects.filter(pk=hub.pk).update(created_at=long_ago)
    Hub.objects.filter(pk=fresh.pk).update(confirmed_at=timezone.now())
    out = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_stale", stdout=out, base_url="https://hubs.example.org")
        call_command("remind_stale", stdout=out, base_url="https://hubs.example.org")

    hub_mail = [m for m in mail.outbox if hub.name in m.subject]
    assert len(hub_mail) == 1
    link = next(
        w for w in hub_mail[0].body.split() if w.startswith("https://hubs.example.org/confirm/")
    )
    assert not Flag.objects.filter(hub=hub).exists()

    Hub.objects.filter(pk=hub.pk).update(reminded_at=timezone.now() - timedelta(days=100))
    call_command("remind_stale", stdout=out)
    assert list(Flag.objects.filter(hub=hub).values_list("reason", flat=True)) == ["stale"]
    assert Hub.objects.filter(pk=hub.pk).exists()
    assert not Flag.objects.filter(hub=fresh).exists()

    from django.test import Client

    Client().post(link.replace("https://hubs.example.org", ""))
    hub.refresh_from_db()
    assert hub.confirmed_at is not None


def test_confirm_link_with_a_forged_token_is_404(client):
    response = client.post("/confirm/not-a-token/")

    assert response.status_code == 404


def test_confirmed_date_shows_on_the_public_page(client):
    hub = make_hub()
    Hub.objects.filter(pk=hub.pk).update(
        confirmed_at=timezone.datetime(2026, 3, 4, tzinfo=timezone.UTC)
    )

    response = client.get(hub.get_absolute_url())

    assert "confirmed by its organizers on 4 March 2026" in response.content.decode()


def test_merge_hubs_moves_news_updates_and_the_cover_image(settings, tmp_path):
    from django.core.files.base import ContentFile

    from hubs.models import Update

    settings.MEDIA_ROOT = tmp_path
    industry = make_industry()
    survivor = make_hub(industry=industry)
    duplicate = make_hub(industry=industry)
    duplicate.cover_image.save("cover.png", ContentFile(b"png bytes"))
    Update.objects.create(hub=duplicate, title="We met", body="Twelve came.")
    Update.objects.create(hub=survivor, title="Welcome", body="Hello.")

    curation.merge_hubs(survivor=survivor, duplicate=duplicate)

    survivor.refresh_from_db()
    assert sorted(survivor.updates.values_list("title", flat=True)) == ["We met", "Welcome"]
    assert survivor.cover_image.name == "hubs/covers/cover.png"
    assert survivor.cover_image.read() == b"png bytes"


def test_merge_hubs_keeps_the_survivors_own_cover_image(settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    industry = make_industry()
    survivor = make_hub(industry=industry)
    duplicate = make_hub(industry=industry)
    survivor.cover_image.save("mine.png", ContentFile(b"mine"))
    duplicate.cover_image.save("theirs.png", ContentFile(b"theirs"))

    curation.merge_hubs(survivor=survivor, duplicate=duplicate)

    survivor.refresh_from_db()
    assert survivor.cover_image.name == "hubs/covers/mine.png"


def test_merge_businesses_moves_the_logo(settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    survivor = make_business()
    duplicate = make_business(industry=survivor.industry)
    duplicate.logo.save("logo.png", ContentFile(b"logo bytes"))

    curation.merge_businesses(survivor=survivor, duplicate=duplicate)

    survivor.refresh_from_db()
    assert survivor.logo.name == "businesses/logos/logo.png"
    assert survivor.logo.read() == b"logo bytes"


def test_every_content_model_is_in_the_admin_and_the_curators_group():
    from django.apps import apps
    from django.contrib import admin
    from django.contrib.auth.models import Permission

    models = [
        m
        for m in apps.get_app_config("hubs").get_models()
        if m._meta.model_name not in curation.NOT_CURATED
    ]
    content = [m for m in models if not m._meta.model_name.startswith("historical")]
    granted = set(
        Group.objects.get(name="Curators").permissions.values_list(
            "content_type__model", "codename"
        )
    )

    assert [m.__name__ for m in content if m not in admin.site._registry] == []
    assert granted == set(
        Permission.objects.filter(content_type__model__in=[m._meta.model_name for m in models])
        .filter(content_type__app_label="hubs")
        .values_list("content_type__model", "codename")
    ) | {("dbtaskresult", "view_dbtaskresult"), ("dbtaskresult", "change_dbtaskresult")}
    assert ("update", "delete_update") in granted
    assert ("placename", "change_placename") not in granted


def test_migrate_restores_the_curators_permissions(django_db_blocker):
    from django.contrib.auth.models import Permission
    from django.core.management import call_command

    curators = Group.objects.get(name="Curators")
    before = set(curators.permissions.all())
    curators.permissions.remove(Permission.objects.get(codename="change_hub"))

    call_command("migrate", verbosity=0)

    assert set(curators.permissions.all()) == before


def test_curator_can_take_a_hub_update_down(client, curator):
    from hubs.models import Update

    update = Update.objects.create(hub=make_hub(), title="Buy pills", body="Spam.")

    response = client.post(reverse("admin:hubs_update_delete", args=[update.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Update.objects.filter(pk=update.pk).exists()
