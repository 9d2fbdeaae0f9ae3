"""Read-only admin views of the progress data. Reports, notices and
completions move only through their workflow (progress.services), which
writes their history; the admin is for looking things up."""
from django.contrib import admin

from .models import (
    AssignmentCompletion,
    LeadSummary,
    ProgressReport,
    ReportFile,
    ReportingPeriod,
    ReportTransition,
    SupervisionNotice,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class TransitionInline(ReadOnlyInline):
    model = ReportTransition
    fields = ["at", "actor", "from_state", "to_state", "comment"]


class FileInline(ReadOnlyInline):
    model = ReportFile
    fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(ReadOnlyAdmin):
    list_display = ["label", "plan", "start", "end", "due_date"]
    list_filter = ["plan"]
    list_select_related = ["plan"]
    search_fields = ["label"]


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "state", "percent", "last_submitted_at", "approved_at"]
    list_filter = ["state", "period__plan"]
    list_select_related = ["assignment__task", "assignment__department", "period"]
    search_fields = ["assignment__department__name", "assignment__task__title", "progress"]
    date_hierarchy = "last_submitted_at"
    inlines = [FileInline, TransitionInline]


@admin.register(SupervisionNotice)
class SupervisionNoticeAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "state", "reply_due", "issued_at", "replied_at"]
    list_filter = ["state", "year"]
    list_select_related = ["assignment__task", "assignment__department"]
    search_fields = ["reason", "reply_text", "assignment__department__name"]


@admin.register(LeadSummary)
class LeadSummaryAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "task", "department", "updated_at"]
    list_select_related = ["task", "department", "period"]
    search_fields = ["text", "task__title"]


@admin.register(AssignmentCompletion)
class AssignmentCompletionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "state"]
    list_filter = ["state"]
    list_select_related = ["assignment__task", "assignment__department"]
