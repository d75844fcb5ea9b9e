"""The two fields that turn what people type into domain values, one path each: a place into a
point (``PlaceField``), words or a code into an industry (``IndustryField``).

Every form, the filters, the GeoJSON API and the importers read text through these, so a place
or an industry is understood, or refused with the same message, wherever it is typed.
"""

from collections.abc import Iterable
from typing import Any

from django import forms

from hubs import gazetteer, lookups, vocabulary
from hubs.gazetteer import Resolution
from hubs.models import Industry


class UnknownPlace(forms.ValidationError):
    """A place the gazetteer does not know; ``resolution`` holds its close spellings."""

    def __init__(self, resolution: Resolution, message: str) -> None:
        super().__init__(message, code="unknown_place")
        self.resolution = resolution


class UnknownIndustry(forms.ValidationError):
    """Words no industry fits; ``result`` holds the matcher's "did you mean" words."""

    def __init__(self, result: vocabulary.Result, message: str) -> None:
        super().__init__(message, code="unknown_industry")
        self.result = result


class PlaceField(forms.CharField):
    """A typed place ("Ogden, UT", "84401", "Cook County, IL", "45.5, -122.6"), cleaned into a
    gazetteer ``Resolution``: its point, its town and its country.

    ``suggestions_in_message``: whether the error names close spellings ("Did you mean
    Ogden?"); a page that shows them as links of its own leaves them out.
    """

    def __init__(self, *, suggestions_in_message: bool = True, **kwargs: Any) -> None:
        self.suggestions_in_message = suggestions_in_message
        super().__init__(**kwargs)

    def clean(self, value: str | None) -> Resolution | None:
        text = super().clean(value)
        if not text:
            return None
        return self.found(lookups.remembered("place", text, gazetteer.resolve))

    def found(self, resolution: Resolution) -> Resolution:
        """The resolution if it found a place, else UnknownPlace saying why."""
        if not resolution.found:
            message = resolution.message if self.suggestions_in_message else resolution.error
            raise UnknownPlace(resolution, message)
        return resolution

    @staticmethod
    def many(texts: Iterable[str]) -> dict[str, Resolution]:
        """Every text of a file resolved in a few queries (the importers' path); a text not
        found maps to its resolution, whose ``message`` says why."""
        return gazetteer.resolve_many(texts)

    @staticmethod
    def position(lat: float, lng: float, *, town: bool = False) -> Resolution:
        """A position already checked as two numbers in range (a pin, the browser's location).

        Built directly, not by resolving "lat, lng" text again: str(0.00001) is "1e-05", which
        no typed coordinate pattern accepts. ``town``: find the town it lies in (a business
        placed by a pin belongs to that town's region)."""
        text = ", ".join(f"{value:.6f}".rstrip("0").rstrip(".") for value in (lat, lng))
        resolution = Resolution(query=text, latitude=lat, longitude=lng)
        if town:
            resolution.place = gazetteer.nearest_city(lat=lat, lng=lng)
        return resolution


class IndustryField(forms.CharField):
    """An industry typed as words or a NAICS code (the suggestions fill in the exact title).

    The best match wins; ``strict`` (the API, the importers) instead refuses words that fit
    several industries about as well, naming them. After ``clean``, ``result`` holds the
    matcher's reading, with its alternatives and related industries.
    """

    def __init__(self, *, strict: bool = False, **kwargs: Any) -> None:
        self.strict = strict
        self.result: vocabulary.Result | None = None
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault(
            "help_text", "Type a few words or a NAICS code and pick from the suggestions."
        )
        super().__init__(**kwargs)
        self.widget.attrs.update({"list": "industry-list", "autocomplete": "off"})

    def prepare_value(self, value: object) -> object:
        if isinstance(value, Industry):
            return value.title
        if isinstance(value, int):
            industry = Industry.objects.filter(pk=value).first()
            return industry.title if industry else ""
        return value

    def clean(self, value: str | None) -> Industry | None:
        self.result = None
        text = super().clean(value)
        if not text:
            return None
        if self.strict:
            try:
                return vocabulary.one_industry(text)
            except ValueError as error:
                raise forms.ValidationError(str(error), code="industry") from None
        self.result = vocabulary.match(text)
        if not self.result.candidates:
            raise UnknownIndustry(self.result, unknown_industry(self.result))
        return self.result.best


def unknown_industry(result: vocabulary.Result) -> str:
    """ "We don't know…", with close known words, and the text counted for the curators."""
    if result.error:
        return result.error
    vocabulary.record_unmatched(result.text)
    message = f"We don't know the industry “{result.text}”."
    if result.did_you_mean:
        return f"{message} Did you mean {' or '.join(f'“{w}”' for w in result.did_you_mean)}?"
    return f"{message} Try a word like “furniture” or a NAICS code like 337."
