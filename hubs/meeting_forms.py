"""Forms for meetings: the organizers' schedule and edit form (times typed in the hub's zone),
cancelling, and messages to attendees."""

from datetime import datetime, timedelta

from django import forms

from hubs.meetings import MAX_SERIES_MONTHS, Place, times_problem
from hubs.models import Hub, Meeting
from hubs.models.meetings import MAX_CAPACITY

REPEAT_CHOICES = [
    ("once", "Does not repeat"),
    ("weekly", "Every week, on the same weekday"),
    ("monthly", "Every month, on the same weekday of the month (e.g. the second Tuesday)"),
    ("monthly_last", "Every month, on the last such weekday (e.g. the last Thursday)"),
]
WHERE_CHOICES = [("in_person", "In person"), ("online", "Online")]


class MeetingForm(forms.Form):
    """A meeting's details; ``hub`` gives the zone its times are typed in. Scheduling offers
    repeats; editing (``meeting`` given) changes one meeting."""

    title = forms.CharField(max_length=150)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    day = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(label="Starts at", widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label="Ends at", widget=forms.TimeInput(attrs={"type": "time"}))
    end_day = forms.DateField(
        label="Ends on",
        required=False,
        help_text="Leave blank if it ends the same day.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    where = forms.ChoiceField(choices=WHERE_CHOICES, widget=forms.RadioSelect, initial="in_person")
    address = forms.CharField(
        max_length=255, required=False, help_text="For a meeting in person: where to go."
    )
    online_url = forms.URLField(
        label="Online link",
        required=False,
        assume_scheme="https",
        help_text="For an online meeting. Only members and those coming see it.",
    )
    capacity = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_CAPACITY,
        help_text="Seats; leave blank for no limit. Once full, people join a waitlist.",
        error_messages={
            "min_value": "A meeting needs at least 1 seat; leave it blank for no limit.",
            "max_value": f"At most {MAX_CAPACITY:,} seats; leave it blank for no limit.",
        },
    )
    repeat = forms.ChoiceField(choices=REPEAT_CHOICES, initial="once")
    months = forms.IntegerField(
        label="Schedule repeats for the next … months",
        min_value=1,
        max_value=MAX_SERIES_MONTHS,
        initial=3,
        required=False,
        error_messages={
            "min_value": "Repeat for at least 1 month.",
            "max_value": f"Repeats are scheduled at most {MAX_SERIES_MONTHS} months ahead.",
        },
    )

    def __init__(self, *args, hub: Hub, meeting: Meeting | None = None, **kwargs):
        if meeting is not None:
            kwargs.setdefault("initial", self._initial(meeting))
        super().__init__(*args, **kwargs)
        self.hub = hub
        zone = hub.zone
        self.fields["start_time"].help_text = f"In the hub's time zone, {zone}."
        if meeting is not None:
            del self.fields["repeat"], self.fields["months"]

    @staticmethod
    def _initial(meeting: Meeting) -> dict:
        start, end = meeting.local_starts_at, meeting.local_ends_at
        return {
            "title": meeting.title,
            "description": meeting.description,
            "day": start.date(),
            "start_time": start.time().replace(second=0, microsecond=0),
            "end_time": end.time().replace(second=0, microsecond=0),
            "end_day": end.date() if end.date() != start.date() else None,
            "where": "online" if meeting.is_online else "in_person",
            "address": meeting.address,
            "online_url": meeting.online_url,
            "capacity": meeting.capacity,
        }

    def clean(self):
        data = super().clean()
        day, start, end = data.get("day"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            zone = self.hub.zone
            starts_at = datetime.combine(day, start, tzinfo=zone)
            ends_at = datetime.combine(data.get("end_day") or day, end, tzinfo=zone)
            problem = times_problem(starts_at=starts_at, ends_at=ends_at)
            if problem:
                self.add_error("start_time" if "future" in problem else "end_time", problem)
            data["starts_at"], data["ends_at"] = starts_at, ends_at
        online = data.get("where") == "online"
        if online and not data.get("online_url"):
            self.add_error("online_url", "An online meeting needs its link.")
        if not online and not data.get("address", "").strip():
            self.add_error("address", "Say where people meet.")
        data["place"] = Place(
            is_online=online,
            address=data.get("address", ""),
            online_url=data.get("online_url", ""),
        )
        repeats = data.get("repeat", "once") != "once"
        if repeats and not data.get("months") and "months" not in self.errors:
            self.add_error("months", "Say for how many months to schedule the repeats.")
        if data.get("repeat") == "monthly" and day and (day.day - 1) // 7 >= 4:
            self.add_error(
                "repeat",
                "This date is the fifth such weekday of its month, which most months lack: "
                "choose “the last such weekday” or another date.",
            )
        return data

    @property
    def duration(self) -> timedelta:
        return self.cleaned_data["ends_at"] - self.cleaned_data["starts_at"]


class CancelForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=1000,
        help_text="Sent to those coming and waiting.",
    )


class AttendeesMessageForm(forms.Form):
    subject = forms.CharField(max_length=120)
    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)

    def clean_subject(self):
        subject = self.cleaned_data["subject"]
        if len(subject.splitlines()) > 1:
            raise forms.ValidationError("The subject must fit on one line.")
        return subject
