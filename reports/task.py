"""One task's dashboard at D: each unit's light and latest approved report,
the milestones, the 督办单, a period × unit matrix and a timeline."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.shortcuts import get_object_or_404

from core.clock import date_of, day_end
from progress import periods, timerules
from progress.lights import Light
from progress.milestones import milestone_metric
from progress.models import ProgressReport, ReportTransition, SupervisionNotice
from tasks.models import Assignment, Milestone, WorkItem

from .facts import assignment_facts, task_lights
from .records import latest_approved

State = ProgressReport.State


def task_for_user(*, user, pk: int) -> WorkItem:
    return get_object_or_404(WorkItem.objects.for_user(user).with_units(), pk=pk)


@dataclass
class TaskDashboard:
    on: dt.date
    task: WorkItem
    light: Light
    rows: list[dict]
    milestones: list[dict]
    notices: list[dict]
    timeline: list[dict]
    matrix_periods: list[periods.PeriodSpec]
    matrix: list[dict]


def _metric_values(milestones, on: dt.date) -> dict[int, object]:
    """A metric milestone's value at D: computed indicators once per source."""
    by_source: dict[str, object] = {}
    values = {}
    for m in milestones:
        if not m.is_metric:
            continue
        if m.metric_source:
            if m.metric_source not in by_source:
                by_source[m.metric_source] = milestone_metric(m, on=on)
            values[m.pk] = by_source[m.metric_source]
        else:
            values[m.pk] = milestone_metric(m, on=on)
    return values


def task_dashboard(*, user, task: WorkItem, on: dt.date, months: int = 12) -> TaskDashboard:
    end = day_end(on)
    assignments = Assignment.objects.for_user(user).filter(task=task).in_force(on=on)
    facts = assignment_facts(user=user, assignments=assignments, on=on)
    facts.sort(key=lambda f: (not f.is_lead, f.department_position, f.department_name))
    latest = latest_approved(user=user, assignments=assignments, on=on)
    rows = [{"fact": f, "report": latest.get(f.pk)} for f in facts]
    light = task_lights(facts, [task.pk])[task.pk]

    milestones = list(Milestone.objects.for_user(user).filter(task=task).order_by("due_date", "position", "pk"))
    metrics = _metric_values(milestones, on)
    milestone_rows = []
    for m in milestones:
        word, code = timerules.milestone_status(m, on)
        milestone_rows.append({"milestone": m, "status": word, "light": Light(code), "metric": metrics.get(m.pk)})

    notices = list(
        SupervisionNotice.objects.for_user(user).filter(assignment__task=task, issued_at__lt=end)
        .select_related("assignment__department").order_by("-issued_at", "-pk")[:20]
    )

    # The last `months` periods through D, and which units had an approved report for each.
    plan = task.plan
    specs = [s for s in periods.periods_through(plan, on)][-months:]
    cells: dict[tuple[int, dt.date], str] = {}
    approvals = (
        ProgressReport.objects.for_user(user)
        .filter(assignment__in=assignments.values("pk"), period__start__in=[s.start for s in specs],
                approved_at__lt=end)
        .values("assignment_id", "period__start", "period__due_date", "submitted_at", "approved_at")
    )
    events = []
    for a in approvals:
        local_submit = date_of(a["submitted_at"]) if a["submitted_at"] else None
        kind = "on_time" if local_submit and local_submit <= a["period__due_date"] else "late"
        key = (a["assignment_id"], a["period__start"])
        if cells.get(key) != "on_time":
            cells[key] = kind
    for f in facts:
        for s in specs:
            if (f.pk, s.start) not in cells:
                if f.done_on is not None and s.due_date >= f.done_on:
                    cells[(f.pk, s.start)] = "done"
                elif s.due_date < on:
                    cells[(f.pk, s.start)] = "missing"
                else:
                    cells[(f.pk, s.start)] = "open"
    matrix = [{"fact": f, "cells": [cells[(f.pk, s.start)] for s in specs]} for f in facts]

    # Timeline: approvals, notices, milestones met, newest first.
    for t in (
        ReportTransition.objects.for_user(user)
        .filter(assignment__in=assignments.values("pk"), to_state=State.APPROVED, at__lt=end)
        .select_related("report__period", "assignment__department")
        .order_by("-at", "-pk")[:15]
    ):
        events.append({
            "at": t.at, "kind": "report",
            "text": f"{t.assignment.department.name} {t.report.period.label}进展报告审核通过"
                    f"（完成进度 {t.report.percent}%）",
        })
    for n in notices:
        events.append({"at": n.issued_at, "kind": "notice",
                       "text": f"向{n.assignment.department.name}签发督办单 {n.number}"})
        if n.replied_at and n.replied_at < end:
            events.append({"at": n.replied_at, "kind": "reply",
                           "text": f"{n.assignment.department.name}答复督办单 {n.number}"})
    for m in milestones:
        if timerules.milestone_met(m, on):
            events.append({"at": m.confirmed_at, "kind": "milestone", "text": f"节点目标“{m.title}”确认达成"})
    events.sort(key=lambda e: e["at"], reverse=True)

    notice_rows = []
    for n in notices:
        status = timerules.notice_status(n, on)
        notice_rows.append({"notice": n, "status": status, "overdue": status == "逾期未答复"})
    return TaskDashboard(
        on=on, task=task, light=light, rows=rows, milestones=milestone_rows, notices=notice_rows,
        timeline=events[:20], matrix_periods=specs, matrix=matrix,
    )
