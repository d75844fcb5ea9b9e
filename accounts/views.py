"""My account: my businesses, hubs, meetings and private calendar, requests waiting for me,
interest signals; deleting it."""

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from hubs import services
from hubs.meetings import meetings_of
from hubs.models import Business, CalendarFeed, Claim, Interest, Membership
from hubs.nexturl import next_url
from hubs.services import ActionRefused


class DeleteAccountForm(forms.Form):
    password = forms.CharField(label="Your password", widget=forms.PasswordInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        if not self.user.check_password(self.cleaned_data["password"]):
            raise forms.ValidationError("That is not your password.")
        return self.cleaned_data["password"]


@login_required
@require_GET
def dashboard(request):
    businesses = list(Business.objects.filter(owners=request.user).select_related("industry"))
    memberships = list(
        Membership.objects.current()
        .filter(business__owners=request.user)
        .select_related("hub", "business")
        .order_by("hub__name")
    )
    organized = [m.hub_id for m in memberships if m.is_organizer]
    waiting = (
        Membership.objects.requested()
        .filter(hub_id__in=organized)
        .select_related("hub", "business")
    )
    context = {
        "businesses": businesses,
        "memberships": memberships,
        "removals": list(
            Membership.objects.removed()
            .filter(business__owners=request.user)
            .select_related("hub", "business")
        ),
        "claims": list(
            Claim.objects.filter(claimant=request.user).select_related("hub", "business")
        ),
        "waiting": list(waiting),
        "interests": list(
            Interest.objects.filter(business__owners=request.user).select_related(
                "business", "industry"
            )
        ),
        "meetings": list(meetings_of(request.user).upcoming()),
        "calendar_feed": CalendarFeed.objects.filter(user=request.user).first(),
    }
    return render(request, "accounts/dashboard.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    """Delete the account and the businesses only this user owns; co-owned ones stay."""
    user = request.user
    form = DeleteAccountForm(request.POST or None, user=user)
    sole = [b for b in Business.objects.filter(owners=user) if b.owners.count() == 1]
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                for business in sole:
                    services.business_delete(business=business)
                user.delete()
        except ActionRefused as error:
            messages.error(request, str(error))
            return redirect("accounts:delete")
        logout(request)
        messages.success(request, "Your account is deleted.")
        return redirect("hubs:home")
    return render(request, "accounts/delete.html", {"form": form, "sole": sole})


def admin_login(request, extra_context=None):
    """The admin's log-in, replaced by the site's, which django-allauth rate-limits."""
    after = next_url(request, request.GET.get("next"), default="admin:index")
    if not request.user.is_authenticated:
        return redirect_to_login(after, reverse("account_login"))
    if not request.user.is_staff:
        raise PermissionDenied("Your account has no access to the curators' admin.")
    return redirect(after)
