"""Forms for how a hub meets: in person at a place, or online for a coverage area (worldwide,
or countries, states and provinces typed as people write them) with an optional home base."""

import re

from django import forms

from hubs.coverage import MAX_AREAS, Coverage, NotAnArea, coverage_text
from hubs.fields import PlaceField
from hubs.forms import HubRegisterForm, LocatedFormMixin
from hubs.models import Hub, Region

NO_COVERAGE = (
    "An online hub needs its coverage: tick “Worldwide” or name the countries, states or "
    "provinces its members are in."
)


class CoverageForm(forms.Form):
    """The hub's mode and, for an online hub, its coverage, cleaned into ``coverage`` (a
    ``Coverage``, or None for a hub that meets in person)."""

    mode = forms.ChoiceField(
        label="The hub meets",
        choices=Hub.Mode.choices,
        initial=Hub.Mode.IN_PERSON,
        required=False,  # Left out, a hub meets in person.
        widget=forms.RadioSelect,
    )
    worldwide = forms.BooleanField(
        label="Online: members from anywhere in the world", required=False
    )
    areas = forms.CharField(
        label="Online: countries, states or provinces its members are in",
        max_length=2000,
        required=False,
        help_text="Separate them with semicolons: “Canada” or “Nebraska; Kansas; Iowa”.",
    )

    def is_online(self) -> bool:
        return self.cleaned_data.get("mode") == Hub.Mode.ONLINE

    def clean(self):
        cleaned = super().clean()
        cleaned["coverage"] = None
        if not self.is_online():
            return cleaned
        entries = [text.strip() for text in re.split(r"[;\n]", cleaned.get("areas", ""))]
        entries = [text for text in entries if text]
        if cleaned.get("worldwide") and entries:
            self.add_error("areas", "Worldwide covers every area: tick it or name areas, not both.")
            return cleaned
        if len(entries) > MAX_AREAS:
            self.add_error("areas", f"Name {MAX_AREAS} areas at most, or tick “Worldwide”.")
            return cleaned
        resolutions = []
        for text in entries:
            try:
                resolutions.append(PlaceField().clean(text))
            except forms.ValidationError as error:
                self.add_error("areas", error)
        if "areas" in self.errors:
            return cleaned
        try:
            coverage = Coverage.of(resolutions, worldwide=cleaned.get("worldwide", False))
        except NotAnArea as error:
            self.add_error("areas", str(error))
            return cleaned
        if not coverage:
            self.add_error("areas", NO_COVERAGE)
        cleaned["coverage"] = coverage
        return cleaned


def _nothing_typed(cleaned) -> bool:
    return (
        not cleaned.get("place_text")
        and cleaned.get("latitude") is None
        and cleaned.get("longitude") is None
    )


class HubStartForm(HubRegisterForm, CoverageForm):
    """Starting a hub: in person at a town, or online with a coverage and, if it has one, a
    home base."""

    field_order = ["name", "industry", "business", "mode", "worldwide", "areas", "place_text"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "place_text"
        ].help_text = "In person: the town it meets in. Online: its home base, or leave it empty."

    def clean_location(self):
        if self.is_online() and _nothing_typed(self.cleaned_data):
            return None  # An online hub may have no home base.
        return super().clean_location()


class HubModeForm(LocatedFormMixin, CoverageForm):
    """An organizer changes how the hub meets: online with a coverage (keeping its place as a
    home base, moving it, or dropping it), or in person at its home base or a new place."""

    place_text = forms.CharField(
        label="Town or postcode",
        max_length=200,
        required=False,
        help_text="Leave it empty to keep the hub's place as it is.",
    )
    latitude = forms.FloatField(
        required=False, min_value=-90, max_value=90, widget=forms.HiddenInput
    )
    longitude = forms.FloatField(
        required=False, min_value=-180, max_value=180, widget=forms.HiddenInput
    )
    no_home_base = forms.BooleanField(label="Online: no home base", required=False)

    def __init__(self, *args, hub, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "mode": hub.mode,
                "worldwide": hub.covers_worldwide,
                "areas": coverage_text(hub) if hub.is_online else "",
                "no_home_base": hub.is_online and hub.point is None,
            },
        )
        super().__init__(*args, **kwargs)
        self.hub = hub

    def clean(self):
        cleaned = super().clean()
        cleaned["home_base"] = None
        if not _nothing_typed(cleaned):
            try:
                cleaned["home_base"] = self.clean_location()
            except forms.ValidationError as error:
                self.add_error("place_text", error)
        no_base = self.is_online() and cleaned.get("no_home_base")
        if no_base and cleaned["home_base"] is not None:
            self.add_error("no_home_base", "Untick “no home base”, or leave the town empty.")
        if not self.is_online() and cleaned["home_base"] is None and self.hub.point is None:
            self.add_error("place_text", "A hub that meets in person needs its town or postcode.")
        cleaned["keep_home_base"] = not no_base
        return cleaned


class HubAdminForm(forms.ModelForm):
    """The curators' hub form: an online hub needs a coverage, a hub in person needs none."""

    class Meta:
        model = Hub
        fields = ["mode", "covers_worldwide", "covered_regions"]  # The admin adds the rest.

    def clean(self):
        cleaned = super().clean()
        online = cleaned.get("mode") == Hub.Mode.ONLINE
        regions = cleaned.get("covered_regions")
        if online and not cleaned.get("covers_worldwide") and not regions:
            self.add_error("covered_regions", NO_COVERAGE)
        if not online and regions:
            self.add_error("covered_regions", "A hub that meets in person covers no area.")
        if regions and any(region.kind == Region.Kind.METRO for region in regions):
            self.add_error("covered_regions", "Coverage names countries, states or provinces.")
        if online and cleaned.get("covers_worldwide") and regions:
            self.add_error("covered_regions", "Worldwide covers every area: leave these empty.")
        return cleaned
