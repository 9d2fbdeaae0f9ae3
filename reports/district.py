"""The district overview at D: every plan live at D (or one chosen plan), its
tasks' lights by section or plan, the units' table, on-time trend, milestones
coming and overdue, and the registry's figures for who sees the district."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from accounts.roles import sees_all
from core.numerals import bracketed
from progress import timerules
from progress.lights import Light, worst
from tasks.labels import item_label
from tasks.models import Assignment, Milestone, Plan, WorkItem

from .facts import UnitSummary, assignment_facts, light_counts, on_time_by_period, rate, task_lights, unit_summaries
from .institutions import InstitutionIndicators, institution_indicators
from .records import notice_counts


@dataclass
class DistrictOverview:
    on: dt.date
    plans: list[dict]
    plan: dict | None
    task_counts: dict[str, int]
    tasks_total: int
    groups: list[dict]  # per section (one plan) or per plan (all)
    group_kind: str
    units: list[UnitSummary]
    due_now: int
    needs_report: int
    approved_now: int
    overdue: int
    expected: int
    on_time: int
    open_notices: int
    overdue_notices: int
    trend: list[dict]
    upcoming: list[dict]
    overdue_milestones: list[dict]
    institutions: InstitutionIndicators | None
    this_period_label: str = ""

    @property
    def on_time_rate(self) -> Decimal | None:
        return rate(self.on_time, self.expected)

    @property
    def approved_rate(self) -> Decimal | None:
        return rate(self.approved_now, self.due_now)


def _milestone_rows(milestones, on: dt.date) -> list[dict]:
    rows = []
    for m in milestones:
        word, code = timerules.milestone_status(m, on)
        rows.append({
            "milestone": m, "status": word, "light": Light(code),
            "task_label": item_label(m.task.kind, m.task.number) if m.task_id else "全局目标",
            "task_title": m.task.title if m.task_id else (m.plan.document_number or m.plan.title),
            "days": (m.due_date - on).days,
        })
    return rows


def district_overview(*, user, on: dt.date, plan_id: int | None = None, upcoming_days: int = 60
                      ) -> DistrictOverview:
    """The district at D: the plans live at D (tasks.querysets.live_at), or one
    chosen plan (an ended plan is read as of its end date by the views)."""
    plans = list(Plan.objects.for_user(user).in_force(on=on).values("pk", "title", "document_number", "issued_on"))
    plan = next((p for p in plans if p["pk"] == plan_id), None) if plan_id else None
    if plan is None and len(plans) == 1:
        plan = plans[0]
    assignments = Assignment.objects.for_user(user).in_force(on=on)
    tasks = WorkItem.objects.for_user(user).in_force(on=on)
    milestones = Milestone.objects.for_user(user).in_force(on=on)
    if plan is not None:
        assignments = assignments.filter(task__plan_id=plan["pk"])
        tasks = tasks.filter(plan_id=plan["pk"])
        milestones = milestones.filter(plan_id=plan["pk"])

    facts = assignment_facts(user=user, assignments=assignments, on=on)
    task_rows = list(tasks.values("pk", "plan_id", "section_id", "section__number", "section__title"))
    lights = task_lights(facts, [t["pk"] for t in task_rows])

    # One plan: its sections (from the task rows, no query of their own); all plans: per plan.
    index: dict = {}
    if plan is not None:
        group_kind = "section"
        for t in sorted(task_rows, key=lambda t: (t["section__number"] is None, t["section__number"] or 0)):
            key = t["section_id"]
            if key not in index:
                label = f"{bracketed(t['section__number'])}{t['section__title']}" if key else "保障措施及其他"
                index[key] = {"key": key, "label": label, "lights": []}
            index[key]["lights"].append(lights[t["pk"]])
        groups = list(index.values())
    else:
        group_kind = "plan"
        groups = [{"key": p["pk"], "label": p["document_number"] or p["title"], "lights": []} for p in plans]
        index = {g["key"]: g for g in groups}
        for t in task_rows:
            if t["plan_id"] in index:
                index[t["plan_id"]]["lights"].append(lights[t["pk"]])
    groups = [
        {**g, "counts": light_counts(g["lights"]), "total": len(g["lights"]), "light": worst(g["lights"])}
        for g in groups if g["lights"]
    ]

    notices = notice_counts(user=user, assignments=assignments, on=on)
    units = unit_summaries(facts, notices)
    soon = on + dt.timedelta(days=upcoming_days)
    base = milestones.unmet_by(on=on).select_related("task", "plan")
    upcoming = _milestone_rows(base.filter(due_date__gte=on, due_date__lte=soon).order_by("due_date", "pk")[:12], on)
    overdue_ms = _milestone_rows(base.filter(due_date__lt=on).order_by("-due_date", "pk")[:12], on)

    return DistrictOverview(
        on=on, plans=plans, plan=plan,
        task_counts=light_counts(lights.values()), tasks_total=len(lights),
        groups=groups, group_kind=group_kind, units=units,
        due_now=sum(u.due_now for u in units), needs_report=sum(u.needs_report for u in units),
        approved_now=sum(u.approved_now for u in units), overdue=sum(u.overdue for u in units),
        expected=sum(u.expected for u in units), on_time=sum(u.on_time for u in units),
        open_notices=sum(n["open"] for n in notices.values()),
        overdue_notices=sum(n["overdue"] for n in notices.values()),
        trend=on_time_by_period(user=user, assignments=assignments, facts=facts, on=on),
        upcoming=upcoming, overdue_milestones=overdue_ms,
        institutions=institution_indicators(on=on) if sees_all(user) else None,
        this_period_label=_single({f.current.label for f in facts if f.calendar is not None}),
    )


def _single(labels: set[str]) -> str:
    return next(iter(labels)) if len(labels) == 1 else ""
