"""GET /api/v1/reports/: approved reports. POST: the API's one write — a unit's system submits a progress report
for an assignment and period through the form's own checks (progress.forms.ReportForm) and the form's own service
(progress.services.report_create, submitted at once to the unit's leader), idempotent under Idempotency-Key."""
from __future__ import annotations

import datetime as dt
import re

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from accounts.roles import READS_TASKS, WRITES_REPORTS
from core import clock
from progress import periods
from progress.forms import ReportForm
from progress.selectors import latest_approved_reports
from tasks.models import Assignment

from .. import filters, serializers, services
from ..scopes import WRITE_REPORTS
from .base import ApiList
from .reads import REPORT_VALUES, approved_report_rows, approved_reports, download_urls

KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,100}$")
IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
    description="客户端生成的唯一键（1–100 个可见 ASCII 字符）；同一键重复提交只创建一份报告，并返回首次的响应。",
)


def _field_error(name: str, message: str) -> exceptions.ValidationError:
    return exceptions.ValidationError({name: [message]})


class ReportListCreate(ApiList):
    """审核通过的进展报告（当前版本，含佐证材料及下载链接）；POST 报送一份进展报告。"""

    endpoint = "reports"
    serializer_class = serializers.ReportSerializer
    filterset_class = filters.ReportFilter
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @property
    def required_scope(self):
        return WRITE_REPORTS if self.request.method == "POST" else "reports"

    @property
    def allowed_roles(self):
        return WRITES_REPORTS if self.request.method == "POST" else READS_TASKS

    def get_queryset(self):
        return approved_reports(self.request.user)

    def list(self, request, *args, **kwargs):
        scoped = self.filter_queryset(latest_approved_reports().for_user(request.user))
        page = self.paginate_queryset(scoped.values(*REPORT_VALUES))
        assignments, files = approved_report_rows(page)
        url, tz = download_urls(request), timezone.get_current_timezone()
        return self.get_paginated_response([
            serializers.report_row(r, assignments[r["assignment_id"]], files.get(r["id"], ()), url, tz)
            for r in page])

    @extend_schema(
        parameters=[IDEMPOTENCY_HEADER],
        request={"multipart/form-data": serializers.ReportSubmitSerializer,
                 "application/json": serializers.ReportSubmitSerializer},
        responses={201: serializers.ReportSerializer},
    )
    def post(self, request):
        key = request.headers.get("Idempotency-Key", "")
        if not KEY_PATTERN.match(key):
            raise exceptions.ValidationError(
                {"Idempotency-Key": ["请在请求头 Idempotency-Key 中提供 1–100 个可见 ASCII 字符的唯一键。"]})
        data = request.data
        assignment = self._assignment(data.get("assignment"))
        start = self._period(assignment, data.get("period"))
        files = request.FILES if hasattr(request.FILES, "getlist") else MultiValueDict()
        form = ReportForm(
            {name: data.get(name, "") for name in ("progress", "percent", "problems", "next_steps")},
            MultiValueDict({"evidence": files.getlist("evidence")}),
        )
        if not form.is_valid():
            raise exceptions.ValidationError({name: list(errors) for name, errors in form.errors.items()})
        cleaned = form.cleaned_data
        fingerprint = services.request_fingerprint(
            {"assignment": assignment.pk, "period": start.isoformat(),
             **{n: cleaned[n] for n in ("progress", "percent", "problems", "next_steps")}},
            cleaned["evidence"],
        )
        result = services.report_submit_idempotent(
            client=request.auth, key=key, fingerprint=fingerprint, assignment=assignment, period=start,
            progress=cleaned["progress"], percent=cleaned["percent"], problems=cleaned["problems"],
            next_steps=cleaned["next_steps"], files=cleaned["evidence"], render=self._render,
        )
        headers = {"Idempotent-Replayed": "true"} if result.replayed else {}
        return Response(result.body, status=result.status, headers=headers)

    def _assignment(self, value) -> Assignment:
        try:
            pk = int(str(value))
        except (TypeError, ValueError):
            raise _field_error("assignment", "请填写有效的任务分工 id。") from None
        if not 0 < pk < 2**63:
            raise _field_error("assignment", "请填写有效的任务分工 id。")
        queryset = Assignment.objects.for_user(self.request.user).select_related("task__plan", "department")
        return get_object_or_404(queryset, pk=pk)

    def _period(self, assignment: Assignment, value) -> dt.date:
        """The form's period rule (progress.views.ReportCreateView): a period of the plan, already begun."""
        try:
            start = dt.datetime.strptime(str(value or ""), "%Y-%m").date()
        except ValueError:
            raise _field_error("period", "请填写报送周期的起始月份，格式为 YYYY-MM，如 2026-11。") from None
        spec = periods.period_for_start(assignment.task.plan, start)
        if spec is None or spec.start > clock.today():
            raise _field_error("period", "报送周期不存在或尚未开始。")
        return spec.start

    def _render(self, report) -> dict:
        fresh = get_object_or_404(
            type(report).objects.select_related("assignment__task__plan", "assignment__department", "period")
            .prefetch_related("files"), pk=report.pk,
        )
        return dict(serializers.ReportSerializer(fresh, context=self.get_serializer_context()).data)
