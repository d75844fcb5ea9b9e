"""Organizers inviting businesses nearby that belong to no hub, and the unsubscribe link of
those invitations.

Access rules: the invitation page is an organizers' page (404 for outsiders, 403 for members
who do not organize); the unsubscribe link works without logging in, its signed token being
the proof.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from hubs import organizing, queries, services
from hubs.organizer_forms import InviteBusinessesForm
from hubs.services import ActionRefused
from hubs.views.organizers import _organized_hub

INVITE_RADIUS_KM = 100


@login_required
@require_http_methods(["GET", "POST"])
def hub_invite(request, slug):
    hub = _organized_hub(request, slug)
    candidates = queries.businesses_to_invite(hub=hub, radius_km=INVITE_RADIUS_KM)
    form = InviteBusinessesForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        if not services.within_rate_limit(request, "hub_invite"):
            form.add_error(None, "You have sent many invitations recently; please try again later.")
        else:
            try:
                sent = organizing.invitations_send(
                    hub=hub,
                    businesses=form.cleaned_data["businesses"],
                    message=form.cleaned_data["message"],
                    sent_by=request.user,
                )
            except ActionRefused as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    f"{len(sent)} invitation{'s' if len(sent) != 1 else ''} saved and emailed "
                    "to the owners.",
                )
                return redirect("hubs:hub_manage", slug=hub.slug)
    context = {"hub": hub, "form": form, "radius_km": INVITE_RADIUS_KM}
    return render(request, "hubs/hub_invite.html", context)


@require_http_methods(["GET", "POST"])
def invitations_opt_out(request, token):
    """GET shows a button (mail scanners follow links), POST stops hubs' invitations."""
    business = organizing.business_for_opt_out_token(token)
    if business is None:
        raise Http404
    if request.method == "POST":
        organizing.invitations_opt_out(business=business)
        messages.success(request, f"Hubs will no longer invite {business.name}.")
        return redirect(business)
    return render(request, "hubs/invitations_opt_out.html", {"business": business})
