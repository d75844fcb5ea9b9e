"""Importing partners' real files: where each row lands, qualifier columns, rejected rows handed
back, separators and encodings, choice columns in any case."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from hubs.importers import read_table
from hubs.models import Hub, Place, Region, Resource

pytestmark = pytest.mark.django_db


def run_import(tmp_path, kind, content, *options):
    path = tmp_path / "rows.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    out, errors = io.StringIO(), io.StringIO()
    call_command("import_csv", kind, str(path), *options, stdout=out, stderr=errors)
    return out.getvalue().splitlines(), errors.getvalue().splitlines(), path


def test_dry_run_reports_where_each_row_lands_and_flags_guesses(tmp_path):
    content = (
        "name,industry,place,state,country,latitude,longitude\n"
        "Bare Name Hub,339920,Springfield,,,,\n"
        "State Hub,339920,Montana,,,,\n"
        "Qualified Hub,339920,Portland,ME,USA,,\n"
        "Far Point Hub,339920,Boise,ID,,47.0,-122.0\n"
    )

    out, errors, _ = run_import(tmp_path, "hubs", content, "--dry-run")

    portland = Place.objects.get(kind=Place.Kind.CITY, name="Portland", admin1="ME")
    springfield = Place.objects.filter(kind=Place.Kind.CITY, name="Springfield")
    biggest = springfield.order_by("-population").first()
    assert errors == []
    assert out[0] == (
        f"row 2: Bare Name Hub -> {biggest.label}, region {biggest_region(biggest)}, "
        f"population {biggest.population:,} [guess: 5 other places share this name]"
    )
    assert out[1].startswith("row 3: State Hub -> ")
    assert out[1].endswith("[an area (state or province), not a town] [also the name of a town]")
    assert out[2] == (
        f"row 4: Qualified Hub -> Portland, ME, region Maine, US, "
        f"population {portland.population:,}"
    )
    # The given point wins (its nearest town is Crocker, WA) and is reported 589 km off.
    assert out[3] == (
        "row 5: Far Point Hub -> Crocker, WA, region Washington, US, population 1,268, "
        "589 km from the given point [the given point is 589 km from Boise, ID]"
    )
    assert out[4] == "Would import hubs: 4 new, 0 updated, 0 unchanged, 0 rejected."
    assert (
        not Hub.objects.filter(name__endswith=" Hub", industry__code="339920")
        .filter(name__in=["Bare Name Hub", "State Hub", "Qualified Hub", "Far Point Hub"])
        .exists()
    )


def biggest_region(place):
    from hubs.regions import region_for_point

    return region_for_point(lat=place.latitude, lng=place.longitude)


def test_dry_run_names_the_columns_it_ignores(tmp_path):
    content = "name,industry,place,fax,Notes\nBoise Gear,339920,Boise ID,123,hello\n"

    out, _, _ = run_import(tmp_path, "hubs", content, "--dry-run")

    assert out[-2] == "Ignored columns: fax, notes."


def test_country_column_narrows_the_look_up(tmp_path):
    content = "name,industry,place,country\nParis Gear,339920,Paris,US\n"

    run_import(tmp_path, "hubs", content)

    hub = Hub.objects.select_related("region").get(name="Paris Gear")
    paris_tx = Place.objects.get(kind=Place.Kind.CITY, name="Paris", admin1="TX")
    assert (hub.latitude, hub.longitude) == (paris_tx.latitude, paris_tx.longitude)


def test_skip_invalid_imports_the_good_rows_and_hands_back_the_rest(tmp_path):
    content = (
        "name,industry,place\n"
        "Good One,339920,Boise ID\n"
        "Bad Industry,999999,Boise ID\n"
        "Good Two,339920,Ogden UT\n"
        "Nowhere,339920,Xqzzyville\n"
    )

    out, errors, path = run_import(tmp_path, "hubs", content, "--skip-invalid")

    assert sorted(Hub.objects.filter(name__startswith="Good").values_list("name", flat=True)) == [
        "Good One",
        "Good Two",
    ]
    assert not Hub.objects.filter(name__in=["Bad Industry", "Nowhere"]).exists()
    assert out == ["Imported hubs: 2 new, 0 updated, 0 unchanged, 2 rejected."]
    rejected_path = path.with_name("rows-rejected.csv")
    assert errors[-1] == f"2 rejected rows written to {rejected_path}."
    rows = list(csv.reader(rejected_path.open(encoding="utf-8")))
    assert rows == [
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


def test_without_skip_invalid_one_bad_row_saves_nothing(tmp_path):
    content = "name,industry,place\nGood One,339920,Boise ID\nBad,999999,Boise ID\n"

    with pytest.raises(CommandError, match="nothing was imported"):
        run_import(tmp_path, "hubs", content)

    assert not Hub.objects.filter(name="Good One").exists()


@pytest.mark.parametrize(
    "content",
    [
        "name;industry;place\nÖrebro Gear;339920;Örebro\n".encode("cp1252"),
        "name\tindustry\tplace\nÖrebro Gear\t339920\tÖrebro\n".encode(),
        "\ufeffname,industry,place\nÖrebro Gear,339920,Örebro\n".encode(),
    ],
    ids=["semicolons in cp1252", "tabs in utf-8", "utf-8 with bom"],
)
def test_separators_and_windows_encoding_are_detected(tmp_path, content):
    run_import(tmp_path, "hubs", content)

    hub = Hub.objects.get(name="Örebro Gear")
    assert hub.region.country_code == "SE"


def test_read_table_keeps_accents_of_a_windows_file():
    dataset = read_table("name;place\nCafé Gear;Zürich\n".encode("cp1252"))

    assert dataset.headers == ["name", "place"]
    assert list(dataset[0]) == ["Café Gear", "Zürich"]


def test_resource_kinds_in_any_case_or_by_label(tmp_path):
    content = (
        "name,kind,place,description\n"
        "Fab Lab,Makerspace,Boise ID,Tools for members\n"
        "Desk Co,COWORKING,Boise ID,\n"
        "Idaho Makers Guild,trade association,Boise ID,\n"
        "Idaho Cluster,Cluster organization,Boise ID,\n"
        "Launch Pad,incubator,Boise ID,\n"
    )

    run_import(tmp_path, "resources", content)

    kinds = dict(
        Resource.objects.filter(
            name__in=["Fab Lab", "Desk Co", "Idaho Makers Guild", "Idaho Cluster", "Launch Pad"]
        ).values_list("name", "kind")
    )
    assert kinds == {
        "Fab Lab": "makerspace",
        "Desk Co": "coworking",
        "Idaho Makers Guild": "association",
        "Idaho Cluster": "cluster",
        "Launch Pad": "incubator",
    }
    assert Resource.objects.get(name="Fab Lab").description == "Tools for members"


def test_unknown_resource_kind_lists_the_allowed_ones(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("name,kind,place\nSpaceport,spaceport,Boise ID\n", encoding="utf-8")
    errors = io.StringIO()

    with pytest.raises(CommandError, match="1 problems; nothing was imported."):
        call_command("import_csv", "resources", str(path), stderr=errors)

    assert errors.getvalue().splitlines() == [
        "row 2: The kind 'spaceport' is not one of: chamber, sbdc, score, edo, government, "
        "incubator, university, makerspace, coworking, cluster, association."
    ]
    assert not Resource.objects.filter(name="Spaceport").exists()


def test_dry_run_notes_2017_codes_read_as_their_2022_successor(tmp_path):
    content = 'name,industry,place\nLens Makers Hub,333314,"Rochester, NY"\n'

    out, errors, _ = run_import(tmp_path, "hubs", content, "--dry-run")

    assert errors == []
    assert out[0].endswith("[2017 NAICS code 333314, read as its 2022 successor 333310]")
    assert out[1] == "Would import hubs: 1 new, 0 updated, 0 unchanged, 0 rejected."


def test_dry_run_with_skip_invalid_numbers_rows_as_the_file_does(tmp_path):
    content = (
        "name,industry,place\n"
        "Bad Industry,999999,Boise ID\n"
        'Boise Gear Makers,339920,"Boise, ID"\n'
        "Nowhere,339920,Xqzzyville\n"
    )

    out, errors, _ = run_import(tmp_path, "hubs", content, "--dry-run", "--skip-invalid")

    boise = Place.objects.get(kind=Place.Kind.CITY, name="Boise", admin1="ID")
    assert out == [
        f"row 3: Boise Gear Makers -> Boise, ID, region Idaho, US, population {boise.population:,}",
        "Would import hubs: 1 new, 0 updated, 0 unchanged, 2 rejected.",
    ]
    assert errors[:2] == [
        "row 2: industry: Unknown industry '999999'.",
        "row 4: Place: We couldn't find the place “Xqzzyville”.",
    ]
    assert not Hub.objects.filter(name="Boise Gear Makers").exists()


def test_dry_run_names_the_state_and_country_of_a_metro_region(tmp_path):
    metro = Region.objects.filter(kind=Region.Kind.METRO).select_related("parent").first()
    content = (
        f"name,industry,latitude,longitude\nMetro Gear,339920,{metro.latitude},{metro.longitude}\n"
    )

    out, _, _ = run_import(tmp_path, "hubs", content, "--dry-run")

    assert f", region {metro.name}, {metro.parent}, population " in out[0]
    assert str(metro.parent).endswith(", US")


def test_a_partner_file_imports_its_good_rows_in_few_queries_and_rejects_the_planted_ones(
    tmp_path, django_assert_max_num_queries
):
    from bench.imports import partner_file

    text, bad_rows = partner_file(rows=300)
    hubs_before = Hub.objects.count()

    # About 40 queries a row (12,000) before places, regions, slugs and history were read in
    # bulk; now about 4 a row, and a few for each state or province met for the first time.
    with django_assert_max_num_queries(2500):
        _, errors, path = run_import(tmp_path, "hubs", text, "--skip-invalid")

    rejected = list(csv.DictReader(path.with_name("rows-rejected.csv").open(encoding="utf-8")))
    assert [int(row["row"]) for row in rejected] == bad_rows
    assert Hub.objects.count() - hubs_before == 300 - len(bad_rows)
    assert errors[-1].startswith(f"{len(bad_rows)} rejected rows written to ")
