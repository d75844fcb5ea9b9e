"""The curators' view of meetings: series, meetings with their answers, RSVPs, and calendar
feeds (tokens hidden: a curator resets one, never reads it)."""

from django.contrib import admin

from hubs.meetings import feed_reset
from hubs.models import CalendarFeed, Meeting, MeetingSeries, Rsvp


class RsvpInline(admin.TabularInline):
    model = Rsvp
    extra = 0
    fields = ["user", "answer", "answered_at"]
    readonly_fields = ["answered_at"]
    autocomplete_fields = ["user"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "hub", "starts_at", "is_online", "capacity", "cancelled_at"]
    list_filter = ["is_online", ("cancelled_at", admin.EmptyFieldListFilter), "starts_at"]
    search_fields = ["title", "hub__name", "address"]
    autocomplete_fields = ["hub", "created_by"]
    raw_id_fields = ["series"]
    date_hierarchy = "starts_at"
    readonly_fields = ["reminded_at", "created_at", "updated_at"]
    inlines = [RsvpInline]
    list_select_related = ["hub"]


@admin.register(Rsvp)
class RsvpAdmin(admin.ModelAdmin):
    list_display = ["meeting", "user", "answer", "answered_at"]
    list_filter = ["answer"]
    search_fields = ["meeting__title", "user__email"]
    autocomplete_fields = ["meeting", "user"]
    list_select_related = ["meeting", "user"]


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(admin.ModelAdmin):
    list_display = ["title", "hub", "frequency", "weekday", "week_of_month", "local_time"]
    list_filter = ["frequency"]
    search_fields = ["title", "hub__name"]
    autocomplete_fields = ["hub", "created_by"]
    list_select_related = ["hub"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    search_fields = ["user__email"]
    fields = ["user", "created_at"]
    readonly_fields = ["user", "created_at"]
    actions = ["reset_tokens"]

    def has_add_permission(self, request):
        return False

    @admin.action(
        description="Give the selected feeds new secret addresses", permissions=["change"]
    )
    def reset_tokens(self, request, queryset):
        users = [feed.user for feed in queryset.select_related("user")]
        for user in users:
            feed_reset(user=user)
        self.message_user(request, f"{len(users)} calendar addresses reset.")
