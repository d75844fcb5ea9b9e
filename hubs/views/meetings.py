"""Meetings' pages: scheduling, editing and cancelling (organizers), the meeting's page with its
RSVP buttons, the attendee list and messages (organizers), and the iCalendar files.

Access rules: a hub's meetings are public once the hub is approved; the online link is shown
only to the hub's members and to those who said they are coming (hubs.meetings.may_see_link);
organizers' pages give 404 to outsiders and 403 to members who do not organize
(``_organized_hub``); a private calendar is found only by its secret token.
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hubs import calendars, meetings, services
from hubs.meeting_forms import AttendeesMessageForm, CancelForm, MeetingForm
from hubs.models import CalendarFeed, Hub, Meeting, Membership, Rsvp
from hubs.services import ActionRefused
from hubs.views.editing import refused
from hubs.views.organizers import _organized_hub

# A hub's feed carries its meetings from this long ago onwards.
FEED_PAST_DAYS = 90


def _meeting(pk):
    return get_object_or_404(
        Meeting.objects.select_related("hub", "hub__industry", "hub__region", "series"), pk=pk
    )


def _organized_meeting(request, pk):
    meeting = _meeting(pk)
    _organized_hub(request, meeting.hub.slug)
    return meeting


def _public_meeting(request, pk):
    """A meeting of an approved hub; of a hub under review, only for its organizers."""
    meeting = _meeting(pk)
    if not meeting.hub.is_approved:
        if not request.user.is_authenticated:
            raise Http404
        _organized_hub(request, meeting.hub.slug)
    return meeting


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request, slug):
    hub = _organized_hub(request, slug)
    form = MeetingForm(request.POST or None, hub=hub)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        common = {
            "hub": hub,
            "by": request.user,
            "title": data["title"],
            "description": data["description"],
            "place": data["place"],
            "capacity": data["capacity"],
        }
        try:
            if data["repeat"] == "once":
                meeting = meetings.meeting_schedule(
                    starts_at=data["starts_at"], ends_at=data["ends_at"], **common
                )
                messages.success(request, f"{meeting.title} is scheduled for {meeting.when}.")
            else:
                series, created = meetings.series_schedule(
                    first_day=data["day"],
                    local_time=data["start_time"],
                    duration=form.duration,
                    frequency="weekly" if data["repeat"] == "weekly" else "monthly",
                    week_of_month=-1 if data["repeat"] == "monthly_last" else None,
                    months=data["months"],
                    **common,
                )
                meeting = created[0]
                messages.success(
                    request,
                    f"{series.rule}: {len(created)} meetings scheduled from {meeting.when}.",
                )
        except ActionRefused as error:
            form.add_error(None, str(error))
        else:
            return redirect(meeting)
    return render(request, "hubs/meeting_form.html", {"hub": hub, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk):
    meeting = _organized_meeting(request, pk)
    form = MeetingForm(request.POST or None, hub=meeting.hub, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meetings.meeting_edit(
                meeting=meeting,
                title=data["title"],
                description=data["description"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                place=data["place"],
                capacity=data["capacity"],
            )
        except ActionRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The meeting is saved.")
            return redirect(meeting)
    context = {"hub": meeting.hub, "form": form, "meeting": meeting}
    return render(request, "hubs/meeting_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_cancel(request, pk):
    meeting = _organized_meeting(request, pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            told = meetings.meeting_cancel(meeting=meeting, reason=form.cleaned_data["reason"])
        except ActionRefused as error:
            return refused(request, error, meeting)
        messages.success(request, f"The meeting is cancelled; {told} people are told by email.")
        return redirect(meeting)
    return render(request, "hubs/meeting_cancel.html", {"meeting": meeting, "form": form})


@require_GET
def meeting_detail(request, pk):
    meeting = _public_meeting(request, pk)
    user = request.user
    mine = None
    member = organizer = False
    if user.is_authenticated:
        mine = meeting.rsvps.filter(user=user).first()
        memberships = Membership.objects.active().filter(hub=meeting.hub, business__owners=user)
        roles = set(memberships.values_list("role", flat=True))
        member, organizer = bool(roles), Membership.Role.ORGANIZER in roles
    counts = dict(meeting.rsvps.values_list("answer").annotate(n=Count("pk")).order_by())
    going = counts.get(Rsvp.Answer.YES, 0)
    context = {
        "meeting": meeting,
        "hub": meeting.hub,
        "mine": mine,
        "is_organizer": organizer,
        "show_link": meeting.is_online
        and meetings.may_see_link(meeting, user, member=member or None),
        "going": going,
        "waiting": counts.get(Rsvp.Answer.WAITLIST, 0),
        "seats_left": None if meeting.capacity is None else max(0, meeting.capacity - going),
        "open": not meeting.is_cancelled and meeting.starts_at > timezone.now(),
        "attendees": (
            meeting.rsvps.exclude(answer=Rsvp.Answer.NO).select_related("user")
            if organizer
            else None
        ),
    }
    return render(request, "hubs/meeting_detail.html", context)


@login_required
@require_POST
def rsvp(request, pk):
    meeting = _public_meeting(request, pk)
    going = request.POST.get("going") == "yes"
    try:
        answer = meetings.rsvp_set(meeting=meeting, user=request.user, going=going).answer
    except ActionRefused as error:
        return refused(request, error, meeting)
    messages.success(
        request,
        {
            Rsvp.Answer.YES: "You are coming: a seat is yours.",
            Rsvp.Answer.WAITLIST: "The meeting is full: you are on the waitlist, and we'll "
            "email you if a seat frees up.",
            Rsvp.Answer.NO: "You are not coming.",
        }[answer],
    )
    return redirect(meeting)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_message(request, pk):
    meeting = _organized_meeting(request, pk)
    form = AttendeesMessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not services.within_rate_limit(request, "message_attendees"):
            form.add_error(None, "You have sent many messages recently; please try again later.")
        else:
            sent = meetings.message_attendees(
                meeting=meeting,
                sender=request.user,
                subject=form.cleaned_data["subject"],
                message=form.cleaned_data["message"],
            )
            if sent:
                messages.success(request, f"Your message is on its way to {sent} people.")
            else:
                messages.info(request, "Nobody has said they are coming yet: nothing was sent.")
            return redirect(meeting)
    return render(request, "hubs/meeting_message.html", {"meeting": meeting, "form": form})


@require_GET
def meeting_ics(request, pk):
    meeting = _public_meeting(request, pk)
    show = meeting.is_online and meetings.may_see_link(meeting, request.user)
    content = calendars.calendar_bytes([meeting], name=meeting.title, with_link=lambda m: show)
    return calendars.ics_response(content, filename=f"meeting-{meeting.pk}.ics", download=True)


@require_GET
def hub_calendar(request, slug):
    """The hub's public feed: no online links (anyone can subscribe to it)."""
    hub = get_object_or_404(Hub.objects.approved(), slug=slug)
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    upcoming = hub.meetings.filter(ends_at__gte=since).select_related("hub")
    content = calendars.calendar_bytes(upcoming, name=hub.name, with_link=lambda m: False)
    return calendars.ics_response(content, filename=f"{hub.slug}.ics", download=False)


@require_GET
def calendar_feed(request, token):
    """A user's private feed, found by its secret token alone (calendar apps send no cookie):
    the meetings they are coming to, online links included."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    mine = meetings.meetings_of(feed.user).filter(ends_at__gte=since)
    content = calendars.calendar_bytes(mine, name="My meetings", with_link=lambda m: True)
    response = calendars.ics_response(content, filename="meetings.ics", download=False)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_POST
def calendar_reset(request):
    had_one = CalendarFeed.objects.filter(user=request.user).exists()
    meetings.feed_reset(user=request.user)
    messages.success(
        request,
        "Your calendar has a new address; the old one no longer works."
        if had_one
        else "Your private calendar address is ready below.",
    )
    return redirect("accounts:dashboard")
