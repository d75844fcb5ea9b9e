"""Forms for listings nobody runs on the site: claiming one, and notifying the curators."""

from django import forms

from hubs import claims
from hubs.forms import _one_line
from hubs.models import Business, Claim, Hub


class ClaimForm(forms.Form):
    """Asking to run a listing: who you are, and a work email on its domain or a note."""

    role = forms.CharField(
        label="Who are you at this listing?",
        max_length=150,
        help_text="For example: founder, owner, chair of the organizing committee.",
    )
    organizing_business = forms.ModelChoiceField(
        label="Your business that will organize the hub", queryset=Business.objects.none()
    )
    verification = forms.ChoiceField(
        label="How can we check it is you?",
        choices=Claim.Verification.choices,
        widget=forms.RadioSelect,
    )
    work_email = forms.EmailField(
        label="Work email",
        required=False,
        help_text="We email it a link; open it to show the address is yours.",
    )
    note = forms.CharField(
        label="Note for the curators",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="How can the curators check that you run it? A phone number on its website...",
    )

    def __init__(self, *args, listing, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.domain = claims.web_domain(listing)
        if isinstance(listing, Hub):
            self.fields["organizing_business"].queryset = Business.objects.filter(owners=user)
        else:
            del self.fields["organizing_business"]
        if self.domain:
            self.fields["work_email"].help_text = (
                f"An address ending in @{self.domain}. " + self.fields["work_email"].help_text
            )
        else:
            # Without a website there is no domain to prove an address on: a note it is.
            self.fields["verification"].choices = [
                c for c in Claim.Verification.choices if c[0] == Claim.Verification.NOTE
            ]
            self.fields["verification"].initial = Claim.Verification.NOTE
            del self.fields["work_email"]

    def clean_role(self):
        return _one_line(self.cleaned_data["role"], "Keep it on one line.")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("verification") == Claim.Verification.EMAIL:
            email = cleaned.get("work_email", "")
            if not email and "work_email" not in self.errors:
                self.add_error("work_email", "Give your work email, or choose a note instead.")
            elif email and not claims.email_on_domain(email, self.domain):
                self.add_error("work_email", f"Give an address ending in @{self.domain}.")
            cleaned["note"] = cleaned.get("note", "")
        else:
            cleaned["work_email"] = ""
            if not cleaned.get("note", "").strip() and "note" not in self.errors:
                self.add_error("note", "Tell the curators how they can check it is you.")
        return cleaned


class UnclaimedNotifyForm(forms.Form):
    note = forms.CharField(
        label="What should the curators know? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
