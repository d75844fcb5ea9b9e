"""Pages where signed-in owners list businesses, start and join hubs, and organizers run them.

Access rules, the same on every page: anonymous visitors are sent to log in; someone else's
business or hub gives 404; a member who is not an organizer gets 403 on organizers' pages.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from hubs import curation, services
from hubs.forms import (
    BusinessForm,
    ContactForm,
    FlagForm,
    HubEditForm,
    HubFlagForm,
    HubRegisterForm,
    InviteForm,
    JoinForm,
    MentionForm,
    PartnerForm,
    UpdateForm,
    remembered_unit,
)
from hubs.models import Business, Flag, Hub, Industry, Membership
from hubs.nexturl import next_url
from hubs.services import ActionRefused

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


def _refused(request, error, to):
    messages.error(request, str(error))
    return redirect(to)


def _upload_allowed(request, form, field):
    """Whether the form's image, if it has one, is within the user's upload rate; if not, the
    form says so and nothing is saved."""
    if not form.cleaned_data.get(field) or services.within_rate_limit(request, "upload"):
        return True
    form.add_error(field, "You have uploaded many images recently; please try again later.")
    return False


def _save_image(instance, field, content):
    """Attach a cleaned image; the file is removed again if the database write fails, and the
    file it replaces once the write commits (until then the row still points to it)."""
    image = getattr(instance, field)
    replaced, storage = image.name, image.storage
    image.save(content.name, content, save=False)
    try:
        instance.save()
    except Exception:
        image.delete(save=False)
        raise
    if replaced:
        transaction.on_commit(lambda: storage.delete(replaced))


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
        and _upload_allowed(request, form, "logo_upload")
    ):
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        with transaction.atomic():
            business = services.business_register(
                owner=request.user, place=form.cleaned_data["location"], **data
            )
            if form.cleaned_data["logo_upload"]:
                _save_image(business, "logo", form.cleaned_data["logo_upload"])
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
        and _upload_allowed(request, form, "logo_upload")
    ):
        with transaction.atomic():
            business = form.save(commit=False)
            if form.cleaned_data.get("location"):
                services.business_locate(business, form.cleaned_data["location"])
            business.save()
            if form.cleaned_data["logo_upload"]:
                _save_image(business, "logo", form.cleaned_data["logo_upload"])
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
            return _refused(request, error, business)
        messages.success(request, f"{business.name} was removed from the directory.")
        return redirect("accounts:dashboard")
    return render(request, "hubs/business_delete.html", {"business": business})


@login_required
@require_POST
def business_invite(request, slug):
    business = _my_business(request, slug)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _refused(request, "Enter a valid email address.", business)
    if not services.within_rate_limit(request, "invite"):
        return _refused(
            request, "You have sent many invitations recently; please try again later.", business
        )
    token = signing.dumps({"b": business.pk, "e": form.cleaned_data["email"].lower()})
    services.invite_send(
        business=business,
        email=form.cleaned_data["email"],
        url=request.build_absolute_uri(reverse("hubs:invite_accept", args=[token])),
        sender=request.user,
    )
    if not services.mail_failed():  # Else the page says it was not delivered.
        messages.success(request, f"We sent an invitation to {form.cleaned_data['email']}.")
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


def _hubs_visible_to(user, hubs):
    """Approved hubs; a hub under review only to curators and its own organizers."""
    pending = [hub.pk for hub in hubs if hub.status != Hub.Status.APPROVED]
    organized = set()
    if pending and not user.is_staff:
        organized = set(
            Membership.objects.organizers()
            .active()
            .filter(hub__in=pending, business__owners=user)
            .values_list("hub", flat=True)
        )
    return [
        hub
        for hub in hubs
        if hub.status == Hub.Status.APPROVED or user.is_staff or hub.pk in organized
    ]


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
    form = HubRegisterForm(request.POST or None, user=request.user, initial=initial)
    nearby = []
    if request.method == "POST" and form.is_valid():
        data, location = form.cleaned_data, form.cleaned_data["location"]
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
    form = JoinForm(request.POST or None, user=request.user, hub=hub)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_request(
                hub=hub,
                business=form.cleaned_data["business"],
                connections=form.cleaned_data["connections"],
                user=request.user,
            )
        except ActionRefused as error:
            return _refused(request, error, hub)
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
        and _upload_allowed(request, form, "cover_upload")
    ):
        with transaction.atomic():
            hub = form.save()
            if form.cleaned_data["cover_upload"]:
                _save_image(hub, "cover_image", form.cleaned_data["cover_upload"])
        messages.success(request, "The hub's page is updated.")
        return redirect("hubs:hub_manage", slug=hub.slug)
    memberships = hub.memberships.current().select_related("business")
    context = {
        "hub": hub,
        "form": form,
        "requests": [m for m in memberships if m.state == Membership.State.REQUESTED],
        "members": [m for m in memberships if m.state == Membership.State.ACTIVE],
        "partners": hub.partners.select_related("resource"),
        "mentions": hub.mentions.all(),
        "partner_form": PartnerForm(hub=hub),
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
        return _refused(request, error, reverse("hubs:hub_manage", args=[hub.slug]))
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
        return _refused(request, error, reverse("hubs:hub_manage", args=[membership.hub.slug]))
    return redirect("hubs:hub_manage", slug=membership.hub.slug)


@login_required
@require_POST
def membership_role(request, pk):
    membership = _organized_membership(request, pk)
    role = request.POST.get("role")
    if role not in Membership.Role.values:
        return _refused(request, "Choose member or organizer.", membership.hub)
    try:
        services.membership_set_role(membership=membership, role=role)
    except ActionRefused as error:
        messages.error(request, str(error))
    return redirect("hubs:hub_manage", slug=membership.hub.slug)


@login_required
@require_POST
def membership_leave(request, pk):
    membership = _my_membership(request, pk)
    try:
        services.membership_leave(membership=membership)
    except ActionRefused as error:
        return _refused(request, error, membership.hub)
    messages.success(request, f"{membership.business.name} has left {membership.hub.name}.")
    return redirect("accounts:dashboard")


def _record_for_hub(request, slug, form_class, *, by, done="", refused):
    """Save a partner, mention or update an organizer posted for their hub, stamped with the
    hub and who added it, then go back to the organizers' page."""
    hub = _organized_hub(request, slug)
    kwargs = {"hub": hub} if form_class is PartnerForm else {}
    form = form_class(request.POST, **kwargs)
    if form.is_valid():
        form.instance.hub = hub
        setattr(form.instance, by, request.user)
        form.save()
        if done:
            messages.success(request, done)
    else:
        messages.error(request, refused)
    return redirect("hubs:hub_manage", slug=hub.slug)


@login_required
@require_POST
def partner_add(request, slug):
    return _record_for_hub(
        request,
        slug,
        PartnerForm,
        by="added_by",
        refused="Choose a local resource to record as a partner.",
    )


@login_required
@require_POST
def mention_add(request, slug):
    return _record_for_hub(
        request,
        slug,
        MentionForm,
        by="added_by",
        refused="A mention needs a title and a web address (http or https).",
    )


@login_required
@require_POST
def update_add(request, slug):
    return _record_for_hub(
        request,
        slug,
        UpdateForm,
        by="posted_by",
        done="Your update is posted on the hub's page and in its feed.",
        refused="An update needs a title and some news (3,000 characters at most).",
    )


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


def _contact(request, *, about, recipients, back):
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not services.within_rate_limit(request, "contact"):
            form.add_error(None, "You have sent many messages recently; please try again later.")
        else:
            services.contact_send(
                sender=request.user, to=recipients, about=about, **form.cleaned_data
            )
            if not services.mail_failed():  # Else the page says it was not delivered.
                messages.success(request, "Your message is sent. Replies will come to your email.")
            return redirect(back)
    return render(request, "hubs/contact.html", {"form": form, "about": about})


@login_required
@require_http_methods(["GET", "POST"])
def contact_business(request, slug):
    business = get_object_or_404(Business, slug=slug)
    return _contact(
        request, about=business, recipients=services.owner_emails(business), back=business
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_hub(request, slug):
    hub = get_object_or_404(Hub.objects.approved(), slug=slug)
    return _contact(request, about=hub, recipients=services.organizer_emails(hub), back=hub)


def _flag(request, *, target, form):
    """Save a visitor's report on ``target`` (the form already knows which), within the
    per-user limit on reports."""
    if request.method == "POST" and form.is_valid():
        if not services.within_rate_limit(request, "flag"):
            form.add_error(None, "You have sent many reports recently; please try again later.")
            return render(request, "hubs/flag.html", {"form": form, "target": target})
        form.instance.created_by = request.user
        form.save()
        messages.success(request, "Thank you: the curators will look into it.")
        return redirect(target)
    return render(request, "hubs/flag.html", {"form": form, "target": target})


@login_required
@require_http_methods(["GET", "POST"])
def flag_hub(request, slug):
    hub = get_object_or_404(Hub.objects.approved().select_related("industry"), slug=slug)
    form = HubFlagForm(request.POST or None, hub=hub, instance=Flag(hub=hub))
    return _flag(request, target=hub, form=form)


@login_required
@require_http_methods(["GET", "POST"])
def flag_business(request, slug):
    business = get_object_or_404(Business, slug=slug)
    form = FlagForm(request.POST or None, instance=Flag(business=business))
    return _flag(request, target=business, form=form)


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
