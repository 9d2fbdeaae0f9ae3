"""Regulation's records in the admin: read-only. Every change goes through the services
(inspections to closure, staff, bans, complaints), which check the rules and write the
history; the admin lets a superuser look, in pages (no full-table count), never showing a
full ID number (only the masked form; the keyed hash is not shown either), a stored file
(served only by the permission-checked views) or a complainant's contact details."""
from django.contrib import admin

from audit.admin_mixins import AuditedModelAdmin
from audit.selectors import changes_for

from .models import (
    BlockedAttempt,
    Complaint,
    Finding,
    FindingEvidence,
    Inspection,
    PersonBan,
    ReminderLog,
    StaffDocument,
    StaffMember,
)

# A stored file's metadata, without the file itself (its path would bypass the download views).
FILE_FIELDS = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]


# The history's lines that carry the keyed hash of an ID number (by field name or label).
HASH_FIELDS = {"person_hash", "身份标识"}


class _HistoryWithoutHash:
    """One history row as the admin's history table reads it, minus the hash's line."""

    def __init__(self, change):
        self._change = change

    def __getattr__(self, name):
        return getattr(self._change, name)

    @property
    def lines(self):
        return [line for line in self._change.lines if line["field"] not in HASH_FIELDS]


class ReadOnlyAdmin(AuditedModelAdmin):
    show_full_result_count = False
    list_per_page = 50

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["institution", "inspected_on", "kind", "unit", "inspectors", "recorded_by"]
    list_filter = ["kind", "unit"]
    list_select_related = ["institution", "unit", "recorded_by"]
    search_fields = ["institution__name", "inspectors"]
    date_hierarchy = "inspected_on"


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["inspection", "position", "state", "deadline", "closed_on", "notice"]
    list_filter = ["state"]
    list_select_related = ["inspection", "inspection__institution", "inspection__unit", "notice"]
    search_fields = ["inspection__institution__name", "description"]


@admin.register(FindingEvidence)
class FindingEvidenceAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "finding", "size", "uploaded_by", "uploaded_at"]
    list_select_related = ["finding", "finding__inspection", "finding__inspection__institution",
                           "finding__inspection__unit", "uploaded_by"]
    fields = ["finding", *FILE_FIELDS]


class HidesPersonHash:
    """The change page's history without the hash line (AuditedModelAdmin shows every field)."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        history = [_HistoryWithoutHash(c) for c in changes_for(obj)] if obj else None
        return admin.ModelAdmin.change_view(self, request, object_id, form_url,
                                            {**(extra_context or {}), "audit_history": history})


@admin.register(StaffMember)
class StaffMemberAdmin(HidesPersonHash, ReadOnlyAdmin):
    list_display = ["name", "person_masked", "post", "institution", "health_expires", "started_on", "ended_on"]
    list_filter = ["post"]
    list_select_related = ["institution"]
    search_fields = ["name", "institution__name"]
    # person_hash never: a keyed hash is still a stable identifier of a person.
    fields = ["institution", "name", "post", "person_masked", "qualification", "certificate_number",
              "certificate_expires", "health_expires", "background_checked_on", "started_on", "ended_on",
              "recorded_by", "recorded_at"]


@admin.register(StaffDocument)
class StaffDocumentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "staff", "kind", "uploaded_by", "uploaded_at"]
    list_filter = ["kind"]
    list_select_related = ["staff", "uploaded_by"]
    fields = ["staff", "kind", *FILE_FIELDS]


@admin.register(PersonBan)
class PersonBanAdmin(HidesPersonHash, ReadOnlyAdmin):
    list_display = ["name", "person_masked", "decision_number", "decided_on"]
    list_select_related = ["uploaded_by"]
    search_fields = ["name", "decision_number"]
    fields = ["name", "person_masked", "reason", "decision_number", "decided_on", *FILE_FIELDS]


@admin.register(BlockedAttempt)
class BlockedAttemptAdmin(ReadOnlyAdmin):
    list_display = ["ban", "institution", "attempted_by", "attempted_at"]
    list_select_related = ["ban", "institution", "attempted_by"]


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ["institution", "category", "state", "received_at", "unit", "reply_due", "closed_on"]
    list_filter = ["state", "category", "unit"]
    list_select_related = ["institution", "unit"]
    search_fields = ["institution__name"]
    # Who complained stays on the complaint page for those who handle it.
    fields = ["institution", "category", "text", "received_at", "state", "unit", "assigned_by", "reply_due",
              "reply", "replied_by", "replied_on", "outcome", "closed_on"]


@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "kind", "object_id", "date"]
    list_filter = ["kind"]
    list_select_related = ["recipient"]
