"""Pages where signed-in owners list and edit their businesses, share them with co-owners, leave
hubs, signal interest in a hub, and confirm a listing is up to date.

Access rules: anonymous visitors are sent to log in (the freshness email's signed link excepted);
someone else's business or membership gives 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from hubs import curation, mailing, services
from hubs.forms import BusinessForm, InviteForm
from hubs.models import Business, Industry, Membership
from hubs.nexturl import next_url
from hubs.services import ActionRefused
from hubs.views.editing import refused, save_image, upload_allowed

INVITE_MAX_AGE = 7 * 24 * 3600


def _posted_id(request, name):
    """A row's id from the form; anything but a whole number a database column holds names no
    row (404)."""
    value = request.POST.get(name, "")
    if not (value.isascii() and value.isdigit() and len(value) <= 18):
        raise Http404
    return int(value)


def _my_business(request, slug):
    return get_object_or_404(Business, slug=slug, owners=request.user)


def _my_membership(request, pk):
    return get_object_or_404(
        Membership.objects.select_related("hub", "business"),
        pk=pk,
        business__owners=request.user,
    )


@login_required
@require_http_methods(["GET", "POST"])
def business_create(request):
    """List a business; a visitor on their way to start a hub arrives with its industry and
    place filled in and a "next" back to it."""
    initial = {
        "industry": request.GET.get("industry", ""),
        "place_text": request.GET.get("near", ""),
    }
    form = BusinessForm(request.POST or None, request.FILES or None, initial=initial)
    back = request.POST.get("next") or request.GET.get("next")
    if (
        request.method == "POST"
        and form.is_valid()
        and upload_allowed(request, form, "logo_upload")
    ):
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        with transaction.atomic():
            business = services.business_register(
                owner=request.user, place=form.cleaned_data["location"], **data
            )
            if form.cleaned_data["logo_upload"]:
                save_image(business, "logo", form.cleaned_data["logo_upload"])
        messages.success(request, f"{business.name} is listed.")
        return redirect(next_url(request, back, default=business))
    # Shown back in a hidden field as typed: it is checked when it is followed.
    return render(request, "hubs/business_form.html", {"form": form, "next": back or ""})


@login_required
@require_http_methods(["GET", "POST"])
def business_edit(request, slug):
    business = _my_business(request, slug)
    form = BusinessForm(request.POST or None, request.FILES or None, instance=business)
    if (
        request.method == "POST"
        and form.is_valid()
        and upload_allowed(request, form, "logo_upload")
    ):
        with transaction.atomic():
            business = form.save(commit=False)
            if form.cleaned_data.get("location"):
                services.business_locate(business, form.cleaned_data["location"])
            business.save()
            if form.cleaned_data["logo_upload"]:
                save_image(business, "logo", form.cleaned_data["logo_upload"])
        messages.success(request, "Your changes are saved.")
        return redirect(business)
    return render(request, "hubs/business_form.html", {"form": form, "business": business})


@login_required
@require_http_methods(["GET", "POST"])
def business_delete(request, slug):
    business = _my_business(request, slug)
    if request.method == "POST":
        try:
            services.business_delete(business=business)
        except ActionRefused as error:
            return refused(request, error, business)
        messages.success(request, f"{business.name} was removed from the directory.")
        return redirect("accounts:dashboard")
    return render(request, "hubs/business_delete.html", {"business": business})


@login_required
@require_POST
def business_invite(request, slug):
    business = _my_business(request, slug)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return refused(request, "Enter a valid email address.", business)
    if not services.within_rate_limit(request, "invite"):
        return refused(
            request, "You have sent many invitations recently; please try again later.", business
        )
    token = signing.dumps({"b": business.pk, "e": form.cleaned_data["email"].lower()})
    services.invite_send(
        business=business,
        email=form.cleaned_data["email"],
        url=request.build_absolute_uri(reverse("hubs:invite_accept", args=[token])),
        sender=request.user,
    )
    email = form.cleaned_data["email"]
    if mailing.request_mail_sent():
        messages.success(request, f"We sent an invitation to {email}.")
    else:
        messages.success(request, f"We'll email an invitation to {email}.")
    return redirect(business)


@login_required
@require_http_methods(["GET", "POST"])
def invite_accept(request, token):
    try:
        data = signing.loads(token, max_age=INVITE_MAX_AGE)
    except signing.BadSignature:
        raise Http404 from None
    business = get_object_or_404(Business, pk=data["b"])
    if request.user.email.lower() != data["e"]:
        raise PermissionDenied("This invitation was sent to another email address.")
    if request.method == "POST":
        business.owners.add(request.user)
        messages.success(request, f"You are now an owner of {business.name}.")
        return redirect(business)
    return render(request, "hubs/invite_accept.html", {"business": business})


@login_required
@require_POST
def membership_leave(request, pk):
    membership = _my_membership(request, pk)
    try:
        services.membership_leave(membership=membership)
    except ActionRefused as error:
        return refused(request, error, membership.hub)
    messages.success(request, f"{membership.business.name} has left {membership.hub.name}.")
    return redirect("accounts:dashboard")


@login_required
@require_POST
def interest_add(request):
    business = get_object_or_404(Business, pk=_posted_id(request, "business"), owners=request.user)
    industry = get_object_or_404(Industry, pk=_posted_id(request, "industry"))
    count = services.interest_record(business=business, industry=industry)
    messages.success(
        request,
        f"Noted. {count} business{'es' if count != 1 else ''} near {business.city} "
        f"would join a {industry.title.lower()} hub.",
    )
    return redirect(next_url(request, request.POST.get("next"), default="accounts:dashboard"))


@require_http_methods(["GET", "POST"])
def confirm_listing(request, token):
    """The one-click link of the freshness email: GET shows a button, POST confirms."""
    listing = curation.listing_for_confirm_token(token)
    if listing is None:
        raise Http404
    if request.method == "POST":
        curation.confirm_listing(listing)
        messages.success(request, f"Thank you: {listing.name} is confirmed as up to date.")
        return redirect(listing)
    return render(request, "hubs/confirm_listing.html", {"listing": listing})
