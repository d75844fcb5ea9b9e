"""The organizers' page for how a hub meets: in person at a place, or online for a coverage
area with an optional home base. Access as on every organizers' page (``_organized_hub``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from hubs import services
from hubs.coverage_forms import HubModeForm
from hubs.services import ActionRefused
from hubs.views.organizers import _organized_hub


@login_required
@require_http_methods(["GET", "POST"])
def hub_meets(request, slug):
    hub = _organized_hub(request, slug)
    form = HubModeForm(request.POST or None, hub=hub)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            hub = services.hub_change_mode(
                hub=hub,
                coverage=data["coverage"],
                home_base=data["home_base"],
                keep_home_base=data["keep_home_base"],
            )
        except ActionRefused as error:
            form.add_error(None, str(error))
        else:
            how = f"online, for {hub.coverage_label}" if hub.is_online else f"in {hub.region}"
            messages.success(request, f"{hub.name} now meets {how}.")
            return redirect("hubs:hub_manage", slug=hub.slug)
    return render(request, "hubs/hub_meets.html", {"hub": hub, "form": form})
