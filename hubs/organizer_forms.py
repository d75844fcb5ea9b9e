"""Forms of the organizers' tools: inviting businesses nearby, removing a member, recording a
partner that is not in the curated list (choosing one that is: forms.PartnerForm)."""

from django import forms

from hubs.models import Business, Resource
from hubs.organizing import MAX_INVITATIONS_AT_ONCE


class InviteBusinessesForm(forms.Form):
    businesses = forms.ModelMultipleChoiceField(
        label="Businesses to invite",
        queryset=Business.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one business to invite."},
    )
    message = forms.CharField(
        label="Your message",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Sent to each business's owners, with a link to your hub and a link to stop "
        "hubs' invitations.",
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["businesses"]
        field.queryset = Business.objects.filter(pk__in=[b.pk for b in candidates])
        field.label_from_instance = lambda b: f"{b.name} ({b.industry.title}, {b.city})"

    def clean_businesses(self):
        chosen = self.cleaned_data["businesses"]
        if len(chosen) > MAX_INVITATIONS_AT_ONCE:
            raise forms.ValidationError(
                f"Invite at most {MAX_INVITATIONS_AT_ONCE} businesses at a time."
            )
        return chosen


class MemberRemoveForm(forms.Form):
    reason = forms.CharField(
        label="Reason, shown to the member",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PartnerSuggestForm(forms.ModelForm):
    """A partner missing from the list (a city council, a mayor's office...), for review."""

    note = forms.CharField(label="How they are involved", max_length=300, required=False)

    class Meta:
        model = Resource
        fields = ["name", "kind", "city", "website"]
        labels = {"name": "Partner's name", "kind": "Kind of organization"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Public-sector kinds first: the partners the curated list most often lacks.
        kinds = sorted(
            Resource.Kind.choices, key=lambda choice: choice[0] not in Resource.PUBLIC_SECTOR
        )
        self.fields["kind"].choices = [("", "---------"), *kinds]
