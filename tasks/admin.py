from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from audit.admin_mixins import AuditedModelAdmin

from . import rules
from .models import Assignment, Measure, Milestone, Plan, Responsibility, Section, Task
from .services import assignments_sync


class EndedPlanReadOnly:
    """An ended plan is history: its content opens read-only in the admin too."""

    def _plan_of(self, obj):
        return obj if isinstance(obj, Plan) else obj.plan

    def _editable(self, obj) -> bool:
        return obj is None or rules.plan_is_editable(self._plan_of(obj))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._editable(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._editable(obj)


class ResponsibilityInline(admin.TabularInline):
    model = Responsibility
    extra = 0
    autocomplete_fields = ["department"]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    fields = ["department", "role", "via_group"]
    readonly_fields = fields  # derived from the listed units; see assignments_sync
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Plan)
class PlanAdmin(EndedPlanReadOnly, AuditedModelAdmin):
    """A plan typed here starts as a draft; publishing and ending go through the
    confirmation pages (tasks.services.plan_publish / plan_end), never a field."""

    list_display = ["title", "document_number", "status", "in_force_from", "ended_on", "issued_on", "period_months"]
    list_filter = ["status"]
    search_fields = ["title", "document_number"]
    readonly_fields = ["status", "in_force_from", "ended_on", "closing_summary", "lifecycle_link"]

    @admin.display(description="方案预览 / 发布 / 结束")
    def lifecycle_link(self, obj):
        if obj is None or obj.pk is None:
            return "保存后可在方案预览页核对并发布。"
        return format_html('<a href="{}">打开方案预览页</a>', reverse("tasks:plan", args=[obj.pk]))


@admin.register(Section)
class SectionAdmin(EndedPlanReadOnly, AuditedModelAdmin):
    list_display = ["__str__", "plan"]
    list_filter = ["plan"]
    list_select_related = ["plan"]
    search_fields = ["title"]


class WorkItemAdmin(EndedPlanReadOnly, AuditedModelAdmin):
    list_display = ["label", "title", "lead_unit", "plan", "units_open_ended"]
    list_display_links = ["label", "title"]
    list_filter = ["plan", "section", "lead_unit"]
    list_select_related = ["plan", "lead_unit", "section"]
    search_fields = ["title", "content"]
    autocomplete_fields = ["lead_unit"]
    inlines = [ResponsibilityInline, AssignmentInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        assignments_sync(task=form.instance)


@admin.register(Task)
class TaskAdmin(WorkItemAdmin):
    exclude = ["kind"]


@admin.register(Measure)
class MeasureAdmin(WorkItemAdmin):
    exclude = ["kind", "section"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["task", "department", "role", "via_group"]
    list_filter = ["role", "task__plan"]
    list_select_related = ["task", "department", "via_group"]
    search_fields = ["task__title", "department__name"]

    # Derived from a work item's listed units: edit those instead.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Milestone)
class MilestoneAdmin(EndedPlanReadOnly, AuditedModelAdmin):
    list_display = ["title", "task", "due_date", "target_value", "value_unit"]
    list_filter = ["plan", "due_date"]
    list_select_related = ["task", "plan"]
    search_fields = ["title", "description"]


admin.site.site_header = "渝中区婴幼儿照护服务督办平台 · 管理后台"
admin.site.site_title = "督办平台管理后台"
admin.site.index_title = "数据管理"
