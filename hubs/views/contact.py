"""Pages where signed-in visitors write to a business's owners or a hub's organizers, or report
a listing to the curators; both within a per-user rate. A listing nobody runs on the site gets
no message form: its page says so and offers to claim it or to notify the curators."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from hubs import mailing, services
from hubs.forms import ContactForm, FlagForm, HubFlagForm
from hubs.models import Business, Flag, Hub
from hubs.services import ActionRefused
from hubs.views.claims import unclaimed


def _message_news(sent):
    """Sent when the mail server took it during the request; else queued for the worker."""
    if sent:
        return "Your message is sent. Replies will come to your email."
    return "Your message is saved and we'll email it. Replies will come to your email."


def _contact(request, *, about, recipients, back):
    if not recipients:
        return unclaimed(request, about, wanted="message")
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not services.within_rate_limit(request, "contact"):
            form.add_error(None, "You have sent many messages recently; please try again later.")
        else:
            try:
                services.contact_send(
                    sender=request.user, to=recipients, about=about, **form.cleaned_data
                )
            except ActionRefused as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _message_news(mailing.request_mail_sent()))
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
