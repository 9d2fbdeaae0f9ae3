from django.contrib import admin

from audit.admin_mixins import AuditedModelAdmin

from .models import (
    Filing,
    FilingClass,
    FilingCorrection,
    FilingDocument,
    Institution,
    ReceiptCounter,
    Registration,
    RosterImport,
    WorkdayOverride,
)

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


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(AuditedModelAdmin):
    list_display = ["date", "is_workday", "note"]
    list_filter = ["is_workday"]
    search_fields = ["note", "date"]
    date_hierarchy = "date"


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
