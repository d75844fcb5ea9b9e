"""Importing partners' real files: where each row lands, qualifier columns, rejected rows handed
back, separators and encodings, choice columns in any case."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from hubs import gazetteer
from hubs.importers import (
    BusinessResource,
    Landing,
    import_rows,
    name_of,
    read_table,
    rejected_csv,
    rejection_reasons,
)
from hubs.models import Business, Hub, Place, Region, Resource

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
        "incubator, university, makerspace, coworking, cluster, association, city, county, "
        "mayor, state_agency, federal."
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


# The module's public functions, called as the admin's import page and the command call them.

BUSINESS_HEADERS = "name,industry,place,latitude,longitude,location_public,address\n"


def _import(resource, text, *, dry_run=False):
    return import_rows(resource, read_table(text.encode("utf-8")), dry_run=dry_run)


def test_business_import_places_each_row_in_its_town_and_keeps_a_given_point():
    text = BUSINESS_HEADERS + (
        'Wasatch Skis,339920,"Ogden, UT",,,1,1 Main St\nHome Skis,339920,,41.25,-111.95,0,\n'
    )

    result, rejected = _import(BusinessResource(), text)

    ogden = Place.objects.get(kind=Place.Kind.CITY, name="Ogden", admin1="UT")
    pinned_town = gazetteer.nearest_city(lat=41.25, lng=-111.95)
    skis = Business.objects.select_related("region", "industry").get(name="Wasatch Skis")
    home = Business.objects.get(name="Home Skis")
    assert (rejected, result.totals["new"]) == ([], 2)
    assert (skis.city, skis.latitude, skis.longitude) == ("Ogden", ogden.latitude, ogden.longitude)
    assert (skis.town_latitude, skis.town_longitude) == (ogden.latitude, ogden.longitude)
    assert (skis.industry.code, skis.address, skis.location_public) == ("339920", "1 Main St", True)
    assert (skis.region.name, skis.slug) == ("Ogden-Clearfield, UT", "wasatch-skis")
    assert (home.latitude, home.longitude, home.location_public) == (41.25, -111.95, False)
    assert (home.city, home.town_latitude, home.town_longitude) == (
        pinned_town.name,
        pinned_town.latitude,
        pinned_town.longitude,
    )


BAD_ROWS = (
    BUSINESS_HEADERS
    + 'Good One,339920,"Ogden, UT",,,1,\n'
    + '=HYPERLINK("http://x.example"),339920,Ogden,,,1,\n'
    + ",339920,Ogden,,,1,\n"
    + 'Good One,339920,"Provo, UT",,,1,\n'
    + "Lost,339920,Xqzzyville,,,1,\n"
    + "Bad Point,339920,,abc,def,1,\n"
    + "Off Map,339920,,95,0,1,\n"
    + "!!!,339920,Ogden,,,1,\n"
    + 'No Trade,,"Ogden, UT",,,1,\n'
)
BAD_ROW_REASONS = {
    3: "The name cell holds a formula, which is not allowed.",
    4: "The name is missing.",
    5: "The file lists 'Good One' twice.",
    6: "Place: We couldn't find the place “Xqzzyville”.",
    7: "Latitude and longitude must be numbers.",
    8: "Latitude must be within ±90 and longitude within ±180.",
    9: (
        "The name has no letters or digits to make a web address of: add some, "
        "or give a slug column."
    ),
    10: "industry: The industry is missing.",
}


def test_import_rows_with_skip_invalid_saves_the_good_rows_and_hands_back_the_others():
    result, rejected = _import(BusinessResource(skip_invalid=True), BAD_ROWS)

    assert rejection_reasons(result) == BAD_ROW_REASONS
    assert [(number, reason) for number, reason, _ in rejected] == list(BAD_ROW_REASONS.items())
    # The cells as the file gave them, and the slug column the import added, empty.
    assert rejected[2][2] == ["Good One", "339920", "Provo, UT", "", "", "1", "", ""]
    assert list(Business.objects.filter(name="Good One").values_list("city", flat=True)) == [
        "Ogden"
    ]


def test_import_rows_without_skip_invalid_saves_nothing_when_a_row_is_bad():
    before = Business.objects.count()

    result, rejected = _import(BusinessResource(), BAD_ROWS)

    assert [number for number, _, _ in rejected] == list(BAD_ROW_REASONS)
    assert Business.objects.count() == before
    assert not Business.objects.filter(name="Good One").exists()


def test_import_rows_dry_run_reports_and_saves_nothing():
    before = Region.objects.count()
    text = BUSINESS_HEADERS + "Tonga Canoes,339920,Nuku'alofa,,,1,\n"

    result, rejected = _import(BusinessResource(), text, dry_run=True)

    assert (rejected, result.totals["new"]) == ([], 1)
    assert not Business.objects.filter(name="Tonga Canoes").exists()
    assert Region.objects.count() == before  # The Tongan regions it made rolled back.


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ("name,place\n", "Missing columns: industry."),
        ("title,place\n", "Missing columns: industry, name."),
        ("name,industry,latitude\n", "Give a place column, or latitude and longitude columns."),
    ],
)
def test_import_rows_refuses_a_file_without_the_columns_it_needs(headers, message):
    row = ",".join("A" for _ in headers.split(",")) + "\n"

    result, rejected = _import(BusinessResource(skip_invalid=True), headers + row)

    assert [str(error.error) for error in result.base_errors] == [message]
    assert rejected == []
    assert not Business.objects.filter(name="A").exists()


def test_importing_a_file_again_changes_nothing_and_an_edit_updates_its_row():
    text = BUSINESS_HEADERS + 'Wasatch Skis,339920,"Ogden, UT",,,1,1 Main St\n'
    _import(BusinessResource(), text)

    again, _ = _import(BusinessResource(), text)
    edited, _ = _import(BusinessResource(), text.replace("1 Main St", "2 Main St"))

    assert (again.totals["new"], again.totals["update"]) == (0, 0)
    assert (edited.totals["new"], edited.totals["update"]) == (0, 1)
    assert list(Business.objects.filter(name="Wasatch Skis").values_list("address", flat=True)) == [
        "2 Main St"
    ]


def test_rejected_csv_lists_row_number_reason_and_cells_to_fix():
    rejected = [
        (3, "The name is missing.", ["", "339920", "Ogden"]),
        (5, 'Say "hi"', ["x", "", ""]),
    ]

    text = rejected_csv(rejected, ["name", "industry", "place"])

    assert text.splitlines() == [
        "row,reason,name,industry,place",
        "3,The name is missing.,,339920,Ogden",
        '5,"Say ""hi""",x,,',
    ]


def test_landing_says_where_a_row_went_and_what_to_check():
    landing = Landing(
        row=4,
        name="Wasatch Skis",
        place="Ogden, UT",
        region="Ogden-Clearfield, UT, Utah, US",
        population=87321,
        distance_km=3.46,
        flags=["guess: 2 other places share this name"],
    )

    assert str(landing) == (
        "row 4: Wasatch Skis -> Ogden, UT, region Ogden-Clearfield, UT, Utah, US, "
        "population 87,321, 3 km from the given point [guess: 2 other places share this name]"
    )
    assert str(Landing(row=2, name="Bare")) == "row 2: Bare -> "


@pytest.mark.parametrize(
    ("cells", "name"), [({"name": "  Skis  "}, "Skis"), ({"name": None}, ""), ({}, "")]
)
def test_name_of_a_row_is_its_trimmed_name_cell(cells, name):
    assert name_of(cells) == name
