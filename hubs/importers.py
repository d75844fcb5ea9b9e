"""CSV import and export of hubs, businesses and resources (django-import-export resources).

Places may be given as names ("Ogden, UT") or as latitude and longitude; rows are matched by
slug, so importing the same file again updates rather than duplicates. A file with any bad row
saves nothing.
"""

from django.utils.text import slugify
from import_export import fields, resources, widgets

from hubs import gazetteer, vocabulary
from hubs.models import Business, Hub, Industry, Resource
from hubs.opendata import looks_like_formula, safe_cell
from hubs.regions import region_for_point

MAX_ROWS = 5000


class IndustryWidget(widgets.ForeignKeyWidget):
    """An industry by its NAICS code (2022, or 2017 mapped to 2022; "312130.0" as spreadsheets
    write it), title or an unambiguous word, through the site's one matcher."""

    def __init__(self):
        super().__init__(Industry, field="code")

    def clean(self, value, row=None, **kwargs):
        value = str(value or "").strip()
        if not value:
            raise ValueError("The industry is missing.")
        return vocabulary.one_industry(value)


class PlacedResource(resources.ModelResource):
    """Shared rules: required columns, a row limit, no formulas, a place or a point per row."""

    place = fields.Field(attribute=None, column_name="place", readonly=True)
    required_columns = {"name"}

    class Meta:
        import_id_fields = ["slug"]
        skip_unchanged = True
        report_skipped = False
        clean_model_instances = True

    def export_field(self, field, instance, **kwargs):
        """Every exported cell passes the open data's formula rule (a spreadsheet runs none)."""
        return safe_cell(super().export_field(field, instance, **kwargs))

    def before_import(self, dataset, **kwargs):
        headers = {h.strip().lower() for h in dataset.headers or []}
        missing = sorted(self.required_columns - headers)
        if missing:
            raise ValueError(f"Missing columns: {', '.join(missing)}.")
        if "place" not in headers and not {"latitude", "longitude"} <= headers:
            raise ValueError("Give a place column, or latitude and longitude columns.")
        if len(dataset) > MAX_ROWS:
            raise ValueError(f"The file has {len(dataset):,} rows; import at most {MAX_ROWS:,}.")
        dataset.headers = [h.strip().lower() for h in dataset.headers]
        if "slug" not in dataset.headers:
            dataset.append_col([""] * len(dataset), header="slug")
        self._seen_slugs = set()

    def before_import_row(self, row, **kwargs):
        for column, value in row.items():
            if looks_like_formula(value):
                raise ValueError(f"The {column} cell holds a formula, which is not allowed.")
        name = str(row.get("name") or "").strip()
        if not name:
            raise ValueError("The name is missing.")
        row["slug"] = str(row.get("slug") or "").strip() or slugify(name)[:150]
        if row["slug"] in self._seen_slugs:
            raise ValueError(f"The file lists {name!r} twice.")
        self._seen_slugs.add(row["slug"])
        lat, lng = row.get("latitude"), row.get("longitude")
        if lat in (None, "") or lng in (None, ""):
            resolution = gazetteer.resolve(str(row.get("place") or ""))
            if not resolution.found:
                raise ValueError(f"Place: {resolution.message}")
            row["latitude"], row["longitude"] = resolution.latitude, resolution.longitude
            row["_town"] = resolution.place
        else:
            try:
                lat, lng = float(lat), float(lng)
            except (TypeError, ValueError):
                raise ValueError("Latitude and longitude must be numbers.") from None
            if not (-90 <= lat <= 90 and -180 <= lng <= 180):
                raise ValueError("Latitude must be within ±90 and longitude within ±180.")
            row["latitude"], row["longitude"] = lat, lng
            row["_town"] = gazetteer.nearest_city(lat=lat, lng=lng)
        town = row["_town"]
        point = (town.latitude, town.longitude) if town else (row["latitude"], row["longitude"])
        row["_region"] = region_for_point(lat=point[0], lng=point[1])

    def import_instance(self, instance, row, **kwargs):
        instance.region = row["_region"]
        super().import_instance(instance, row, **kwargs)


class IndustryColumn(PlacedResource):
    """Rows of one industry, given by its code, title or an unambiguous word."""

    industry = fields.Field(attribute="industry", column_name="industry", widget=IndustryWidget())
    required_columns = {"name", "industry"}


class HubResource(IndustryColumn):
    class Meta(PlacedResource.Meta):
        model = Hub
        fields = [
            "slug",
            "name",
            "industry",
            "place",
            "latitude",
            "longitude",
            "description",
            "website",
            "founded_year",
            "status",
        ]
        export_order = fields

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        if instance._state.adding and not row.get("status"):
            instance.status = Hub.Status.APPROVED  # Curators' imports need no second review.


class BusinessResource(IndustryColumn):
    class Meta(PlacedResource.Meta):
        model = Business
        fields = [
            "slug",
            "name",
            "industry",
            "place",
            "latitude",
            "longitude",
            "address",
            "website",
            "description",
            "location_public",
        ]
        export_order = fields

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        town = row.get("_town")
        instance.city = town.name if town else instance.city or "Unknown"
        instance.town_latitude = town.latitude if town else instance.latitude
        instance.town_longitude = town.longitude if town else instance.longitude


class ResourceResource(PlacedResource):
    required_columns = {"name", "kind"}

    class Meta(PlacedResource.Meta):
        model = Resource
        fields = ["slug", "name", "kind", "place", "latitude", "longitude", "website", "city"]
        export_order = fields

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        town = row.get("_town")
        if town and not instance.city:
            instance.city = town.name


RESOURCES = {"hubs": HubResource, "businesses": BusinessResource, "resources": ResourceResource}


def import_rows(resource, dataset, *, dry_run):
    """Check the whole file first; write only if every row is valid. Returns the result."""
    result = resource.import_data(dataset, dry_run=True, raise_errors=False, use_transactions=True)
    if dry_run or result.has_errors() or result.has_validation_errors():
        return result
    return resource.import_data(
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=True,
        rollback_on_validation_errors=True,
    )
