"""Forms that turn what visitors type into domain values: an industry, a point, a radius."""

from django import forms

from hubs import gazetteer, geo
from hubs.queries import match_industries

RADIUS_CHOICES = [25, 50, 100, 150, 300, 500, 1000]
MIN_RADIUS, MAX_RADIUS = 1, 5000
UNIT_CHOICES = [("km", "kilometres"), ("mi", "miles")]


class PlaceField(forms.CharField):
    """A typed place, cleaned into a gazetteer Resolution (or a message with close spellings)."""

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        resolution = gazetteer.resolve(text)
        if not resolution.found:
            hint = ""
            if resolution.suggestions:
                hint = " Did you mean " + ", ".join(resolution.suggestions) + "?"
            raise forms.ValidationError(resolution.error + hint)
        return resolution


class SearchForm(forms.Form):
    """The "find your hub" form: what you make and where you are."""

    industry = forms.CharField(
        label="Your industry",
        max_length=120,
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": "e.g. sporting goods, software, 339920", "list": "industry-list"}
        ),
    )
    near = forms.CharField(
        label="Your location",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "City, postcode or “lat, lng”"}),
    )
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    radius = forms.FloatField(label="Within", required=False)
    unit = forms.ChoiceField(label="Unit", choices=UNIT_CHOICES, required=False)

    def clean_industry(self):
        text = self.cleaned_data["industry"].strip()
        self.industry_alternatives = []
        if not text:
            return None
        matches = match_industries(text)
        if not matches:
            raise forms.ValidationError(
                f"We don't know the industry “{text}”. Try a word like “furniture” "
                "or a NAICS code like 337."
            )
        self.industry_alternatives = matches[1:]
        return matches[0]

    def clean_radius(self):
        radius = self.cleaned_data["radius"]
        if radius is None or radius != radius:  # NaN
            return None
        return min(max(radius, MIN_RADIUS), MAX_RADIUS)

    def clean(self):
        cleaned = super().clean()
        lat, lng = cleaned.get("lat"), cleaned.get("lng")
        cleaned["place"] = None
        # A typed place wins over the browser's position, which "Use my location" sends alone.
        if cleaned.get("near"):
            resolution = gazetteer.resolve(cleaned["near"])
            if not resolution.found:
                self.add_error("near", resolution.error)
            cleaned["place"] = resolution
        elif lat is not None and lng is not None:
            cleaned["place"] = gazetteer.resolve(f"{lat}, {lng}")
        return cleaned

    def radius_km(self, unit, default_km):
        radius = self.cleaned_data.get("radius")
        if radius is None:
            return default_km
        return geo.miles_to_km(radius) if unit == "mi" else radius
