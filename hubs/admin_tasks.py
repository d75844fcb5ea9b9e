"""The curators' view of background work: the outbox (every email, its attempts and its last
error) and the task results of the queue, failed ones first to hand, each with a retry."""

from django.contrib import admin, messages
from django.db import transaction
from django.utils.html import format_html
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from hubs import mailing
from hubs.admin import _confirm_page
from hubs.models import OutgoingMail, ScheduledRun


class MailStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("failed", "Failed"), ("waiting", "Waiting"), ("sent", "Sent")]

    def queryset(self, request, queryset):
        if self.value() == "failed":
            return queryset.failed()
        if self.value() == "waiting":
            return queryset.unsent().filter(failed_at__isnull=True)
        if self.value() == "sent":
            return queryset.sent()
        return queryset


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipients", "status", "attempts", "created_at", "sent_at"]
    list_filter = [MailStatusFilter]
    search_fields = ["subject", "to", "key"]
    ordering = ["-created_at"]
    actions = ["send_again"]
    fields = [
        "key", "subject", "from_email", "to", "reply_to", "status", "attempts", "created_at",
        "next_attempt_at", "sent_at", "failed_at", "last_error", "body",
    ]  # fmt: skip
    readonly_fields = fields

    @admin.display(description="to")
    def recipients(self, mail):
        return ", ".join(mail.to)

    def has_add_permission(self, request):
        return False  # Mail is written by the site's actions, never by hand.

    @admin.action(description="Send the selected emails again", permissions=["change"])
    def send_again(self, request, queryset):
        queryset = queryset.unsent()
        if "confirm" not in request.POST:
            return _confirm_page(self, request, queryset, action="send_again", title="Send again")
        count = mailing.retry_failed(queryset)
        self.message_user(request, f"{count} emails queued to be sent again.", messages.SUCCESS)
        return None


@admin.register(ScheduledRun)
class ScheduledRunAdmin(admin.ModelAdmin):
    """When the scheduler last enqueued each job (hubs.schedule): a stale date means no
    scheduler is running."""

    list_display = ["name", "last_enqueued_at"]
    readonly_fields = ["name", "last_enqueued_at"]

    def has_add_permission(self, request):
        return False


# django-tasks-db's own admin registered itself when imported; ours replaces it.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    """django-tasks-db's read-only admin, with the arguments shown and a retry for failed
    tasks (enqueued again with the same arguments; the failed row gives way to the new one)."""

    list_display = ["task_name", "arguments", "status", "enqueued_at", "finished_at"]
    actions = ["retry"]

    @admin.display(description="arguments")
    def arguments(self, result):
        return format_html("<code>{}</code>", ", ".join(map(str, result.args_kwargs["args"])))

    def has_change_permission(self, request, obj=None):
        # Needed for the retry action only: every field stays read-only (get_readonly_fields).
        return admin.ModelAdmin.has_change_permission(self, request, obj)

    @admin.action(description="Retry the selected failed tasks", permissions=["change"])
    def retry(self, request, queryset):
        queryset = queryset.failed()
        if "confirm" not in request.POST:
            return _confirm_page(self, request, queryset, action="retry", title="Retry")
        with transaction.atomic():
            failed = list(queryset.select_for_update())
            for result in failed:
                args = result.args_kwargs
                result.task.using(run_after=None).enqueue(*args["args"], **args["kwargs"])
            DBTaskResult.objects.filter(pk__in=[r.pk for r in failed]).delete()
        self.message_user(request, f"{len(failed)} tasks enqueued again.", messages.SUCCESS)
        return None
