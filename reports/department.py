"""One unit's dashboard at D: its assignments' lights and latest approved
reports, what it still owes this period, reports returned to it, its open
督办单 and its on-time trend."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.roles import sees_all
from agencies.models import Department
from progress.lights import Light
from progress.models import ProgressReport, SupervisionNotice
from tasks.models import Assignment, Plan

from .facts import Facts, UnitSummary, assignment_facts, on_time_by_period, rate
from .records import latest_approved, open_notices, returned_as_of


def department_for_user(*, user, pk: int | None) -> Department:
    """Officers and leaders: their own unit only (any other is 404); the
    coordinator and the viewer: any reporting unit."""
    units = Department.objects.for_user(user).reporting()
    if pk is None:  # "my unit"
        pk = user.department_id
    if pk is None or (not sees_all(user) and pk != user.department_id):
        raise Http404("没有找到该单位。")
    return get_object_or_404(units, pk=pk)


@dataclass
class DepartmentDashboard:
    on: dt.date
    department: Department
    light: Light
    rows: list[dict]
    counts: dict[str, int]
    leads: int
    due: list[Facts]
    returned: list[ProgressReport]
    notices: list[SupervisionNotice]
    overdue_notices: int
    trend: list[dict]
    expected: int
    on_time: int
    overdue: int

    @property
    def on_time_rate(self) -> Decimal | None:
        return rate(self.on_time, self.expected)



def department_dashboard(*, user, department: Department, on: dt.date) -> DepartmentDashboard:
    assignments = Assignment.objects.for_user(user).filter(department=department).in_force(on=on)
    facts = assignment_facts(user=user, assignments=assignments, on=on)
    latest = latest_approved(user=user, assignments=assignments, on=on)
    facts.sort(key=lambda f: (not f.is_lead, f.plan_id, f.task_kind, f.task_number))
    rows = [{"fact": f, "report": latest.get(f.pk)} for f in facts]
    live_plans = Plan.objects.in_force(on=on).values("pk")
    notices = open_notices(user=user, on=on, assignment__department=department, assignment__task__plan__in=live_plans)
    unit = UnitSummary(department.pk, department.name, department.position, facts)
    return DepartmentDashboard(
        on=on, department=department, light=unit.light, rows=rows, counts=unit.counts, leads=unit.leads,
        due=[f for f in facts if f.needs_report],
        returned=returned_as_of(user=user, on=on, department=department, task__plan__in=live_plans),
        notices=notices, overdue_notices=sum(1 for n in notices if n.reply_due < on),
        trend=on_time_by_period(user=user, assignments=assignments, facts=facts, on=on),
        expected=unit.expected, on_time=unit.on_time, overdue=unit.overdue,
    )
