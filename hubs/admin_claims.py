"""The curators' side of claims: the list with how each claimant proved who they are, and the
approve and refuse actions (a refusal needs a reason, emailed to the claimant)."""

from django import forms
from django.contrib import admin, messages

from hubs import claims
from hubs.admin import _confirm_page
from hubs.models import Claim
from hubs.services import ActionRefused


class RefusalForm(forms.Form):
    reason = forms.CharField(
        label="Reason, sent to the claimant",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=2000,
    )


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "role",
        "verification",
        "work_email",
        "email_verified_at",
        "status",
        "created_at",
        "decided_by",
    ]
    list_filter = ["status", "verification", ("email_verified_at", admin.EmptyFieldListFilter)]
    list_select_related = ["claimant", "hub", "business", "decided_by"]
    search_fields = ["claimant__email", "hub__name", "business__name", "work_email", "role"]
    readonly_fields = [
        "claimant",
        "hub",
        "business",
        "organizing_business",
        "role",
        "verification",
        "work_email",
        "email_verified_at",
        "note",
        "status",
        "decided_by",
        "decided_at",
        "reason",
        "created_at",
    ]
    actions = ["approve_claims", "refuse_claims"]

    def has_add_permission(self, request):
        return False  # Claims come from the site's claim form, never typed in by a curator.

    def _decide(self, request, queryset, *, approve, reason=""):
        done, refused = 0, []
        for claim in queryset.select_related("hub", "business"):
            try:
                claims.claim_decide(
                    claim=claim, curator=request.user, approve=approve, reason=reason
                )
            except ActionRefused as error:
                refused.append(str(error))
            else:
                done += 1
        verb = "Approved" if approve else "Refused"
        if done:
            self.message_user(request, f"{verb} {done} claims; the claimants were emailed.")
        for error in refused:
            self.message_user(request, error, messages.ERROR)

    @admin.action(description="Approve the selected claims", permissions=["change"])
    def approve_claims(self, request, queryset):
        if "confirm" not in request.POST:
            return _confirm_page(
                self, request, queryset, action="approve_claims", title="Approve claims"
            )
        self._decide(request, queryset, approve=True)
        return None

    @admin.action(description="Refuse the selected claims (with a reason)", permissions=["change"])
    def refuse_claims(self, request, queryset):
        form = RefusalForm(request.POST if "confirm" in request.POST else None)
        if not form.is_valid():
            return _confirm_page(
                self, request, queryset, action="refuse_claims", title="Refuse claims", form=form
            )
        self._decide(request, queryset, approve=False, reason=form.cleaned_data["reason"])
        return None
