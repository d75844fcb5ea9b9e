"""The admin's CSV import with "skip invalid rows": who may use it, the good rows imported, the
rejected rows handed back as the command's CSV, all or nothing without the box, hostile files."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import reverse

from hubs.models import Hub, Place
from tests.factories import make_user

pytestmark = pytest.mark.django_db

MIXED = (
    "name,industry,place\n"
    "Good One,339920,Boise ID\n"
    "Bad Industry,999999,Boise ID\n"
    "Good Two,339920,Ogden UT\n"
    "Nowhere,339920,Xqzzyville\n"
)
IMPORT_URL = reverse("admin:hubs_hub_import")
PROCESS_URL = reverse("admin:hubs_hub_process_import")


def _curator(**fields):
    user = make_user(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name="Curators"))
    return user


@pytest.fixture
def curator(client):
    user = _curator()
    client.force_login(user)
    return user


def _upload(client, content, *, skip_invalid):
    upload = io.BytesIO(content if isinstance(content, bytes) else content.encode("utf-8"))
    upload.name = "hubs.csv"
    data = {"import_file": upload, "format": "0", "resource": "0"}
    if skip_invalid:
        data["skip_invalid"] = "on"
    return client.post(IMPORT_URL, data)


def _confirm(client, response):
    return client.post(PROCESS_URL, response.context["confirm_form"].initial)


def test_import_page_offers_the_skip_invalid_box_to_a_curator(client, curator):
    response = client.get(IMPORT_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert (
        '<input type="checkbox" name="skip_invalid" aria-describedby="id_skip_invalid_helptext" '
        'id="id_skip_invalid">'
    ) in html
    assert '<label for="id_skip_invalid">Skip invalid rows:</label>' in html


@pytest.mark.parametrize("who", ["anonymous", "not staff"])
def test_import_sends_anonymous_and_non_staff_people_to_the_login(client, who):
    if who == "not staff":
        client.force_login(make_user())

    page = client.get(IMPORT_URL)
    posted = _upload(client, MIXED, skip_invalid=True)

    login = f"{reverse('admin:login')}?next={IMPORT_URL}"
    assert (page.status_code, page["Location"]) == (302, login)
    assert (posted.status_code, posted["Location"]) == (302, login)
    assert not Hub.objects.filter(name__in=["Good One", "Good Two"]).exists()


def test_skip_invalid_speaks_of_one_rejected_row_in_the_singular(client, curator):
    content = "name,industry,place\nGood One,339920,Boise ID\nNowhere,339920,Xqzzyville\n"

    dry_run = _upload(client, content, skip_invalid=True)
    imported = _confirm(client, dry_run)

    assert dry_run.context["skip_summary"] == (
        "1 of 2 rows is invalid and will be left out; the other 1 will be imported. "
        "After the import you can download the rejected rows with the reasons."
    )
    link = reverse("admin:hubs_hub_import_rejected", args=[client.session["rejected_imports"][-1]])
    assert [str(message) for message in get_messages(imported.wsgi_request)][-1] == (
        f'1 row was invalid and not imported: <a href="{link}">download it with the '
        "reasons (CSV)</a>."
    )


def test_import_is_forbidden_to_staff_without_the_permission(client):
    client.force_login(make_user(is_staff=True))

    response = _upload(client, MIXED, skip_invalid=True)

    assert response.status_code == 403
    assert not Hub.objects.filter(name__in=["Good One", "Good Two"]).exists()


def test_skip_invalid_imports_the_good_rows_and_hands_back_the_rejected_ones(client, curator):
    dry_run = _upload(client, MIXED, skip_invalid=True)

    assert dry_run.context["skip_summary"] == (
        "2 of 4 rows are invalid and will be left out; the other 2 will be imported. "
        "After the import you can download the rejected rows with the reasons."
    )
    assert dry_run.context["confirm_form"].initial["skip_invalid"] is True
    assert not Hub.objects.filter(name__in=["Good One", "Good Two"]).exists()

    imported = _confirm(client, dry_run)

    assert imported.status_code == 302
    assert sorted(
        Hub.objects.filter(
            name__in=["Good One", "Good Two", "Bad Industry", "Nowhere"]
        ).values_list("name", "region__name", "status")
    ) == [("Good One", "Idaho", "approved"), ("Good Two", "Ogden-Clearfield, UT", "approved")]
    # The history the import writes in bulk names the curator, as a save one by one would.
    assert list(
        Hub.history.filter(name="Good One").values_list("history_type", "history_user")
    ) == [("+", curator.pk)]
    notes = [str(message) for message in get_messages(imported.wsgi_request)]
    name = client.session["rejected_imports"][-1]
    link = reverse("admin:hubs_hub_import_rejected", args=[name])
    assert notes == [
        "Import finished: 2 new, 0 updated, 0 deleted and 0 skipped hubs.",
        f'2 rows were invalid and not imported: <a href="{link}">download them with the '
        "reasons (CSV)</a>.",
    ]

    download = client.get(link)

    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert download["Content-Disposition"] == 'attachment; filename="hub-rejected-rows.csv"'
    assert list(csv.reader(io.StringIO(download.content.decode("utf-8")))) == [
        ["row", "reason", "name", "industry", "place", "slug"],
        ["3", "industry: Unknown industry '999999'.", "Bad Industry", "999999", "Boise ID", ""],
        [
            "5",
            "Place: We couldn't find the place “Xqzzyville”.",
            "Nowhere",
            "339920",
            "Xqzzyville",
            "",
        ],
    ]


def test_rejected_rows_are_only_for_the_curator_who_imported_them(client, curator):
    dry_run = _upload(client, MIXED, skip_invalid=True)
    _confirm(client, dry_run)
    link = reverse("admin:hubs_hub_import_rejected", args=[client.session["rejected_imports"][-1]])

    client.force_login(_curator())
    other_curator = client.get(link)
    client.logout()
    anonymous = client.get(link)

    assert other_curator.status_code == 404
    assert (anonymous.status_code, anonymous["Location"]) == (
        302,
        f"{reverse('admin:login')}?next={link}",
    )


def test_without_the_box_one_bad_row_imports_nothing(client, curator):
    response = _upload(client, MIXED, skip_invalid=False)

    assert response.status_code == 200
    assert "confirm_form" not in response.context
    assert "skip_summary" not in response.context
    assert response.context["rejected"] == {
        3: "industry: Unknown industry '999999'.",
        5: "Place: We couldn't find the place “Xqzzyville”.",
    }
    assert "<li>Row 3: industry: Unknown industry &#x27;999999&#x27;.</li>" in (
        response.content.decode()
    )
    assert not Hub.objects.filter(name__in=["Good One", "Good Two"]).exists()


def test_with_the_box_a_file_of_only_bad_rows_imports_nothing_and_says_so(client, curator):
    content = "name,industry,place\nBad Industry,999999,Boise ID\nNowhere,339920,Xqzzyville\n"

    response = _upload(client, content, skip_invalid=True)

    assert response.status_code == 200
    assert "confirm_form" not in response.context
    summary = (
        "Every row is invalid (2 of 2): nothing can be imported. "
        "Fix the rows listed below and upload the file again."
    )
    assert response.context["skip_summary"] == summary
    assert summary in response.content.decode()
    assert not Hub.objects.filter(name__in=["Bad Industry", "Nowhere"]).exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"name,industry,place\nNul\x00 Hub,339920,Boise ID\n",
            "Row 2: The name cell holds a NUL character, which is not allowed.",
        ),
        (
            ("name,industry,place\n" + "A" * 10_000 + ",339920,Boise ID\n").encode(),
            "Row 2: name: Ensure this value has at most 150 characters (it has 10000).",
        ),
        (b",,,\n,,,\n,,,\n", "Missing columns: industry, name."),
        (
            "name,industry,place\n🚀🚀,339920,Boise ID\n".encode(),
            "The name has no letters or digits to make a web address of",
        ),
    ],
    ids=["nul bytes", "10,000 characters", "only commas", "only emoji"],
)
def test_hostile_files_get_a_clear_message_not_a_500(client, curator, content, message):
    hubs_before = Hub.objects.count()

    response = _upload(client, content, skip_invalid=True)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "confirm_form" not in response.context
    assert Hub.objects.count() == hubs_before


def test_dry_run_page_shows_where_each_row_lands_and_the_ignored_columns(client, curator):
    content = 'name,industry,place,fax\nBoise Gear Makers,339920,"Boise, ID",123\n'

    response = _upload(client, content, skip_invalid=False)

    boise = Place.objects.get(kind=Place.Kind.CITY, name="Boise", admin1="ID")
    landing = (
        f"row 2: Boise Gear Makers -&gt; Boise, ID, region Idaho, US, "
        f"population {boise.population:,}"
    )
    html = response.content.decode()
    assert f"<li>{landing}</li>" in html
    assert "<p>Ignored columns (not fields of this model): fax.</p>" in html
    assert response.context["confirm_form"] is not None
    assert not Hub.objects.filter(name="Boise Gear Makers").exists()
