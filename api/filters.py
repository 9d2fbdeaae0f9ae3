"""The API's filters: the same filters as the pages (the task list's WorkItemFilter itself; the directory's, the
registry's and the notices' fields), as query parameters."""
from __future__ import annotations

import datetime as dt
import re

import django_filters
from django.db.models import Q
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core import clock
from institutions.models import SERVICE_FIELDS, Filing, Institution, ServiceType
from progress.models import ProgressReport, SupervisionNotice
from agencies.models import Department
from tasks.filters import WorkItemFilter
from tasks.models import Assignment, Milestone, Plan

MONTH_HELP = "报送周期起始月份，格式 YYYY-MM"
AN_ID = re.compile(r"^[0-9]{1,18}$")


class FilterBackend(DjangoFilterBackend):
    """django-filter, with every id parameter checked first: a number too long for the database is a 400 with the
    parameter's name, never a database error."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            for name, f in filterset_class.base_filters.items():
                value = request.query_params.get(name)
                if value and isinstance(f, (django_filters.NumberFilter, django_filters.ModelChoiceFilter)) \
                        and not AN_ID.match(value):
                    raise exceptions.ValidationError({name: ["请填写有效的 id（正整数）。"]})
        return super().filter_queryset(request, queryset, view)



class PlanFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Plan.Status.choices)

    class Meta:
        model = Plan
        fields = ["status"]


@extend_schema_field(OpenApiTypes.INT)
class _UnitFilter(django_filters.ModelChoiceFilter):
    """A unit by id (the schema says so; the page's filter keeps its own rule, filter_responsible)."""


class ItemFilter(WorkItemFilter):
    """The task list's own filter (tasks.filters.WorkItemFilter), its unit documented as an id."""

    responsible_unit = _UnitFilter(
        label="责任单位", method="filter_responsible",
        queryset=Department.objects.filter(assignments__role="responsible").distinct(),
    )


class AssignmentFilter(django_filters.FilterSet):
    plan = django_filters.NumberFilter(field_name="task__plan_id", label="实施方案 id")
    task = django_filters.NumberFilter(field_name="task_id", label="督办事项 id")
    department = django_filters.NumberFilter(field_name="department_id", label="单位 id")
    role = django_filters.ChoiceFilter(choices=Assignment.Role.choices)

    class Meta:
        model = Assignment
        fields = ["plan", "task", "department", "role"]


def _month(value: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except (TypeError, ValueError):
        return None


class ReportFilter(django_filters.FilterSet):
    plan = django_filters.NumberFilter(field_name="assignment__task__plan_id", label="实施方案 id")
    task = django_filters.NumberFilter(field_name="assignment__task_id", label="督办事项 id")
    department = django_filters.NumberFilter(field_name="assignment__department_id", label="单位 id")
    assignment = django_filters.NumberFilter(field_name="assignment_id", label="任务分工 id")
    period = django_filters.CharFilter(method="filter_period", label=MONTH_HELP)

    class Meta:
        model = ProgressReport
        fields = ["plan", "task", "department", "assignment", "period"]

    def filter_period(self, queryset, name, value):
        start = _month(value)
        return queryset.filter(period__start=start) if start else queryset.none()


class MilestoneFilter(django_filters.FilterSet):
    plan = django_filters.NumberFilter(field_name="plan_id", label="实施方案 id")
    task = django_filters.NumberFilter(field_name="task_id", label="督办事项 id")

    class Meta:
        model = Milestone
        fields = ["plan", "task"]


class NoticeFilter(django_filters.FilterSet):
    """督办单 page's filter: state, with 已逾期 (open past its deadline) as the page has it."""

    state = django_filters.ChoiceFilter(
        method="filter_state", choices=[*SupervisionNotice.State.choices, ("overdue", "已逾期")]
    )
    plan = django_filters.NumberFilter(field_name="assignment__task__plan_id", label="实施方案 id")
    department = django_filters.NumberFilter(field_name="assignment__department_id", label="单位 id")

    class Meta:
        model = SupervisionNotice
        fields = ["state", "plan", "department"]

    def filter_state(self, queryset, name, value):
        if value == "overdue":
            return queryset.filter(state=SupervisionNotice.State.OPEN, reply_due__lt=clock.today())
        return queryset.filter(state=value)


def _text(queryset, value):
    value = (value or "").strip()
    return queryset.filter(Q(name__icontains=value) | Q(address__icontains=value)) if value else queryset


class DirectoryFilter(django_filters.FilterSet):
    """信息公示's filter: name or address, street, service type."""

    q = django_filters.CharFilter(method="filter_q", label="机构名称或地址")
    street = django_filters.NumberFilter(field_name="street_id", label="所属街道 id")
    service_type = django_filters.ChoiceFilter(method="filter_service", choices=ServiceType.choices)

    class Meta:
        model = Institution
        fields = ["q", "street", "service_type"]

    def filter_q(self, queryset, name, value):
        return _text(queryset, value)

    def filter_service(self, queryset, name, value):
        return queryset.filter(**{SERVICE_FIELDS[ServiceType(value)]: True})


class InstitutionFilter(DirectoryFilter):
    status = django_filters.ChoiceFilter(choices=Institution.Status.choices)

    class Meta:
        model = Institution
        fields = ["q", "street", "service_type", "status"]


class FilingFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Filing.Status.choices)
    kind = django_filters.ChoiceFilter(choices=Filing.Kind.choices)
    institution = django_filters.NumberFilter(field_name="institution_id", label="托育机构 id")

    class Meta:
        model = Filing
        fields = ["status", "kind", "institution"]
