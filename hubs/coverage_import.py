"""The hub importer's online columns: ``mode`` (in person or online) and ``coverage``
("worldwide", or countries, states and provinces separated by semicolons). An online row may
leave its place empty: it has no home base then."""

import re

from hubs import gazetteer
from hubs.coverage import (
    MAX_AREAS,
    Coverage,
    NotAnArea,
    clear_coverage,
    coverage_text,
    set_coverage,
)
from hubs.models import Hub

WORLDWIDE = "worldwide"


def _is_blank(value) -> bool:
    return value is None or str(value).strip() == ""


class CoverageColumns:
    """Mixed into the hub resource: reads and writes the mode and coverage columns. Each
    coverage text of a file is resolved once."""

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._coverages = {}

    def has_no_place(self, row) -> bool:
        """An online row with no place and no point: a hub without a home base."""
        online = str(row.get("mode") or "").strip().casefold() in {"online", Hub.Mode.ONLINE}
        return online and all(_is_blank(row.get(c)) for c in ("place", "latitude", "longitude"))

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        row["_coverage"] = None
        if "mode" not in row and "coverage" not in row:
            row["_keep_coverage"] = True  # A file without the columns changes neither.
            return
        if _is_blank(row.get("mode")):
            row["mode"] = Hub.Mode.IN_PERSON
        text = str(row.get("coverage") or "").strip()
        if row["mode"] == Hub.Mode.IN_PERSON:
            if text:
                raise ValueError("Coverage is for online hubs: set mode to online, or leave it.")
            return
        if text not in self._coverages:
            self._coverages[text] = self._read_coverage(text)
        found = self._coverages[text]
        if isinstance(found, str):
            raise ValueError(f"Coverage: {found}")
        row["_coverage"] = found

    @staticmethod
    def _read_coverage(text: str) -> Coverage | str:
        """The coverage a cell names, or why it names none."""
        if text.casefold() == WORLDWIDE:
            return Coverage(worldwide=True)
        entries = [part.strip() for part in re.split(r"[;\n]", text) if part.strip()]
        if not entries:
            return "an online hub needs one: “worldwide”, or countries, states or provinces."
        if len(entries) > MAX_AREAS:
            return f"name {MAX_AREAS} areas at most, or “worldwide”."
        resolutions = [gazetteer.resolve(entry) for entry in entries]
        unknown = [r for r in resolutions if not r.found]
        if unknown:
            return unknown[0].message
        try:
            return Coverage.of(resolutions)
        except NotAnArea as error:
            return str(error)

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        if not row.get("_keep_coverage"):
            coverage = row["_coverage"]
            instance.covers_worldwide = coverage.worldwide if coverage is not None else False

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        if row.get("_keep_coverage"):
            return
        if row["_coverage"] is not None:
            set_coverage(instance, row["_coverage"])
        else:
            clear_coverage(instance)

    def dehydrate_coverage(self, hub):
        if not hub.is_online:
            return ""
        return WORLDWIDE if hub.covers_worldwide else coverage_text(hub)
