"""What curators see of organizers' tools: the invitations hubs sent (read-only, for abuse)."""

from django.contrib import admin

from hubs.models import Invitation


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["hub", "business", "sent_by", "created_at"]
    list_select_related = ["hub", "business", "sent_by"]
    search_fields = ["hub__name", "business__name", "sent_by__email"]
    readonly_fields = ["hub", "business", "message", "sent_by", "created_at"]

    def has_add_permission(self, request):
        return False  # Invitations are sent by organizers from the site, never typed in.
