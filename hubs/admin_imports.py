"""The admin's CSV import, as `manage.py import_csv` does it: partners' separators and encodings,
and a "skip invalid rows" box that imports the good rows and hands the others back as a CSV.

django-import-export runs the page: a dry run shows every row, the curator confirms, the file is
imported. With the box ticked, the dry run offers to confirm despite bad rows (unless every row
is bad), and after the import the rejected rows, with their spreadsheet row numbers and reasons,
wait in the import's temporary storage for the curator who imported them.
"""

import re

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV
from import_export.forms import ConfirmImportForm, ImportForm

from hubs.importers import read_table, rejected_csv, rejected_rows, rejection_reasons

SESSION_KEY = "rejected_imports"
# A name the import's temporary storage gave a file (tempfile's), never a path.
_STORED_NAME = re.compile(r"^[A-Za-z0-9_]{1,64}$")


class PartnerCSV(CSV):
    """CSV as partners send it, read as the command reads it (hubs.importers.read_table)."""

    def is_binary(self):
        return True  # Bytes reach create_dataset, which finds the encoding itself.

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        return read_table(in_stream if isinstance(in_stream, bytes) else in_stream.encode())


SKIP_INVALID_LABEL = "Skip invalid rows"
SKIP_INVALID_HELP = (
    "Import the valid rows and download the others, with their row numbers and the reasons, "
    "as a CSV to fix and import again. Unticked, one bad row imports nothing."
)


class SkipInvalidImportForm(ImportForm):
    skip_invalid = forms.BooleanField(
        label=SKIP_INVALID_LABEL, required=False, help_text=SKIP_INVALID_HELP
    )


class SkipInvalidConfirmForm(ConfirmImportForm):
    skip_invalid = forms.BooleanField(required=False, widget=forms.HiddenInput)


class CsvImportAdmin(ImportExportModelAdmin):
    """Import and export in CSV, the import with the "skip invalid rows" box."""

    import_formats = [PartnerCSV]
    export_formats = [CSV]
    import_form_class = SkipInvalidImportForm
    confirm_form_class = SkipInvalidConfirmForm
    import_template_name = "admin/hubs/import.html"

    def get_urls(self):
        info = self.get_model_info()
        return [
            path(
                "import/rejected/<str:name>/",
                self.admin_site.admin_view(self.rejected_rows_view),
                name="{}_{}_import_rejected".format(*info),
            ),
            *super().get_urls(),
        ]

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        ticked = form is not None and form.is_bound and form.is_valid()
        skip = ticked and form.cleaned_data["skip_invalid"]
        return {**super().get_import_resource_kwargs(request, **kwargs), "skip_invalid": skip}

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["skip_invalid"] = import_form.cleaned_data["skip_invalid"]
        return initial

    def add_data_read_fail_error_to_form(self, form, e):
        form.add_error("import_file", f"This file can't be read as CSV: {e}")

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        result, form = context.get("result"), context.get("form")
        if result is None or result.base_errors:
            return response
        # Why each bad row is refused, and where each good row lands, as the command says it.
        context["rejected"] = rejection_reasons(result)
        bad = set(context["rejected"])
        context["landings"] = [
            landing for landing in getattr(result, "landings", []) if landing.row not in bad
        ]
        context["ignored_columns"] = getattr(result, "ignored_columns", [])
        if not form.cleaned_data.get("skip_invalid") or not bad:
            return response
        good = result.total_rows - len(bad)
        if not good:
            context["skip_summary"] = (
                f"Every row is invalid ({len(bad):,} of {result.total_rows:,}): nothing can be "
                "imported. Fix the rows listed below and upload the file again."
            )
        else:
            context["confirm_form"] = self.create_confirm_form(request, import_form=form)
            context["skip_summary"] = (
                f"{len(bad):,} of {result.total_rows:,} rows "
                f"{'is' if len(bad) == 1 else 'are'} invalid and will be left out; "
                f"the other {good:,} will be imported. After the import you can download the "
                "rejected rows with the reasons."
            )
        return response

    def process_dataset(self, dataset, form, request, **kwargs):
        result = super().process_dataset(dataset, form, request, **kwargs)
        if form.cleaned_data.get("skip_invalid") and not result.base_errors:
            rejected = rejected_rows(result, dataset)
            if rejected:
                request.rejected_import = (len(rejected), rejected_csv(rejected, dataset.headers))
        return result

    def process_result(self, result, request):
        response = super().process_result(result, request)
        if getattr(request, "rejected_import", None):
            count, text = request.rejected_import
            name = self._store(text)
            request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, [])[-9:], name]
            url = reverse("admin:{}_{}_import_rejected".format(*self.get_model_info()), args=[name])
            messages.warning(
                request,
                format_html(
                    '{} invalid and not imported: <a href="{}">download {} with '
                    "the reasons (CSV)</a>.",
                    "1 row was" if count == 1 else f"{count:,} rows were",
                    url,
                    "it" if count == 1 else "them",
                ),
            )
        return response

    def rejected_rows_view(self, request, name):
        """The rejected rows of an import this person made in this session, as a CSV."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        if not _STORED_NAME.match(name) or name not in request.session.get(SESSION_KEY, []):
            raise Http404("No rejected rows by that name.")
        try:
            text = self._storage(name).read()
        except OSError:
            raise Http404("These rejected rows are no longer kept.") from None
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        filename = f"{self.model._meta.model_name}-rejected-rows.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def _storage(self, name=None):
        return self.get_tmp_storage_class()(
            name=name, encoding="utf-8", read_mode="r", **self.get_tmp_storage_class_kwargs()
        )

    def _store(self, text):
        storage = self._storage()
        storage.save(text.encode("utf-8"))
        return storage.name.rsplit("/", 1)[-1]
