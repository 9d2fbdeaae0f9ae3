"""The coordinators' back office for reminders: the rule numbers (one row,
edited without a deploy, with history) and the log of runs. Inboxes are
private and have no admin page."""
from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse

from audit.admin_mixins import AuditedModelAdmin

from .models import ReminderRun, ReminderSettings


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(AuditedModelAdmin):
    fieldsets = [
        ("总开关", {"fields": ["enabled", "send_email", "digest_max_items"]}),
        ("进展报告", {"fields": ["report_days_before", "report_on_due_day", "report_overdue_daily"]}),
        ("节点目标", {"fields": ["milestone_days_before", "milestone_overdue"]}),
        ("督办单与备案", {"fields": ["notice_overdue_daily", "filing_working_days"]}),
        ("逾期升级", {"fields": ["escalate_leader_days", "escalate_coordinator_days", "catch_up_days"]}),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # One row: the list is the form.
        obj = ReminderSettings.current()
        return redirect(reverse("admin:notifications_remindersettings_change", args=[obj.pk]))


@admin.register(ReminderRun)
class ReminderRunAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "trigger", "started_at", "finished_at", "due_count", "new_count",
                    "digest_count", "item_count"]
    list_filter = ["kind"]
    date_hierarchy = "date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
