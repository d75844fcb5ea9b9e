"""Pages where owners start or join a hub and its organizers run it: the hub's page, members'
requests and roles, partners, mentions and news updates.

Access rules: anonymous visitors are sent to log in; on organizers' pages, a hub none of the
user's businesses belongs to gives 404 and a member who is not an organizer 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from hubs import organizing, services
from hubs.coverage_forms import HubStartForm
from hubs.forms import (
    HubEditForm,
    JoinForm,
    MentionForm,
    PartnerForm,
    UpdateForm,
    remembered_unit,
)
from hubs.models import Hub, Membership
from hubs.organizer_forms import MemberRemoveForm, PartnerSuggestForm
from hubs.services import ActionRefused, ListingUnclaimed
from hubs.views.claims import unclaimed
from hubs.views.editing import refused, save_image, upload_allowed


def _organized_hub(request, slug):
    """The hub, if one of the user's businesses organizes it: 404 for outsiders, 403 for
    members who are not organizers."""
    hub = get_object_or_404(Hub.objects.select_related("industry", "region"), slug=slug)
    mine = hub.memberships.active().filter(business__owners=request.user)
    if not mine.exists():
        raise Http404
    if not mine.organizers().exists():
        raise PermissionDenied
    return hub


def _organized_membership(request, pk):
    membership = get_object_or_404(Membership.objects.select_related("hub", "business"), pk=pk)
    _organized_hub(request, membership.hub.slug)
    return membership


def _hubs_visible_to(user, hubs):
    """Approved hubs; a hub under review only to curators and its own organizers."""
    pending = [hub.pk for hub in hubs if not hub.is_approved]
    organized = set()
    if pending and not user.is_staff:
        organized = set(
            Membership.objects.organizers()
            .active()
            .filter(hub__in=pending, business__owners=user)
            .values_list("hub", flat=True)
        )
    return [hub for hub in hubs if hub.is_approved or user.is_staff or hub.pk in organized]


def _list_business_query(request):
    """The query of the "list your business" link for someone starting a hub without one: the
    hub's industry and place to prefill, and the way back here."""
    carried = {name: request.GET.get(name, "") for name in ("industry", "near")}
    return urlencode({**{k: v for k, v in carried.items() if v}, "next": request.get_full_path()})


@login_required
@require_http_methods(["GET", "POST"])
def hub_create(request):
    initial = {
        "industry": request.GET.get("industry", ""),
        "place_text": request.GET.get("near", ""),
    }
    form = HubStartForm(request.POST or None, user=request.user, initial=initial)
    nearby = []
    if request.method == "POST" and form.is_valid():
        data, location = form.cleaned_data, form.cleaned_data["location"]
        if data["coverage"] is None:  # An online hub is not "near" the hubs of a town.
            nearby = services.hubs_near(
                industry=data["industry"], lat=location.latitude, lng=location.longitude
            )
        if not nearby or data["create_anyway"]:
            try:
                hub = services.hub_register(
                    business=data["business"],
                    name=data["name"],
                    industry=data["industry"],
                    place=location,
                    description=data["description"],
                    created_by=request.user,
                    coverage=data["coverage"],
                )
            except ActionRefused as error:
                form.add_error("name", str(error))
            else:
                messages.success(request, f"{hub.name} is registered.")
                return redirect("hubs:hub_manage", slug=hub.slug)
    shown = _hubs_visible_to(request.user, nearby)
    location = form.cleaned_data.get("location") if form.is_bound else None
    context = {
        "form": form,
        "unit": remembered_unit(request, location.country if location else ""),
        "list_business_query": _list_business_query(request),
        "nearby": shown,
        "under_review": len(nearby) - len(shown),
        "has_business": form.fields["business"].queryset.exists(),
    }
    return render(request, "hubs/hub_create.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def hub_join(request, slug):
    hub = get_object_or_404(Hub.objects.approved(), slug=slug)
    if not services.organizer_emails(hub):
        return unclaimed(request, hub, wanted="join")
    form = JoinForm(request.POST or None, user=request.user, hub=hub)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_request(
                hub=hub,
                business=form.cleaned_data["business"],
                connections=form.cleaned_data["connections"],
                user=request.user,
            )
        except ListingUnclaimed:
            return unclaimed(request, hub, wanted="join")
        except ActionRefused as error:
            return refused(request, error, hub)
        messages.success(request, "Your request is sent; the organizers will answer it.")
        return redirect(hub)
    return render(request, "hubs/hub_join.html", {"hub": hub, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def hub_manage(request, slug):
    hub = _organized_hub(request, slug)
    form = HubEditForm(request.POST or None, request.FILES or None, instance=hub)
    if (
        request.method == "POST"
        and form.is_valid()
        and upload_allowed(request, form, "cover_upload")
    ):
        with transaction.atomic():
            hub = form.save()
            if form.cleaned_data["cover_upload"]:
                save_image(hub, "cover_image", form.cleaned_data["cover_upload"])
        messages.success(request, "The hub's page is updated.")
        return redirect("hubs:hub_manage", slug=hub.slug)
    memberships = hub.memberships.current().select_related("business")
    context = {
        "hub": hub,
        "form": form,
        "requests": [m for m in memberships if m.is_requested],
        "members": [m for m in memberships if m.is_active],
        "partners": hub.partners.select_related("resource"),
        "mentions": hub.mentions.all(),
        "partner_form": PartnerForm(hub=hub),
        "partner_suggest_form": PartnerSuggestForm(prefix="suggest"),
        "mention_form": MentionForm(),
        "update_form": UpdateForm(),
    }
    return render(request, "hubs/hub_manage.html", context)


@login_required
@require_POST
def hub_resubmit(request, slug):
    hub = _organized_hub(request, slug)
    try:
        services.hub_resubmit(hub=hub)
    except ActionRefused as error:
        return refused(request, error, reverse("hubs:hub_manage", args=[hub.slug]))
    messages.success(request, f"{hub.name} is sent to the curators for review again.")
    return redirect("hubs:hub_manage", slug=hub.slug)


@login_required
@require_POST
def membership_decide(request, pk):
    membership = _organized_membership(request, pk)
    try:
        services.membership_decide(
            membership=membership, approve=request.POST.get("approve") == "1"
        )
    except ActionRefused as error:
        return refused(request, error, reverse("hubs:hub_manage", args=[membership.hub.slug]))
    return redirect("hubs:hub_manage", slug=membership.hub.slug)


@login_required
@require_POST
def membership_role(request, pk):
    membership = _organized_membership(request, pk)
    role = request.POST.get("role")
    if role not in Membership.Role.values:
        return refused(request, "Choose member or organizer.", membership.hub)
    try:
        services.membership_set_role(membership=membership, role=role)
    except ActionRefused as error:
        messages.error(request, str(error))
    return redirect("hubs:hub_manage", slug=membership.hub.slug)


def _back_to_manage(hub):
    return redirect("hubs:hub_manage", slug=hub.slug)


@login_required
@require_POST
def partner_add(request, slug):
    hub = _organized_hub(request, slug)
    form = PartnerForm(request.POST, hub=hub)
    if form.is_valid():
        form.save(added_by=request.user)
    else:
        messages.error(request, "Choose a local resource to record as a partner.")
    return _back_to_manage(hub)


@login_required
@require_POST
def partner_suggest(request, slug):
    """A partner missing from the curated list becomes a resource pending curator review."""
    hub = _organized_hub(request, slug)
    form = PartnerSuggestForm(request.POST, prefix="suggest")
    if not form.is_valid():
        messages.error(
            request, "A partner needs a name and a kind; a website must be a web address."
        )
        return _back_to_manage(hub)
    try:
        partner = organizing.partner_suggest(hub=hub, added_by=request.user, **form.cleaned_data)
    except ActionRefused as error:
        return refused(request, error, reverse("hubs:hub_manage", args=[hub.slug]))
    messages.success(
        request,
        f"{partner.resource.name} is recorded as a partner. Curators will review it before it "
        "shows on the hub's public page.",
    )
    return _back_to_manage(hub)


@login_required
@require_POST
def mention_add(request, slug):
    hub = _organized_hub(request, slug)
    form = MentionForm(request.POST)
    if form.is_valid():
        form.save(hub=hub, added_by=request.user)
    else:
        messages.error(request, "A mention needs a title and a web address (http or https).")
    return _back_to_manage(hub)


@login_required
@require_POST
def update_add(request, slug):
    hub = _organized_hub(request, slug)
    form = UpdateForm(request.POST)
    if form.is_valid():
        form.save(hub=hub, posted_by=request.user)
        messages.success(request, "Your update is posted on the hub's page and in its feed.")
    else:
        messages.error(request, "An update needs a title and some news (3,000 characters at most).")
    return _back_to_manage(hub)


@login_required
@require_POST
def membership_remove(request, pk):
    membership = _organized_membership(request, pk)
    form = MemberRemoveForm(request.POST)
    if not form.is_valid():
        return refused(
            request, "Give the member a reason (1,000 characters at most).", _manage(membership)
        )
    try:
        organizing.membership_remove(membership=membership, reason=form.cleaned_data["reason"])
    except ActionRefused as error:
        return refused(request, error, _manage(membership))
    messages.success(
        request, f"{membership.business.name} is removed; its owners are told your reason."
    )
    return redirect(_manage(membership))


def _manage(membership):
    return reverse("hubs:hub_manage", args=[membership.hub.slug])
