"""Forms that turn what visitors type into domain values: an industry, a point, a radius."""

from django import forms
from django.utils import timezone

from hubs import gazetteer, geo
from hubs.fields import IndustryField, PlaceField, UnknownIndustry, UnknownPlace
from hubs.images import clean_image
from hubs.models import (
    Business,
    Connection,
    Flag,
    Hub,
    Membership,
    Mention,
    Partner,
    Resource,
    Update,
)
from hubs.models.hubs import zone_names

RADIUS_CHOICES = [25, 50, 100, 150, 300, 500, 1000]
MIN_RADIUS, MAX_RADIUS = 1, 5000
UNIT_CHOICES = [("km", "kilometres"), ("mi", "miles")]
UNIT_COOKIE = "unit"  # The unit a visitor chose once, kept for a year.


def chosen_unit(request):
    """The unit the visitor chose once ("km" or "mi"), or "" if none."""
    remembered = request.COOKIES.get(UNIT_COOKIE) if request else None
    return remembered if remembered in {"km", "mi"} else ""


def remembered_unit(request, country_code):
    """The visitor's remembered unit, else the one people use in that country."""
    return chosen_unit(request) or geo.default_unit(country_code)


def _one_line(text, message):
    """``text`` if it holds no line break of any kind (CR, LF, \\x0b, \\x85, \\u2028...): names
    and subjects go into email headers, where a line break would end the header."""
    if len(text.splitlines()) > 1:
        raise forms.ValidationError(message)
    return text


class SearchForm(forms.Form):
    """The "find your hub" form: what you make and where you are."""

    industry = IndustryField(
        label="Your industry",
        max_length=120,
        required=False,
        help_text="",
        widget=forms.TextInput(attrs={"placeholder": "e.g. sporting goods, software, 339920"}),
    )
    near = PlaceField(
        suggestions_in_message=False,  # The page shows them as links.
        label="Your location",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "City, postcode or “lat, lng”"}),
    )
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    radius = forms.FloatField(label="Within", required=False)
    unit = forms.ChoiceField(label="Unit", choices=UNIT_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # What the page offers beside the fields: close words and spellings, other readings.
        self.industry_did_you_mean, self.industry_alternatives, self.industry_related = [], [], []
        self.place_suggestions = []

    def full_clean(self):
        super().full_clean()
        for error in [e for errors in self.errors.as_data().values() for e in errors]:
            if isinstance(error, UnknownIndustry):
                self.industry_did_you_mean = error.result.did_you_mean
            elif isinstance(error, UnknownPlace):
                self.place_suggestions = error.resolution.suggestions
        # The template shows each error beside its field as "<name>-error"; point to it.
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-describedby": f"{name}-error", "aria-invalid": "true"}
                )

    def clean_industry(self):
        result = self.fields["industry"].result
        self.cleaned_data["industry_text"] = result.text if result else ""
        if result is None:
            return None
        # Industries the same curated word names are searched together ("software").
        self.industry_related = result.related
        titles = {result.best.title}
        close = [c for c in result.alternatives if c.score >= 0.75 * result.candidates[0].score]
        for candidate in close[:3]:
            if candidate.industry.title not in titles:  # NAICS repeats titles down the levels
                titles.add(candidate.industry.title)
                self.industry_alternatives.append(candidate)
        return result.best

    def clean_radius(self):
        radius = self.cleaned_data["radius"]
        if radius is None or radius != radius:  # NaN
            return None
        return min(max(radius, MIN_RADIUS), MAX_RADIUS)

    def clean(self):
        cleaned = super().clean()
        lat, lng = cleaned.get("lat"), cleaned.get("lng")
        # A typed place wins over the browser's position, which "Use my location" sends alone.
        place = cleaned.get("near")
        if place is None and "near" not in self.errors and lat is not None and lng is not None:
            place = PlaceField.position(lat, lng)
        cleaned["place"] = gazetteer.name_position(place) if place else None
        return cleaned

    def radius_km(self, unit, default_km):
        """The chosen radius in km; without one, ``default_km`` as a round number in ``unit``
        (150 km is 93 mi, shown as 100 mi)."""
        radius = self.cleaned_data.get("radius")
        if radius is None:
            in_unit = geo.km_to_miles(default_km) if unit == "mi" else default_km
            radius = geo.round_radius(in_unit)
        return geo.miles_to_km(radius) if unit == "mi" else radius


class FoundedYearMixin:
    """A founding year between 1600 and this one, for the model forms that have one."""

    def clean_founded_year(self):
        year = self.cleaned_data.get("founded_year")
        if year is not None and not 1600 <= year <= timezone.now().year:
            raise forms.ValidationError("Enter a year between 1600 and this year.")
        return year


class LocatedFormMixin:
    """A place typed as text, or a pin dropped on the map (latitude and longitude)."""

    def clean_location(self):
        cleaned = self.cleaned_data
        lat, lng = cleaned.get("latitude"), cleaned.get("longitude")
        text = cleaned.get("place_text", "")
        if lat is not None and lng is not None:
            return PlaceField.position(lat, lng, town=True)
        if (lat is None) != (lng is None):
            raise forms.ValidationError("Drop the pin again: the position was incomplete.")
        if not text:
            raise forms.ValidationError("Enter the town or postcode, or drop a pin on the map.")
        return PlaceField().clean(text)


def _image_field(label):
    """An optional image upload; clean_image() checks and re-encodes it."""
    return forms.FileField(
        label=label,
        required=False,
        help_text="JPEG, PNG or WebP, up to 5 MB.",
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )


def _latitude_field():
    return forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)


def _longitude_field():
    return forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)


class BusinessForm(FoundedYearMixin, LocatedFormMixin, forms.ModelForm):
    industry = IndustryField(label="Industry")
    place_text = forms.CharField(
        label="Town or postcode",
        max_length=200,
        required=False,
        help_text="Or drop a pin on the map.",
    )
    latitude = _latitude_field()
    longitude = _longitude_field()
    logo_upload = _image_field("Logo")

    class Meta:
        model = Business
        fields = [
            "name",
            "industry",
            "address",
            "website",
            "description",
            "size",
            "founded_year",
            "location_public",
            "accepts_invitations",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def clean_name(self):
        return _one_line(self.cleaned_data["name"], "Keep the name on one line.")

    field_order = [
        "name",
        "industry",
        "place_text",
        "address",
        "location_public",
        "website",
        "description",
        "size",
        "founded_year",
        "logo_upload",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["place_text"].initial = self.instance.city

    def clean_logo_upload(self):
        upload = self.cleaned_data.get("logo_upload")
        return clean_image(upload) if upload else None

    def clean(self):
        cleaned = super().clean()
        unchanged_place = (
            self.instance.pk
            and cleaned.get("place_text") == self.instance.city
            and cleaned.get("latitude") is None
        )
        if not unchanged_place:
            try:
                cleaned["location"] = self.clean_location()
            except forms.ValidationError as error:
                self.add_error("place_text", error)
        return cleaned


class HubRegisterForm(LocatedFormMixin, forms.Form):
    name = forms.CharField(label="Hub name", max_length=150)
    industry = IndustryField(label="Industry")
    business = forms.ModelChoiceField(
        label="Your business, its first organizer", queryset=Business.objects.none()
    )
    place_text = forms.CharField(label="Centre: town or postcode", max_length=200, required=False)
    latitude = _latitude_field()
    longitude = _longitude_field()
    description = forms.CharField(
        label="What the hub is about", max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    create_anyway = forms.BooleanField(
        label="None of these is my hub: start a new one", required=False
    )

    def clean_name(self):
        return _one_line(self.cleaned_data["name"], "Keep the name on one line.")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        businesses = Business.objects.filter(owners=user)
        self.fields["business"].queryset = businesses
        if len(mine := list(businesses[:2])) == 1:
            self.fields["business"].initial = mine[0].pk

    def clean(self):
        cleaned = super().clean()
        try:
            cleaned["location"] = self.clean_location()
        except forms.ValidationError as error:
            self.add_error("place_text", error)
        return cleaned


class JoinForm(forms.Form):
    business = forms.ModelChoiceField(label="Join with", queryset=Business.objects.none())
    connections = forms.MultipleChoiceField(
        label="Connections you can bring",
        choices=Connection.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, hub, **kwargs):
        super().__init__(*args, **kwargs)
        businesses = Business.objects.filter(owners=user).exclude(
            memberships__hub=hub,
            memberships__state__in=[Membership.State.REQUESTED, Membership.State.ACTIVE],
        )
        self.fields["business"].queryset = businesses
        if len(mine := list(businesses[:2])) == 1:
            self.fields["business"].initial = mine[0].pk


class HubEditForm(FoundedYearMixin, forms.ModelForm):
    cover_upload = _image_field("Cover image")

    class Meta:
        model = Hub
        fields = [
            "description",
            "mission",
            "website",
            "linkedin_url",
            "x_url",
            "facebook_url",
            "founded_year",
            "time_zone",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "mission": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "time_zone": "Meetings are scheduled and shown in it; set from the hub's town.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = self.fields["time_zone"]
        zone.required = False  # Left out, the hub keeps its zone.
        zone.widget = forms.Select(choices=[(name, name) for name in sorted(zone_names())])

    def clean_time_zone(self):
        return self.cleaned_data.get("time_zone") or self.instance.time_zone

    def clean_cover_upload(self):
        upload = self.cleaned_data.get("cover_upload")
        return clean_image(upload) if upload else None


class PartnerForm(forms.ModelForm):
    """A partner chosen from the reviewed resources near the hub."""

    class Meta:
        model = Partner
        fields = ["resource", "note"]

    def __init__(self, *args, hub, **kwargs):
        super().__init__(*args, **kwargs)
        # An online hub without a home base may partner with any reviewed resource.
        resources = Resource.objects.reviewed()
        if hub.point:
            nearby = resources.within_radius(lat=hub.latitude, lng=hub.longitude, radius_km=300)
            resources = resources.filter(pk__in=nearby.values("pk"))
        self.fields["resource"].queryset = resources.exclude(partners__hub=hub)
        self.fields["resource"].label = "Local resource or agency"
        self.hub = hub

    def save(self, *, added_by):
        partner = super().save(commit=False)
        partner.hub, partner.added_by = self.hub, added_by
        partner.save()
        return partner


class MentionForm(forms.ModelForm):
    class Meta:
        model = Mention
        fields = ["title", "url", "published_on"]
        widgets = {"published_on": forms.DateInput(attrs={"type": "date"})}

    def save(self, *, hub, added_by):
        mention = super().save(commit=False)
        mention.hub, mention.added_by = hub, added_by
        mention.save()
        return mention


class ContactForm(forms.Form):
    subject = forms.CharField(max_length=150)
    message = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 8}))

    def clean_subject(self):
        return _one_line(self.cleaned_data["subject"], "Keep the subject on one line.")


class InviteForm(forms.Form):
    email = forms.EmailField(label="Co-owner's email")


class FlagForm(forms.ModelForm):
    """A visitor's report on a business (or, as HubFlagForm, on a hub)."""

    reason = forms.ChoiceField(
        label="What is wrong?",
        choices=[
            c
            for c in Flag.Reason.choices
            if c[0] not in {Flag.Reason.STALE, Flag.Reason.DUPLICATE, Flag.Reason.UNCLAIMED}
        ],
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Flag
        fields = ["reason", "note"]
        labels = {"note": "Details for the curators"}
        widgets = {"note": forms.Textarea(attrs={"rows": 4})}


# How many hubs a duplicate report offers to choose from, and how far it looks for them.
DUPLICATE_CHOICES, DUPLICATE_CHOICES_KM = 20, 500


class HubFlagForm(FlagForm):
    """A report on a hub, which may say it duplicates another approved hub of its industry."""

    reason = forms.ChoiceField(
        label="What is wrong?",
        choices=[
            c for c in Flag.Reason.choices if c[0] not in {Flag.Reason.STALE, Flag.Reason.UNCLAIMED}
        ],
        widget=forms.RadioSelect,
    )
    duplicate_of = forms.ModelChoiceField(
        label="For a duplicate: the hub it duplicates",
        queryset=Hub.objects.none(),
        required=False,
        help_text="Approved hubs of the same industry, nearest first.",
    )

    class Meta(FlagForm.Meta):
        fields = ["reason", "duplicate_of", "note"]

    def __init__(self, *args, hub, **kwargs):
        super().__init__(*args, **kwargs)
        others = Hub.objects.approved().filter(industry=hub.industry_id).exclude(pk=hub.pk)
        if hub.point:
            nearest = others.within_radius(
                lat=hub.latitude, lng=hub.longitude, radius_km=DUPLICATE_CHOICES_KM
            )
        else:  # An online hub without a home base may duplicate any online hub of its industry.
            nearest = others.online().order_by("name")
        self.fields["duplicate_of"].queryset = others.filter(
            pk__in=[row.pk for row in nearest[:DUPLICATE_CHOICES]]
        )
        self.fields["duplicate_of"].label_from_instance = lambda h: (
            f"{h.name} ({h.region or 'online'})"
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") != Flag.Reason.DUPLICATE:
            cleaned["duplicate_of"] = None
        elif not cleaned.get("duplicate_of") and "duplicate_of" not in self.errors:
            self.add_error("duplicate_of", "Choose the hub this one duplicates.")
        return cleaned


class UpdateForm(forms.ModelForm):
    class Meta:
        model = Update
        fields = ["title", "body"]
        labels = {"body": "News"}
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}

    def save(self, *, hub, posted_by):
        update = super().save(commit=False)
        update.hub, update.posted_by = hub, posted_by
        update.save()
        return update
