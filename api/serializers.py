"""What each endpoint returns. Read-only shapes over rows the views load in a fixed number of queries; the one
write's input is checked by progress.forms.ReportForm (the form's own checks and Chinese messages)."""
from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from institutions.models import Filing, Institution
from progress.models import ProgressReport, SupervisionNotice
from tasks.labels import item_label
from tasks.models import Assignment, Plan, WorkItem


class UnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PlanSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Plan
        fields = ["id", "title", "document_number", "issuer", "issued_on", "status", "status_label",
                  "in_force_from", "ended_on", "period_months", "report_due_day"]


class ItemSerializer(serializers.ModelSerializer):
    label = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    section = serializers.SerializerMethodField()
    lead_unit = UnitSerializer(allow_null=True)
    responsible_units = serializers.SerializerMethodField()

    class Meta:
        model = WorkItem
        fields = ["id", "plan_id", "kind", "kind_label", "number", "label", "section", "title", "content",
                  "lead_unit", "responsible_units", "units_open_ended"]

    @extend_schema_field({"type": "string", "nullable": True})
    def get_section(self, item) -> str | None:
        return str(item.section) if item.section_id else None

    @extend_schema_field(UnitSerializer(many=True))
    def get_responsible_units(self, item):
        return [{"id": r.department_id, "name": r.department.name} for r in item.responsibilities.all()]


class LightSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=["red", "yellow", "green", "done"])
    label = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())


class AssignmentSerializer(serializers.ModelSerializer):
    plan_id = serializers.IntegerField(source="task.plan_id")
    task_id = serializers.IntegerField()
    task_label = serializers.CharField(source="task.label")
    task_title = serializers.CharField(source="task.title")
    department = UnitSerializer()
    role_label = serializers.CharField(source="get_role_display")
    via_group_id = serializers.IntegerField(allow_null=True)
    light = serializers.SerializerMethodField()
    on = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = ["id", "plan_id", "task_id", "task_label", "task_title", "department", "role", "role_label",
                  "via_group_id", "light", "on"]

    @extend_schema_field(LightSerializer)
    def get_light(self, assignment):
        light = self.context["lights"].get(assignment.pk)
        return {"code": light.code, "label": light.label, "reasons": list(light.reasons)} if light else None

    @extend_schema_field(serializers.DateField())
    def get_on(self, assignment):
        return self.context["on"].isoformat()


class FileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, stored) -> str:
        path = reverse("api:report-file-download", args=[stored.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    due_date = serializers.DateField()
    label = serializers.CharField()


class ReportSerializer(serializers.ModelSerializer):
    assignment_id = serializers.IntegerField()
    plan_id = serializers.IntegerField(source="assignment.task.plan_id")
    task_id = serializers.IntegerField(source="assignment.task_id")
    task_label = serializers.CharField(source="assignment.task.label")
    department = UnitSerializer(source="assignment.department")
    period = PeriodSerializer()
    state_label = serializers.CharField(source="get_state_display")
    files = FileSerializer(many=True)

    class Meta:
        model = ProgressReport
        fields = ["id", "assignment_id", "plan_id", "task_id", "task_label", "department", "period", "version",
                  "state", "state_label", "progress", "percent", "problems", "next_steps", "submitted_at",
                  "approved_at", "files"]


class ReportSubmitSerializer(serializers.Serializer):
    """The one write (documented shape; ReportForm does the checking, with the form's messages)."""

    assignment = serializers.IntegerField(help_text="任务分工 id（/api/v1/assignments/）")
    period = serializers.RegexField(r"^\d{4}-\d{2}$", help_text="报送周期的起始月份，如 2026-11")
    progress = serializers.CharField(help_text="本期进展")
    percent = serializers.IntegerField(min_value=0, max_value=100, help_text="完成进度（%）")
    problems = serializers.CharField(required=False, allow_blank=True, help_text="存在问题")
    next_steps = serializers.CharField(required=False, allow_blank=True, help_text="下步打算")
    evidence = serializers.ListField(child=serializers.FileField(), required=False, help_text="佐证材料（可多个）")


class MilestoneSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    plan_id = serializers.IntegerField()
    task_id = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    description = serializers.CharField()
    due_date = serializers.DateField()
    target_value = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    current_value = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    value_computed = serializers.BooleanField()
    value_unit = serializers.CharField()
    met_on = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    on = serializers.DateField()


class NoticeSerializer(serializers.ModelSerializer):
    number = serializers.CharField()
    assignment_id = serializers.IntegerField()
    plan_id = serializers.IntegerField(source="assignment.task.plan_id")
    task_label = serializers.CharField(source="assignment.task.label")
    department = UnitSerializer(source="assignment.department")
    state_label = serializers.CharField(source="get_state_display")

    class Meta:
        model = SupervisionNotice
        fields = ["id", "number", "assignment_id", "plan_id", "task_label", "department", "reason", "reply_due",
                  "state", "state_label", "issued_at", "reply_text", "replied_at", "closed_at", "close_comment"]


class DirectoryEntrySerializer(serializers.ModelSerializer):
    """The public directory's fields only (信息公示): nothing about staff, contacts or credit codes."""

    street = serializers.CharField(source="street.name")
    service_types = serializers.ListField(child=serializers.CharField(), source="service_type_labels")

    class Meta:
        model = Institution
        fields = ["id", "name", "address", "street", "service_types", "capacity", "is_inclusive",
                  "is_demonstration", "public_phone"]


class InstitutionSerializer(serializers.ModelSerializer):
    registration_authority = UnitSerializer()
    street = UnitSerializer()
    service_types = serializers.ListField(child=serializers.CharField(), source="service_type_labels")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Institution
        fields = ["id", "name", "credit_code", "nature", "legal_form", "registration_authority", "street",
                  "address", "legal_representative", "contact_name", "contact_phone", "public_phone",
                  "service_types", "capacity", "serves_meals", "is_inclusive", "is_demonstration",
                  "demonstration_on", "is_employer_run", "is_kindergarten_class", "is_community_point", "status",
                  "status_label", "registered_on", "filed_on", "cancelled_on"]


class FilingSerializer(serializers.ModelSerializer):
    institution = serializers.SerializerMethodField()
    kind_label = serializers.CharField(source="get_kind_display")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Filing
        fields = ["id", "institution", "kind", "kind_label", "status", "status_label", "capacity",
                  "first_submitted_at", "submitted_at", "receipt_due_on", "notice_due_on", "decided_at", "filed_on",
                  "receipt_number", "noncompliance_reason"]

    @extend_schema_field(UnitSerializer)
    def get_institution(self, filing):
        return {"id": filing.institution_id, "name": filing.institution.name}


class IndicatorsSerializer(serializers.Serializer):
    on = serializers.DateField()
    registered = serializers.IntegerField(help_text="已登记机构数")
    filed = serializers.IntegerField(help_text="已备案机构数")
    filing_completion_rate = serializers.DecimalField(max_digits=6, decimal_places=2, help_text="登记备案完成率（%）")
    demonstration = serializers.IntegerField(help_text="示范性机构数")
    filed_capacity = serializers.IntegerField(help_text="已备案托位数")
    population = serializers.IntegerField(help_text="常住人口")
    places_per_thousand = serializers.DecimalField(max_digits=8, decimal_places=2, help_text="每千人口托位数")
    places_per_thousand_target = serializers.DecimalField(max_digits=8, decimal_places=2)


# --- the two hot lists, by hand, from `values()` rows: DRF's field machinery cost ~0.5 ms a row and model instances
# (with select_related / prefetch_related) ~5 ms a page (the bench); these build the same JSON as AssignmentSerializer /
# ReportSerializer (tests/api/test_reads.py holds the listed rows equal to them), which still document it.

ROLE_LABELS = dict(Assignment.Role.choices)
STATE_LABELS = dict(ProgressReport.State.choices)


def _moment(value, tz) -> str | None:
    """DRF's DateTimeField output: ISO 8601 in the current time zone (`tz`, looked up once a page: each
    timezone.localtime() call reads it from a context-local, ~5 µs, twice a row and once a file)."""
    if value is None:
        return None
    text = value.astimezone(tz).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _label(labels: dict, value) -> str:
    """Model.get_FOO_display(): the choice's label, or the stored value itself."""
    return str(labels.get(value, value))


def assignment_row(v: dict, light, on) -> dict:
    """v: a row of ASSIGNMENT_VALUES."""
    return {
        "id": v["id"], "plan_id": v["task__plan_id"], "task_id": v["task_id"],
        "task_label": item_label(v["task__kind"], v["task__number"]), "task_title": v["task__title"],
        "department": {"id": v["department_id"], "name": v["department__name"]},
        "role": v["role"], "role_label": _label(ROLE_LABELS, v["role"]), "via_group_id": v["via_group_id"],
        "light": {"code": light.code, "label": light.label, "reasons": list(light.reasons)} if light else None,
        "on": on.isoformat(),
    }


def report_row(r: dict, a: dict, files: list[dict], download_url, tz) -> dict:
    """r: a row of REPORT_VALUES, a: its assignment's row of REPORT_ASSIGNMENT_VALUES, files: rows of FILE_VALUES,
    tz: timezone.get_current_timezone()."""
    return {
        "id": r["id"], "assignment_id": r["assignment_id"], "plan_id": a["task__plan_id"],
        "task_id": a["task_id"], "task_label": item_label(a["task__kind"], a["task__number"]),
        "department": {"id": a["department_id"], "name": a["department__name"]},
        "period": {"start": r["period__start"].isoformat(), "end": r["period__end"].isoformat(),
                   "due_date": r["period__due_date"].isoformat(), "label": r["period__label"]},
        "version": r["version"], "state": r["state"], "state_label": _label(STATE_LABELS, r["state"]),
        "progress": r["progress"], "percent": r["percent"], "problems": r["problems"],
        "next_steps": r["next_steps"], "submitted_at": _moment(r["submitted_at"], tz),
        "approved_at": _moment(r["approved_at"], tz),
        "files": [{"id": f["id"], "name": f["original_name"], "content_type": f["content_type"], "size": f["size"],
                   "uploaded_at": _moment(f["uploaded_at"], tz), "download_url": download_url(f["id"])} for f in files],
    }
