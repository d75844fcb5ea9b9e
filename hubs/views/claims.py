"""Pages for listings nobody runs on the site: claiming one, proving a work email, and telling
the curators that someone wanted to reach one.

Access rules: claiming and notifying need a signed-in person (anonymous visitors are sent to log
in); the email link works without logging in, since the signed token is the proof.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from hubs import claims, mailing, services
from hubs.claim_forms import ClaimForm, UnclaimedNotifyForm
from hubs.models import Business, Hub
from hubs.services import ActionRefused


def _claim_news(claim):
    """What happens next, saying of the email only what became of it."""
    if not claim.work_email:
        return f"Your claim of {claim.listing.name} is sent to the curators, who will email you."
    if mailing.request_mail_sent():
        sent = f"We have emailed a link to {claim.work_email}"
    else:
        sent = f"Your claim is saved and we'll email a link to {claim.work_email}"
    return f"{sent}: open it to show the address is yours. The curators then decide."


def _claim(request, listing):
    if claims.has_owner_on_site(listing):
        return redirect(listing)
    form = ClaimForm(request.POST or None, listing=listing, user=request.user)
    if request.method == "POST" and form.is_valid():
        if not services.within_rate_limit(request, "claim"):
            form.add_error(None, "You have sent many claims recently; please try again later.")
        else:
            data = form.cleaned_data
            try:
                claim = claims.claim_submit(
                    claimant=request.user,
                    listing=listing,
                    role=data["role"],
                    work_email=data["work_email"],
                    note=data["note"],
                    organizing_business=data.get("organizing_business"),
                )
            except ActionRefused as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _claim_news(claim))
                return redirect(listing)
    context = {"form": form, "listing": listing, "is_hub": isinstance(listing, Hub)}
    return render(request, "hubs/claim.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def claim_hub(request, slug):
    return _claim(request, get_object_or_404(Hub.objects.approved(), slug=slug))


@login_required
@require_http_methods(["GET", "POST"])
def claim_business(request, slug):
    return _claim(request, get_object_or_404(Business, slug=slug))


@require_http_methods(["GET", "POST"])
def claim_verify(request, token):
    """The link mailed to a claimant's work email: GET shows a button (mail scanners follow
    links), POST records the address as proven."""
    claim = claims.claim_for_verify_token(token)
    if claim is None:
        raise Http404
    if request.method == "POST":
        claims.claim_verify_email(claim=claim)
        messages.success(
            request,
            f"Thank you: {claim.work_email} is confirmed. The curators will decide on your "
            f"claim of {claim.listing.name} and email you.",
        )
        return redirect(claim.listing)
    return render(request, "hubs/claim_verify.html", {"claim": claim})


def _notify(request, listing):
    form = UnclaimedNotifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Keep the note under 2,000 characters.")
    elif claims.has_owner_on_site(listing):
        messages.info(request, f"{listing.name} is now run on the site: you can write to it.")
    elif not services.within_rate_limit(request, "flag"):
        messages.error(request, "You have sent many reports recently; please try again later.")
    else:
        claims.unclaimed_notify(listing=listing, user=request.user, note=form.cleaned_data["note"])
        messages.success(
            request,
            f"We told the curators that you want to reach {listing.name}, which nobody runs on "
            "the site yet. No message was sent to the listing itself.",
        )
    return redirect(listing)


@login_required
@require_POST
def notify_hub(request, slug):
    return _notify(request, get_object_or_404(Hub.objects.approved(), slug=slug))


@login_required
@require_POST
def notify_business(request, slug):
    return _notify(request, get_object_or_404(Business, slug=slug))


def unclaimed(request, listing, *, wanted):
    """The page shown instead of a contact or join form when nobody runs the listing here."""
    context = {"listing": listing, "wanted": wanted, "is_hub": isinstance(listing, Hub)}
    return render(request, "hubs/unclaimed.html", context)
