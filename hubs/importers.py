"""CSV import and export of hubs, businesses and resources (django-import-export resources).

Places may be given as names ("Ogden, UT"), narrowed by optional `state` and `country` columns,
or as latitude and longitude (which win, and are checked against a named place). Rows are matched
by slug, so importing the same file again updates rather than duplicates. A file with any bad row
saves nothing, unless the curator asks to skip invalid rows and gets them back with the reasons.
"""

import copy
import csv
import io
from dataclasses import dataclass, field

import tablib
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from import_export import fields, resources, widgets

from hubs import gazetteer, geo
from hubs.coverage_import import CoverageColumns
from hubs.fields import IndustryField, PlaceField
from hubs.models import Business, Hub, Industry, Place, Region, Resource
from hubs.opendata import looks_like_formula, safe_cell
from hubs.regions import RegionFinder
from hubs.vocabulary import successors_2017

MAX_ROWS = 5000
# Given coordinates this far from the named place are reported: one of them is likely wrong.
PLACE_MISMATCH_KM = 50
DELIMITERS = ",;\t"


def read_table(data: bytes) -> tablib.Dataset:
    """A CSV file as partners send it: UTF-8 (with or without BOM) or Windows-1252, separated
    by commas, semicolons or tabs."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="strict")
    first_line = text.split("\n", 1)[0]
    try:
        delimiter = csv.Sniffer().sniff(first_line, delimiters=DELIMITERS).delimiter
    except csv.Error:
        delimiter = ","
    return tablib.Dataset().load(text, format="csv", delimiter=delimiter)


@dataclass
class Landing:
    """Where a row landed, for the dry run's report."""

    row: int  # As a spreadsheet numbers it: the header is row 1.
    name: str
    place: str = ""
    region: str = ""
    country: str = ""
    population: int = 0
    distance_km: float | None = None
    flags: list[str] = field(default_factory=list)

    def __str__(self):
        where = ", ".join(
            part
            for part in (
                self.place,
                f"region {self.region}" if self.region else "",
                f"population {self.population:,}" if self.population else "",
                f"{self.distance_km:.0f} km from the given point"
                if self.distance_km is not None
                else "",
            )
            if part
        )
        flags = "".join(f" [{flag}]" for flag in self.flags)
        return f"row {self.row}: {self.name} -> {where}{flags}"


def _flags(resolution, *, qualified):
    """Guesses a curator should check: a bare name several places share, an area for a town."""
    flags = []
    if resolution.is_area:
        flags.append(f"an area ({resolution.place.get_kind_display().lower()}), not a town")
        if any(place.kind == Place.Kind.CITY for place in resolution.alternatives):
            flags.append("also the name of a town")
    elif resolution.alternatives and not qualified:
        others = len(resolution.alternatives)
        flags.append(f"guess: {others} other place{'s' if others > 1 else ''} share this name")
    return flags


def _choice(model, name, value):
    """A choice cell in any case, as its value or its label; an error lists the allowed ones."""
    choices = model._meta.get_field(name).choices
    wanted = str(value).strip().casefold()
    for choice, label in choices:
        if wanted in (choice.casefold(), str(label).casefold()):
            return choice
    allowed = ", ".join(choice for choice, _ in choices)
    raise ValueError(f"The {name} {value!r} is not one of: {allowed}.")


class IndustryWidget(widgets.ForeignKeyWidget):
    """An industry by its NAICS code (2022, or 2017 mapped to 2022; "312130.0" as spreadsheets
    write it), title or an unambiguous word, through the site's one matcher."""

    def __init__(self):
        super().__init__(Industry, field="code")

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, Industry):  # Already matched (IndustryColumn.before_import_row).
            return value
        value = str(value or "").strip()
        if not value:
            raise ValueError("The industry is missing.")
        try:
            return IndustryField(strict=True).clean(value)
        except ValidationError as error:
            raise ValueError(error.messages[0]) from None


def _slug(row):
    return str(row.get("slug") or "").strip() or slugify(name_of(row))[:150]


def name_of(row):
    return str(row.get("name") or "").strip()


def _place_text(row):
    """The place cell with the row's state and country columns as qualifiers ("Springfield",
    "IL", "USA" -> "Springfield, IL, USA"); and whether anything qualifies it."""
    text = str(row.get("place") or "").strip()
    parts = [text]
    for column in ("state", "country"):
        value = str(row.get(column) or "").strip()
        if value and gazetteer.fold(value) not in gazetteer.fold(text):
            parts.append(value)
    qualified = len(parts) > 1 or "," in text
    return (", ".join(parts) if text else ""), qualified


class PlacedResource(resources.ModelResource):
    """Shared rules: required columns, a row limit, no formulas, a place or a point per row."""

    place = fields.Field(attribute=None, column_name="place", readonly=True)
    required_columns = {"name"}
    choice_columns = ()
    # Columns beyond the slug within which the model's unique constraint may refuse a row.
    unique_scope = ()

    def __init__(self, *, skip_invalid=False, diffs=True, **kwargs):
        super().__init__(**kwargs)
        self.skip_invalid = skip_invalid
        if not diffs:  # Only the admin's preview shows each row's changes.
            self._meta = copy.copy(self._meta)
            self._meta.skip_diff = True

    class Meta:
        import_id_fields = ["slug"]
        skip_unchanged = True
        report_skipped = False
        clean_model_instances = True

    def export_field(self, field, instance, **kwargs):
        """Every exported cell passes the open data's formula rule (a spreadsheet runs none)."""
        return safe_cell(super().export_field(field, instance, **kwargs))

    def _check_file(self, dataset):
        headers = {h.strip().lower() for h in dataset.headers or []}
        missing = sorted(self.required_columns - headers)
        if missing:
            raise ValueError(f"Missing columns: {', '.join(missing)}.")
        if "place" not in headers and not {"latitude", "longitude"} <= headers:
            raise ValueError("Give a place column, or latitude and longitude columns.")
        if len(dataset) > MAX_ROWS:
            raise ValueError(f"The file has {len(dataset):,} rows; import at most {MAX_ROWS:,}.")

    def before_import(self, dataset, **kwargs):
        dataset.headers = [h.strip().lower() for h in dataset.headers]
        if "slug" not in dataset.headers:
            dataset.append_col([""] * len(dataset), header="slug")
        known = {*self._meta.fields, "state", "country"}
        self.ignored_columns = [h for h in dataset.headers if h not in known]
        self._seen_slugs = set()
        # Towns and regions are remembered for one pass only: a dry run's new regions roll back.
        self._regions = RegionFinder()
        # What rows would otherwise read one at a time, in a few queries: every place of the
        # file, the rows it updates, and where a new row could clash with the model's unique
        # constraint (hubs: the same industry and region).
        rows = [dict(zip(dataset.headers, cells, strict=True)) for cells in dataset]
        self._resolutions = PlaceField.many(_place_text(row)[0] for row in rows)
        model = self._meta.model
        slugs = sorted({_slug(row) for row in rows} - {""})
        self._existing = {
            instance.slug: instance
            for start in range(0, len(slugs), 500)
            for instance in model.objects.filter(slug__in=slugs[start : start + 500])
        }
        self._scopes = set()
        if self.unique_scope:
            self._scopes = set(model.objects.values_list(*self.unique_scope).distinct())
        self._saved = []
        self.landings = []

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        """The whole file in one transaction, each row in a savepoint of its own: kept only if
        every row is valid and it is not a dry run; with ``skip_invalid``, the valid rows are
        kept and the others left out. A file-wide error (a missing column) saves nothing."""
        kwargs.pop("use_transactions", None)
        kwargs.pop("rollback_on_validation_errors", None)
        collect_failed_rows = kwargs.pop("collect_failed_rows", False)
        try:
            self._check_file(dataset)
        except ValueError as error:  # Then no row is worth reading.
            result = self.get_result_class()()
            result.total_rows = len(dataset)
            self.handle_import_error(result, error)
            return result
        with transaction.atomic():
            result = self.import_data_inner(
                dataset, dry_run, raise_errors, True, collect_failed_rows, **kwargs
            )
            if not result.base_errors:
                self._record_history()
            failed = result.has_errors() or result.has_validation_errors()
            if dry_run or result.base_errors or (failed and not self.skip_invalid):
                transaction.set_rollback(True)
        return result

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        # For the admin's preview, which sees the result but not the resource.
        result.landings, result.ignored_columns = self.landings, self.ignored_columns

    def import_row(self, row, instance_loader, **kwargs):
        row_result = super().import_row(row, instance_loader, **kwargs)
        if transaction.get_rollback():
            # A database error: the row's savepoint rolls back, with any region it created.
            self._regions = RegionFinder()
        return row_result

    def get_instance(self, instance_loader, row):
        return self._existing.get(row["slug"])

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's checks, less those that would cost queries a row for nothing: whether
        the industry and region exist (they were just read), the coordinates' range (checked
        by before_import_row; the database's constraints still hold), the slug's uniqueness
        for a new row (before_import found no row of that slug), and the unique constraint
        where no row shares the new row's scope."""
        errors = dict(import_validation_errors or {})
        checked = {"latitude", "longitude", "town_latitude", "town_longitude"}
        try:
            instance.full_clean(
                exclude={*errors, *checked, "industry", "region"},
                validate_unique=validate_unique and not instance._state.adding,
                validate_constraints=False,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if self.unique_scope:
            scope = tuple(getattr(instance, name) for name in self.unique_scope)
            if scope in self._scopes:
                try:
                    instance.validate_constraints(exclude={*errors, *checked})
                except ValidationError as error:
                    errors = error.update_error_dict(errors)
            self._scopes.add(scope)
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        # History is written for all saved rows at once, at the end (see _record_history).
        instance.skip_history_when_saving = True
        row["_new"] = instance._state.adding

    def after_save_instance(self, instance, row, **kwargs):
        del instance.skip_history_when_saving
        self._saved.append((instance, row["_new"]))

    def _record_history(self):
        """The history rows that saving each row would have written, in two bulk inserts."""
        history = self._meta.model.history
        history.bulk_history_create([i for i, new in self._saved if new], batch_size=500)
        history.bulk_history_create(
            [i for i, new in self._saved if not new], batch_size=500, update=True
        )

    def before_import_row(self, row, **kwargs):
        for column, value in row.items():
            if looks_like_formula(value):
                raise ValueError(f"The {column} cell holds a formula, which is not allowed.")
            if "\x00" in str(value or ""):  # PostgreSQL can't store it; no one means it.
                raise ValueError(f"The {column} cell holds a NUL character, which is not allowed.")
        name = str(row.get("name") or "").strip()
        if not name:
            raise ValueError("The name is missing.")
        row["slug"] = _slug(row)
        if not row["slug"]:
            raise ValueError(
                "The name has no letters or digits to make a web address of: add some, "
                "or give a slug column."
            )
        if row["slug"] in self._seen_slugs:
            raise ValueError(f"The file lists {name!r} twice.")
        self._seen_slugs.add(row["slug"])
        for column in self.choice_columns:
            if str(row.get(column) or "").strip():
                row[column] = _choice(self._meta.model, column, row[column])
        landing = Landing(row=kwargs.get("row_number", 0) + 1, name=name_of(row))
        if self.has_no_place(row):
            row["_region"], landing.region = None, "online, no home base"
            self.landings.append(landing)
            return
        text, qualified = _place_text(row)
        lat, lng = row.get("latitude"), row.get("longitude")
        resolution = None
        if text or lat in (None, "") or lng in (None, ""):
            resolution = self._resolutions[text]
        if lat in (None, "") or lng in (None, ""):
            if not resolution.found:
                raise ValueError(f"Place: {resolution.message}")
            row["latitude"], row["longitude"] = resolution.latitude, resolution.longitude
            row["_town"] = resolution.place
            landing.flags = _flags(resolution, qualified=qualified)
        else:
            try:
                lat, lng = float(lat), float(lng)
            except (TypeError, ValueError):
                raise ValueError("Latitude and longitude must be numbers.") from None
            if not (-90 <= lat <= 90 and -180 <= lng <= 180):
                raise ValueError("Latitude must be within ±90 and longitude within ±180.")
            row["latitude"], row["longitude"] = lat, lng
            row["_town"] = self._regions.nearest_town(lat=lat, lng=lng)
            if resolution is not None and resolution.found:
                km = geo.haversine_km(lat, lng, resolution.latitude, resolution.longitude)
                landing.distance_km = km
                if km > PLACE_MISMATCH_KM and not resolution.is_area:
                    landing.flags.append(f"the given point is {km:.0f} km from {text}")
        town = row["_town"]
        point = (town.latitude, town.longitude) if town else (row["latitude"], row["longitude"])
        row["_region"] = self._regions.region(lat=point[0], lng=point[1], town=town)
        if town:
            landing.place, landing.population = town.label, town.population
            landing.country = town.country
        region = row["_region"]
        # A metro's name alone says neither state nor country: "Ogden metro, Utah, US".
        in_metro = region.kind == Region.Kind.METRO and region.parent_id
        landing.region = f"{region}, {region.parent}" if in_metro else str(region)
        self.landings.append(landing)

    def has_no_place(self, row):
        """Whether the row may go without a place (an online hub without a home base)."""
        return False

    def import_instance(self, instance, row, **kwargs):
        instance.region = row["_region"]
        super().import_instance(instance, row, **kwargs)


class IndustryColumn(PlacedResource):
    """Rows of one industry, given by its code, title or an unambiguous word."""

    industry = fields.Field(attribute="industry", column_name="industry", widget=IndustryWidget())
    required_columns = {"name", "industry"}

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._industries = {}  # Each text of the column through the matcher once.

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        text = str(row.get("industry") or "").strip()
        if text not in self._industries:
            try:
                self._industries[text] = self.fields["industry"].widget.clean(text)
            except ValueError:
                self._industries[text] = None  # The widget says why, on the row itself.
        row["industry"] = self._industries[text] or text
        code = text.removesuffix(".0")
        successors = successors_2017().get(code)
        if successors:
            self.landings[-1].flags.append(
                f"2017 NAICS code {code}, read as its 2022 successor {' or '.join(successors)}"
            )


class HubResource(CoverageColumns, IndustryColumn):
    coverage = fields.Field(attribute=None, column_name="coverage")
    choice_columns = ("status", "mode")
    unique_scope = ("industry_id", "region_id")

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
            "mode",
            "coverage",
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
        # The town first: a row refused for another cell (an unknown industry) must not also
        # be told that its town is blank.
        town = row.get("_town")
        if town:
            instance.city = town.name
            instance.town_latitude, instance.town_longitude = town.latitude, town.longitude
        super().import_instance(instance, row, **kwargs)
        if not town:
            instance.city = instance.city or "Unknown"
            instance.town_latitude, instance.town_longitude = instance.latitude, instance.longitude


class ResourceResource(PlacedResource):
    required_columns = {"name", "kind"}
    choice_columns = ("kind",)

    class Meta(PlacedResource.Meta):
        model = Resource
        fields = [
            "slug",
            "name",
            "kind",
            "place",
            "latitude",
            "longitude",
            "website",
            "city",
            "description",
        ]
        export_order = fields

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        town = row.get("_town")
        if town and not instance.city:
            instance.city = town.name


RESOURCES = {"hubs": HubResource, "businesses": BusinessResource, "resources": ResourceResource}


def import_rows(resource, dataset, *, dry_run):
    """Import the file; returns the result and the rejected rows as (spreadsheet row number,
    reason, cells). The resource decides whether one bad row saves nothing or is skipped."""
    result = resource.import_data(dataset, dry_run=dry_run)
    return result, rejected_rows(result, dataset)


def rejection_reasons(result) -> dict[int, str]:
    """Why each refused row was refused, by spreadsheet row number (the header is row 1)."""
    reasons = {}
    for number, errors in result.row_errors():
        reasons.setdefault(number + 1, []).extend(str(error.error) for error in errors)
    for row in result.invalid_rows:
        reasons.setdefault(row.number + 1, []).extend(
            f"{name}: {' '.join(messages)}" for name, messages in row.error_dict.items()
        )
    return {number: " ".join(reasons[number]) for number in sorted(reasons)}


def rejected_rows(result, dataset):
    """The rows a result refused: (spreadsheet row number, reason, cells), in file order."""
    return [
        (number, reason, list(dataset[number - 2]))
        for number, reason in rejection_reasons(result).items()
    ]


def rejected_csv(rejected, headers) -> str:
    """The rejected rows as a CSV to fix and send again: row number, reason, the cells."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["row", "reason", *headers])
    for number, reason, cells in rejected:
        writer.writerow([number, reason, *cells])
    return out.getvalue()
