from django.contrib import admin

from audit.admin_mixins import AuditedModelAdmin
from core import clock

from .models import (
    Assessment,
    AssessmentScore,
    EnrolmentReport,
    Filing,
    FilingClass,
    FilingCorrection,
    FilingDocument,
    HolidayDay,
    HolidayYear,
    Institution,
    QualityStandard,
    ReceiptCounter,
    Registration,
    RosterImport,
)
from .services import filing_deadlines_recompute

# Workflow state is changed by the services (submit, return, approve …), which
# check the rules and write the history; the admin shows it read-only.
FILING_WORKFLOW_FIELDS = [
    "institution", "kind", "status", "created_by", "first_submitted_at", "submitted_at", "submission_count",
    "receipt_due_on", "notice_due_on", "decided_by", "decided_at", "filed_on", "receipt_year", "receipt_seq",
    "receipt_number", "noncompliance_reason", "commitment_accepted", "commitment_accepted_at",
]


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    fields = ["authority", "registered_on", "source", "recorded_by", "pushed_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Institution)
class InstitutionAdmin(AuditedModelAdmin):
    list_display = ["name", "credit_code", "status", "street", "registration_authority", "capacity",
                    "is_inclusive", "is_demonstration", "registered_on", "filed_on"]
    list_filter = ["status", "street", "registration_authority", "nature", "is_inclusive", "is_demonstration",
                   "is_employer_run", "is_kindergarten_class", "is_community_point"]
    list_select_related = ["street", "registration_authority"]
    search_fields = ["name", "credit_code", "address"]
    readonly_fields = ["status", "filed_on", "cancelled_on", "created_at", "updated_at"]
    date_hierarchy = "registered_on"
    inlines = [RegistrationInline]


@admin.register(Registration)
class RegistrationAdmin(AuditedModelAdmin):
    list_display = ["institution", "authority", "registered_on", "source", "recorded_by", "pushed_at"]
    list_filter = ["authority", "source"]
    list_select_related = ["institution", "authority", "recorded_by"]
    search_fields = ["institution__name", "institution__credit_code"]
    readonly_fields = ["pushed_at"]
    raw_id_fields = ["institution", "roster_import"]


class FilingClassInline(admin.TabularInline):
    model = FilingClass
    extra = 0


class FilingDocumentInline(admin.TabularInline):
    model = FilingDocument
    extra = 0
    fields = ["kind", "original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class FilingCorrectionInline(admin.TabularInline):
    model = FilingCorrection
    extra = 0
    fields = ["round", "item", "reason", "created_by", "created_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Filing)
class FilingAdmin(AuditedModelAdmin):
    list_display = ["institution", "kind", "status", "submitted_at", "receipt_due_on", "receipt_number", "filed_on"]
    list_filter = ["status", "kind", "institution__street"]
    list_select_related = ["institution"]
    search_fields = ["institution__name", "institution__credit_code", "receipt_number"]
    readonly_fields = FILING_WORKFLOW_FIELDS
    inlines = [FilingClassInline, FilingDocumentInline, FilingCorrectionInline]

    def has_add_permission(self, request):
        return False  # a filing starts from the institution's page (filing_start)


@admin.register(FilingDocument)
class FilingDocumentAdmin(AuditedModelAdmin):
    list_display = ["filing", "kind", "original_name", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["kind"]
    list_select_related = ["filing", "filing__institution", "uploaded_by"]
    search_fields = ["original_name", "filing__institution__name"]
    readonly_fields = ["filing", "file", "original_name", "content_type", "size", "uploaded_by", "uploaded_at"]

    def has_add_permission(self, request):
        return False


@admin.register(FilingCorrection)
class FilingCorrectionAdmin(AuditedModelAdmin):
    list_display = ["filing", "round", "item", "reason", "created_by", "created_at"]
    list_filter = ["item"]
    list_select_related = ["filing", "filing__institution", "created_by"]
    search_fields = ["reason", "filing__institution__name"]
    readonly_fields = ["filing", "round", "item", "created_by", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(ReceiptCounter)
class ReceiptCounterAdmin(AuditedModelAdmin):
    list_display = ["year", "last_number"]
    search_fields = ["year"]

    # Numbers are handed out by filing_approve under a row lock; never edited by hand.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HolidayDay)
class HolidayDayAdmin(AuditedModelAdmin):
    """Coordinators correct the calendar here; open filings' deadlines follow
    (services.filing_deadlines_recompute, with history and an inbox message)."""

    list_display = ["date", "weekday", "kind", "name"]
    list_filter = ["kind"]
    search_fields = ["name", "date"]
    date_hierarchy = "date"

    @admin.display(description="星期")
    def weekday(self, obj):
        return "星期" + "一二三四五六日"[obj.date.weekday()]

    def _recompute(self, request, reason: str) -> None:
        changed = filing_deadlines_recompute(actor=request.user, reason=reason)
        if changed:
            self.message_user(request, f"已按新的节假日安排重算{len(changed)}件待审核备案的期限，并通知审核人员。")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self._recompute(request, f"管理后台修改节假日安排（{form.instance.date}）")

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._recompute(request, f"管理后台删除节假日安排（{obj.date}）")

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        self._recompute(request, "管理后台删除节假日安排")


@admin.register(HolidayYear)
class HolidayYearAdmin(AuditedModelAdmin):
    """A year typed in by hand (手工) is marked loaded here once its days are in."""

    list_display = ["year", "source", "loaded_at", "loaded_by"]
    list_filter = ["source"]
    list_select_related = ["loaded_by"]
    readonly_fields = ["loaded_at", "loaded_by"]

    def save_model(self, request, obj, form, change):
        obj.loaded_at, obj.loaded_by = clock.now(), request.user
        super().save_model(request, obj, form, change)


@admin.register(RosterImport)
class RosterImportAdmin(AuditedModelAdmin):
    list_display = ["original_name", "status", "row_count", "error_count", "uploaded_by", "uploaded_at", "imported_at"]
    list_filter = ["status"]
    list_select_related = ["uploaded_by"]
    search_fields = ["original_name", "uploaded_by__username"]
    readonly_fields = ["file", "original_name", "uploaded_by", "uploaded_at", "status", "row_count", "error_count",
                       "imported_at"]

    def has_add_permission(self, request):
        return False


# --- enrolment and quality assessment (issue 15): read-only -----------------------------------
# (普惠 is fields of the institution, above.) The figures and the assessments change through
# the services (enrolment_report and its import, the assessment workflow), which keep the
# history; the admin only looks, a page at a time without counting the whole table.


class ReadOnlyAdmin(AuditedModelAdmin):
    show_full_result_count = False
    list_per_page = 50

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EnrolmentReport)
class EnrolmentReportAdmin(ReadOnlyAdmin):
    list_display = ["institution", "period", "children", "infant", "toddler", "preschool", "mixed", "source",
                    "reported_at"]
    list_filter = ["source", "period"]
    list_select_related = ["institution"]
    search_fields = ["institution__name"]


@admin.register(QualityStandard)
class QualityStandardAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "version", "is_current", "illustrative", "loaded_at"]


class AssessmentScoreInline(admin.TabularInline):
    model = AssessmentScore
    fields = ["item", "self_points", "points", "passed"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("item")


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["institution", "standard", "status", "self_score", "score", "grade", "confirmed_on"]
    list_filter = ["status", "grade"]
    list_select_related = ["institution", "standard"]
    search_fields = ["institution__name"]
    inlines = [AssessmentScoreInline]
