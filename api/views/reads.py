"""The read endpoints. Each reads through `for_user` of the client's bound user (outside scope: 404) and costs a
fixed number of queries per page whatever the data size (tests/api/test_queries.py pins it)."""
from __future__ import annotations

from collections import defaultdict

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from accounts.roles import READS_EVERYTHING, READS_FILINGS, READS_INSTITUTIONS, READS_PROGRESS, READS_TASKS
from core.uploads import DOCX, JPEG, PDF, PNG, XLSX, attachment_response
from institutions import indicators
from institutions.models import Filing, Institution
from institutions.selectors import directory_entries
from progress import lights, timerules
from progress.milestones import milestone_metric
from progress.models import ReportFile, SupervisionNotice
from progress.selectors import latest_approved_reports
from tasks.models import Assignment, Milestone, Plan, WorkItem

from .. import filters, serializers
from .base import ON_PARAMETER, ApiDetail, ApiList, ApiView


UPLOAD_KINDS = (PDF, PNG, JPEG, DOCX, XLSX)  # what core.uploads accepts, so what a download may be


class PlanList(ApiList):
    """实施方案（草案仅督办管理员可见）。"""

    required_scope, allowed_roles, endpoint = "plans", READS_TASKS, "plans"
    serializer_class = serializers.PlanSerializer
    filterset_class = filters.PlanFilter

    def get_queryset(self):
        return Plan.objects.for_user(self.request.user)


def _items(user):
    return WorkItem.objects.for_user(user).with_units()


class ItemList(ApiList):
    """督办事项（主要任务与保障措施）及其牵头、责任单位；筛选与任务清单页相同。"""

    required_scope, allowed_roles, endpoint = "plans", READS_TASKS, "items"
    serializer_class = serializers.ItemSerializer
    filterset_class = filters.ItemFilter

    def get_queryset(self):
        return _items(self.request.user)


class ItemDetail(ApiDetail):
    required_scope, allowed_roles, endpoint = "plans", READS_TASKS, "item"
    serializer_class = serializers.ItemSerializer

    def get_queryset(self):
        return _items(self.request.user)


class _WithLights:
    """Assignments with their light as of `?on=`: progress.lights for the page's rows, 4 queries at most."""

    def get_queryset(self):
        return Assignment.objects.for_user(self.request.user).select_related("task__plan", "department")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "on": self.on, "lights": getattr(self, "lights", {})}

    def lights_for(self, rows):
        self.lights = lights.lights_for_assignments(
            [a.pk for a in rows], on=self.on, plans={a.task.plan_id: a.task.plan for a in rows},
        ) if rows else {}


# The list's row, and its plan's fields (the lights' due windows), in one lean query: no model instance per row.
ASSIGNMENT_VALUES = ("id", "task_id", "task__plan_id", "task__kind", "task__number", "task__title", "department_id",
                     "department__name", "role", "via_group_id")
PLAN_FIELDS = tuple(f.attname for f in Plan._meta.concrete_fields)


@extend_schema(parameters=[ON_PARAMETER])
class AssignmentList(_WithLights, ApiList):
    """任务分工及其截至某日的灯色和原因。"""

    required_scope, allowed_roles, endpoint = "assignments", READS_TASKS, "assignments"
    serializer_class = serializers.AssignmentSerializer
    filterset_class = filters.AssignmentFilter

    def list(self, request, *args, **kwargs):
        self.on = self.on_date()
        scoped = self.filter_queryset(Assignment.objects.for_user(request.user))
        page = self.paginate_queryset(scoped.values(*ASSIGNMENT_VALUES, *(f"task__plan__{n}" for n in PLAN_FIELDS)))
        plans = {}
        for v in page:  # a page spans a plan or two: one Plan each, for progress.lights' due windows
            if v["task__plan_id"] not in plans:
                plans[v["task__plan_id"]] = Plan.from_db(
                    scoped.db, PLAN_FIELDS, [v[f"task__plan__{n}"] for n in PLAN_FIELDS])
        # Unordered: the result is a dict, and the model's ordering would join the plan and sort for nothing.
        ids = Assignment.objects.filter(pk__in=[v["id"] for v in page]).order_by()
        found = lights.lights_for_assignments(ids, on=self.on, plans=plans) if page else {}
        return self.get_paginated_response([serializers.assignment_row(v, found.get(v["id"]), self.on) for v in page])


@extend_schema(parameters=[ON_PARAMETER])
class AssignmentDetail(_WithLights, ApiDetail):
    required_scope, allowed_roles, endpoint = "assignments", READS_TASKS, "assignment"
    serializer_class = serializers.AssignmentSerializer

    def retrieve(self, request, *args, **kwargs):
        self.on = self.on_date()
        assignment = self.get_object()
        self.lights_for([assignment])
        return Response(self.get_serializer(assignment).data)


def download_urls(request):
    """id → the evidence file's absolute download URL (reverse once, then format)."""
    template = request.build_absolute_uri(reverse("api:report-file-download", args=[0]))[:-2]
    return lambda pk: f"{template}{pk}/"


def approved_reports(user):
    """The reports that count (latest approved version of each assignment and period), in the user's scope."""
    files = ReportFile.objects.only("pk", "report_id", "original_name", "content_type", "size", "uploaded_at")
    # Few joins in the page's query (PostgreSQL plans each join on every page: ~20 ms with five beside the
    # anti-join); the assignment with its task and unit comes in one query of its own.
    assignments = Assignment.objects.select_related("task", "department")
    return (
        latest_approved_reports().for_user(user).select_related("period")
        .prefetch_related(Prefetch("assignment", queryset=assignments), Prefetch("files", queryset=files))
    )


# The list's rows as values (no model instance, no prefetch machinery): the page with its period, then the page's
# assignments (task and unit) and its files, one query each.
REPORT_VALUES = ("id", "assignment_id", "version", "state", "progress", "percent", "problems", "next_steps",
                 "submitted_at", "approved_at", "period__start", "period__end", "period__due_date", "period__label")
REPORT_ASSIGNMENT_VALUES = ("id", "task_id", "task__plan_id", "task__kind", "task__number", "department_id",
                            "department__name")
FILE_VALUES = ("id", "report_id", "original_name", "content_type", "size", "uploaded_at")


def approved_report_rows(page: list[dict]) -> tuple[dict, dict]:
    """The page's assignments (id → row) and files (report id → rows, in the files' own order)."""
    if not page:
        return {}, {}
    assignments = {a["id"]: a for a in Assignment.objects.filter(
        pk__in={r["assignment_id"] for r in page}).values(*REPORT_ASSIGNMENT_VALUES)}
    files = defaultdict(list)
    for f in ReportFile.objects.filter(report_id__in=[r["id"] for r in page]).values(*FILE_VALUES):
        files[f["report_id"]].append(f)
    return assignments, files


class ReportDetail(ApiDetail):
    """一份审核通过的进展报告（当前版本）。"""

    required_scope, allowed_roles, endpoint = "reports", READS_TASKS, "report"
    serializer_class = serializers.ReportSerializer

    def get_queryset(self):
        return approved_reports(self.request.user)


class ReportFileDownload(ApiView):
    """佐证材料下载：与页面下载相同的范围检查，作为附件返回。"""

    required_scope, allowed_roles, endpoint = "reports", READS_TASKS, "report-file"

    @extend_schema(responses={(200, kind.content_type): OpenApiTypes.BINARY for kind in UPLOAD_KINDS})
    def get(self, request, pk):
        stored = get_object_or_404(ReportFile.objects.for_user(request.user), pk=pk)
        return attachment_response(stored.file, filename=stored.original_name, content_type=stored.content_type)


@extend_schema(parameters=[ON_PARAMETER])
class MilestoneList(ApiList):
    """节点目标，含指标的当前值（由平台数据计算的按来源计算一次）和截至某日的状态。"""

    required_scope, allowed_roles, endpoint = "milestones", READS_TASKS, "milestones"
    serializer_class = serializers.MilestoneSerializer
    filterset_class = filters.MilestoneFilter

    def get_queryset(self):
        return Milestone.objects.for_user(self.request.user)

    def list(self, request, *args, **kwargs):
        on = self.on_date()
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        computed: dict[str, object] = {}
        rows = []
        for m in page:
            value, is_computed = m.current_value, False
            if m.is_metric and m.metric_source:
                if m.metric_source not in computed:
                    computed[m.metric_source] = milestone_metric(m, on=on)
                value, is_computed = computed[m.metric_source].value, True
            rows.append({
                "id": m.pk, "plan_id": m.plan_id, "task_id": m.task_id, "title": m.title,
                "description": m.description, "due_date": m.due_date, "target_value": m.target_value,
                "current_value": value, "value_computed": is_computed, "value_unit": m.value_unit,
                "met_on": m.met_on if timerules.milestone_met(m, on) else None,
                "status": timerules.milestone_status(m, on)[0], "on": on,
            })
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


def _notices(user):
    return SupervisionNotice.objects.for_user(user).select_related("assignment__task__plan", "assignment__department")


class NoticeList(ApiList):
    """督办单；筛选与督办单页相同（状态含“已逾期”）。"""

    required_scope, allowed_roles, endpoint = "notices", READS_PROGRESS, "notices"
    serializer_class = serializers.NoticeSerializer
    filterset_class = filters.NoticeFilter

    def get_queryset(self):
        return _notices(self.request.user)


class NoticeDetail(ApiDetail):
    required_scope, allowed_roles, endpoint = "notices", READS_PROGRESS, "notice"
    serializer_class = serializers.NoticeSerializer

    def get_queryset(self):
        return _notices(self.request.user)


class DirectoryList(ApiList):
    """信息公示：已备案机构的公开信息（任何持有 directory 授权的客户端）。"""

    required_scope, endpoint = "directory", "directory"
    serializer_class = serializers.DirectoryEntrySerializer
    filterset_class = filters.DirectoryFilter

    def get_queryset(self):
        return directory_entries()


def _institutions(user):
    return Institution.objects.for_user(user).select_related("registration_authority", "street")


class InstitutionList(ApiList):
    """托育机构（全部字段，按绑定账号的可见范围）。"""

    required_scope, allowed_roles, endpoint = "institutions", READS_INSTITUTIONS, "institutions"
    serializer_class = serializers.InstitutionSerializer
    filterset_class = filters.InstitutionFilter

    def get_queryset(self):
        return _institutions(self.request.user)


class InstitutionDetail(ApiDetail):
    required_scope, allowed_roles, endpoint = "institutions", READS_INSTITUTIONS, "institution"
    serializer_class = serializers.InstitutionSerializer

    def get_queryset(self):
        return _institutions(self.request.user)


def _filings(user):
    return Filing.objects.for_user(user).select_related("institution")


class FilingList(ApiList):
    """备案（按绑定账号的可见范围）。"""

    required_scope, allowed_roles, endpoint = "institutions", READS_FILINGS, "filings"
    serializer_class = serializers.FilingSerializer
    filterset_class = filters.FilingFilter

    def get_queryset(self):
        return _filings(self.request.user)


class FilingDetail(ApiDetail):
    required_scope, allowed_roles, endpoint = "institutions", READS_FILINGS, "filing"
    serializer_class = serializers.FilingSerializer

    def get_queryset(self):
        return _filings(self.request.user)


class Indicators(ApiView):
    """全区指标：登记、备案、示范性机构、托位数与每千人口托位数，截至某日。"""

    required_scope, allowed_roles, endpoint = "indicators", READS_EVERYTHING, "indicators"

    @extend_schema(parameters=[ON_PARAMETER], responses=serializers.IndicatorsSerializer)
    def get(self, request):
        on = self.on_date()
        figures = indicators.figures(on)
        data = {
            "on": on, "registered": figures.registered, "filed": figures.filed,
            "filing_completion_rate": indicators.completion_rate_of(figures),
            "demonstration": figures.demonstration, "filed_capacity": figures.filed_capacity,
            "population": indicators.population(),
            "places_per_thousand": indicators.per_thousand_of(figures.filed_capacity),
            "places_per_thousand_target": indicators.places_per_thousand_target(),
        }
        return Response(serializers.IndicatorsSerializer(data).data)
