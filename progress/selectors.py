"""Reads of the progress domain, always scoped to the user asking (404 outside
scope). Each page's selector costs a fixed number of queries whatever the
number of reports (tests pin it)."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.shortcuts import get_object_or_404

from accounts.roles import APPROVES_FOR_UNIT, has_role, is_coordinator, sees_all
from core import clock
from tasks.models import Assignment, Plan, WorkItem
from tasks.querysets import live_at

from . import periods, timerules
from .lights import Light, evaluate, lights_for_assignments, worst
from .milestones import MetricValue, MilestoneRow, milestone_metric, milestone_rows  # noqa: F401  (their home)
from .models import (
    AssignmentCompletion,
    LeadSummary,
    ProgressReport,
    ReportFile,
    ReportTransition,
    SupervisionNotice,
)

logger = logging.getLogger(__name__)
State = ProgressReport.State
LIVE_COMPLETION = [AssignmentCompletion.State.CLAIMED, AssignmentCompletion.State.ACCEPTED]


# ---------------------------------------------------------------- building blocks


def latest_approved_reports():
    """The reports that count: per (assignment, period) the latest approved
    version. Dashboards and exports read these (and scope them with for_user)."""
    newer = ProgressReport.objects.filter(
        assignment=OuterRef("assignment"), period=OuterRef("period"), state=State.APPROVED,
        version__gt=OuterRef("version"),
    )
    return ProgressReport.objects.filter(state=State.APPROVED).exclude(Exists(newer))


def _latest_versions(reports) -> dict[tuple[int, dt.date], ProgressReport]:
    """(assignment id, period start) → its highest version among `reports`."""
    found: dict[tuple[int, dt.date], ProgressReport] = {}
    for report in reports:
        key = (report.assignment_id, report.period.start)
        if key not in found or report.version > found[key].version:
            found[key] = report
    return found


def _with_completion(queryset):
    live = AssignmentCompletion.objects.filter(assignment=OuterRef("pk"), state__in=LIVE_COMPLETION)
    return queryset.annotate(
        completion_state=Subquery(live.values("state")[:1]),
        completion_id=Subquery(live.values("pk")[:1]),
    )


@dataclass
class PeriodStatus:
    """One assignment's standing for one period, for display."""

    spec: periods.PeriodSpec
    report: ProgressReport | None
    today: dt.date

    @property
    def started(self) -> bool:
        return self.spec.start <= self.today

    @property
    def overdue(self) -> bool:
        return self.spec.due_date < self.today and not (self.report and self.report.approved_at)

    @property
    def text(self) -> str:
        if self.report is None:
            if not self.started:
                return "未开始"
            return "逾期未报" if self.spec.due_date < self.today else "未填报"
        return self.report.get_state_display()

    @property
    def css(self) -> str:
        if self.report is not None and self.report.state == State.APPROVED:
            return "ok"
        return "late" if self.overdue else ""


@dataclass
class AssignmentRow:
    assignment: Assignment
    light: Light
    this_period: PeriodStatus
    open_notices: int = 0
    # The latest period already past its due date, when it is not the period
    # containing today (early in a month): still owed if nothing was submitted.
    last_period: PeriodStatus | None = None

    @property
    def returned(self) -> bool:
        return bool(self.this_period.report and self.this_period.report.state == State.RETURNED)

    @property
    def done(self) -> bool:
        return self.light.code == "done"

    @property
    def needs_report(self) -> bool:
        report = self.this_period.report
        return not self.done and self.this_period.started and (report is None or report.state == State.DRAFT)

    @property
    def owes_last_period(self) -> bool:
        if self.done or self.last_period is None:
            return False
        report = self.last_period.report
        return report is None or report.state == State.DRAFT


# ---------------------------------------------------------------- 我的任务


@dataclass
class MyTasks:
    today: dt.date
    rows: list[AssignmentRow]
    returned: list[ProgressReport]
    open_notices: list[SupervisionNotice]
    department_light: Light

    @property
    def due(self) -> list[tuple[AssignmentRow, PeriodStatus]]:
        """What the unit still owes: an overdue last period first, then this period."""
        owed = [(row, row.last_period) for row in self.rows if row.owes_last_period]
        return owed + [(row, row.this_period) for row in self.rows if row.needs_report]

    @property
    def groups(self) -> list[PlanRows]:
        """The rows by plan (the newest plan first), each under its plan's heading."""
        found: dict[int, PlanRows] = {}
        for row in self.rows:
            plan = row.assignment.task.plan
            found.setdefault(plan.pk, PlanRows(plan, [])).rows.append(row)
        return sorted(found.values(), key=lambda g: (g.plan.in_force_from or dt.date.min, g.plan.pk), reverse=True)


@dataclass
class PlanRows:
    plan: Plan
    rows: list[AssignmentRow]


def my_tasks(*, user, on: dt.date | None = None) -> MyTasks:
    """The unit's assignments of the plans in force today, with lights and this
    period's standing; returned reports first. A draft or an ended plan adds
    nothing here. Fixed query count: assignments, 5 for lights, this period's
    reports, returned reports, open notices."""
    today = on or clock.today()
    assignments = list(
        _with_completion(
            Assignment.objects.for_user(user).filter(department_id=user.department_id).in_force(on=today)
            .select_related("task__plan", "task__lead_unit", "department")
            .annotate(open_notices=Count("notices", filter=Q(notices__state=SupervisionNotice.State.OPEN)))
        ).order_by("task__plan_id", "task__kind", "task__number")
    )
    plans = {a.task.plan_id: a.task.plan for a in assignments}
    lights = lights_for_assignments([a.pk for a in assignments], on=today, plans=plans) if assignments else {}
    specs = {a.pk: timerules.this_period(a.task.plan, today) for a in assignments}
    passed = {}
    for a in assignments:
        last = timerules.due_window(a.task.plan, today).last_passed
        if last is not None and last.start != specs[a.pk].start:
            passed[a.pk] = last
    starts = {s.start for s in specs.values()} | {s.start for s in passed.values()}
    reports = _latest_versions(
        ProgressReport.objects.for_user(user)
        .filter(assignment_id__in=list(specs), period__start__in=starts)
        .select_related("period")
    )
    rows = [
        AssignmentRow(
            assignment=a, light=lights.get(a.pk, Light("green")),
            this_period=PeriodStatus(specs[a.pk], reports.get((a.pk, specs[a.pk].start)), today),
            open_notices=a.open_notices,
            last_period=PeriodStatus(passed[a.pk], reports.get((a.pk, passed[a.pk].start)), today)
            if a.pk in passed else None,
        )
        for a in assignments
    ]
    rows.sort(key=lambda r: (not r.returned, -r.light.severity))
    returned = list(
        ProgressReport.objects.for_user(user)
        .filter(live_at(today, prefix="assignment__task__plan__"))
        .filter(assignment__department_id=user.department_id, state=State.RETURNED)
        .select_related("assignment__task__plan", "period", "reviewed_by")
        .order_by("-reviewed_at")[:50]
    )
    notices = list(
        SupervisionNotice.objects.for_user(user)
        .filter(live_at(today, prefix="assignment__task__plan__"))
        .filter(assignment__department_id=user.department_id, state=SupervisionNotice.State.OPEN)
        .select_related("assignment__task__plan").order_by("reply_due")[:50]
    )
    return MyTasks(
        today=today, rows=rows, returned=returned, open_notices=notices,
        department_light=worst([r.light for r in rows], empty=Light("green", ("暂无任务分工",))),
    )


# ---------------------------------------------------------------- 待审核


def review_queue(*, user):
    """Reports waiting for this user's review: a leader's own unit; the coordinator all."""
    # Reports of a plan no longer (or not yet) in force cannot be reviewed: not listed.
    queryset = ProgressReport.objects.for_user(user).reviewable().filter(
        assignment__task__plan__status=Plan.Status.IN_FORCE
    )
    if not is_coordinator(user):
        queryset = queryset.filter(assignment__department_id=user.department_id)
    return queryset.select_related(
        "assignment__task__plan", "assignment__department", "period", "submitted_by"
    ).order_by("last_submitted_at", "pk")


def completions_to_decide(*, user):
    """Completion claims this user may accept: the coordinator all; a lead unit's
    leader those of other units on the tasks it leads."""
    queryset = AssignmentCompletion.objects.for_user(user).filter(
        state=AssignmentCompletion.State.CLAIMED, assignment__task__plan__status=Plan.Status.IN_FORCE
    )
    if not is_coordinator(user):
        if not has_role(user, APPROVES_FOR_UNIT):
            return queryset.none()
        queryset = queryset.filter(assignment__task__lead_unit_id=user.department_id).exclude(
            assignment__department_id=user.department_id
        )
    return queryset.select_related("assignment__task__plan", "assignment__department", "claimed_by").order_by(
        "claimed_at"
    )


# ---------------------------------------------------------------- one assignment


@dataclass
class AssignmentOverview:
    assignment: Assignment
    light: Light
    this_period: PeriodStatus
    reportable: list[periods.PeriodSpec]
    completion: AssignmentCompletion | None
    notices: list[SupervisionNotice]
    today: dt.date


def assignment_for_user(*, user, pk: int) -> Assignment:
    return get_object_or_404(
        Assignment.objects.for_user(user).select_related("task__plan", "task__lead_unit", "department", "via_group"),
        pk=pk,
    )


def assignment_overview(*, user, assignment: Assignment, on: dt.date | None = None) -> AssignmentOverview:
    today = on or clock.today()
    plan = assignment.task.plan
    reported = set(
        ProgressReport.objects.filter(assignment=assignment).values_list("period__start", flat=True)
    )
    spec = timerules.this_period(plan, today)
    this_report = (
        ProgressReport.objects.for_user(user).filter(assignment=assignment, period__start=spec.start)
        .select_related("period").order_by("-version").first()
    )
    reportable = [s for s in reversed(periods.periods_through(plan, today)) if s.start not in reported][:12]
    completion = (
        AssignmentCompletion.objects.for_user(user).filter(assignment=assignment)
        .select_related("claimed_by", "decided_by").order_by("-claimed_at", "-pk").first()
    )
    notices = list(
        SupervisionNotice.objects.for_user(user).filter(assignment=assignment)
        .select_related("issued_by").order_by("-issued_at")[:20]
    )
    return AssignmentOverview(
        assignment=assignment,
        light=lights_for_assignments([assignment.pk], on=today).get(assignment.pk, Light("green")),
        this_period=PeriodStatus(spec, this_report, today), reportable=reportable, completion=completion,
        notices=notices, today=today,
    )


def assignment_reports(*, user, assignment: Assignment):
    """Every version of every period's report the user may read, newest first."""
    return (
        ProgressReport.objects.for_user(user).filter(assignment=assignment)
        .select_related("period", "created_by", "submitted_by", "reviewed_by")
        .prefetch_related(Prefetch("files", queryset=_file_rows()))
        .order_by("-period__start", "-version")
    )


def _file_rows():
    return ReportFile.objects.only("pk", "report_id", "original_name", "size", "content_type", "uploaded_at")


# ---------------------------------------------------------------- one report


def report_for_user(*, user, pk: int) -> ProgressReport:
    # The people and the superseded version come by primary key in small queries
    # of their own: one join more each made PostgreSQL spend ~13 ms planning
    # (11 relations) to run a 0.7 ms query.
    return get_object_or_404(
        ProgressReport.objects.for_user(user).select_related(
            "assignment__task__plan", "assignment__task__lead_unit", "assignment__department", "period",
        ).prefetch_related(
            "created_by", "submitted_by", "reviewed_by", "supersedes", "files",
            Prefetch("transitions", queryset=ReportTransition.objects.select_related("actor").order_by("at", "id")),
        ),
        pk=pk,
    )


def report_versions(*, user, report: ProgressReport):
    return (
        ProgressReport.objects.for_user(user)
        .filter(assignment_id=report.assignment_id, period_id=report.period_id)
        .order_by("version")
    )


# ---------------------------------------------------------------- task detail


@dataclass
class TaskProgress:
    task_light: Light
    rows: list[dict]
    summary: dict | None
    notices: list[SupervisionNotice]
    milestones: list[MilestoneRow]
    today: dt.date


def task_progress(*, user, task: WorkItem, on: dt.date | None = None) -> TaskProgress:
    """What the task page adds: each unit's light, latest approved report and
    completion; the lead unit's summaries; notices; milestones with their
    values. Two queries whatever the number of reports: the assignments with
    every fact annotated (the latest lead summary rides along), and the
    notices; the task's assignments, plan and milestones come prefetched."""
    today = on or clock.today()
    latest = latest_approved_reports().for_user(user).filter(assignment=OuterRef("pk")).order_by("-period__start")
    live = AssignmentCompletion.objects.filter(assignment=OuterRef("pk"), state__in=LIVE_COMPLETION)
    summary = LeadSummary.objects.for_user(user).filter(task=OuterRef("task")).order_by("-period__start")
    # Whether the reader may open each unit's 报告记录 (the page's own scope, progress:assignment):
    # the link is drawn only then, decided inside the same query.
    opens = Assignment.objects.for_user(user).filter(pk=OuterRef("pk"))
    milestones = list(task.milestones.all())
    evaluated = evaluate(
        Assignment.objects.filter(task=task), today, plans={task.plan_id: task.plan}, milestones=milestones,
        extra={
            "report_id": Subquery(latest.values("pk")[:1]),
            "report_period": Subquery(latest.values("period__label")[:1]),
            "report_percent": Subquery(latest.values("percent")[:1]),
            "report_approved_at": Subquery(latest.values("approved_at")[:1]),
            "completion_state": Subquery(live.values("state")[:1]),
            "summary_text": Subquery(summary.values("text")[:1]),
            "summary_period": Subquery(summary.values("period__label")[:1]),
            "summary_author": Subquery(summary.values("author__full_name")[:1]),
            "summary_at": Subquery(summary.values("updated_at")[:1]),
            "opens": Exists(opens),
        },
    )
    facts = {row.pk: (row.values, light) for row, light in evaluated}
    rows = []
    for a in task.assignments.all():
        values, light = facts.get(a.pk, ({}, Light("green")))
        rows.append({
            "assignment": a, "light": light, "opens": bool(values.get("opens")),
            "report": {"pk": values["report_id"], "period": values["report_period"],
                       "percent": values["report_percent"], "approved_at": values["report_approved_at"]}
            if values.get("report_id") else None,
            "completion": AssignmentCompletion.State(values["completion_state"]).label
            if values.get("completion_state") else "",
        })
    first = next(iter(facts.values()), ({}, None))[0]
    latest_summary = (
        {"text": first["summary_text"], "period": first["summary_period"], "author": first["summary_author"],
         "at": first["summary_at"]} if first.get("summary_text") else None
    )
    notices = list(
        SupervisionNotice.objects.for_user(user).filter(assignment__task=task)
        .select_related("assignment__department").order_by("-issued_at")[:20]
    )
    return TaskProgress(
        task_light=worst(
            [Light(r["light"].code, tuple(f"{r['assignment'].department.name}：{x}" for x in r["light"].reasons))
             for r in rows]
        ),
        rows=rows, summary=latest_summary, notices=notices,
        milestones=milestone_rows(milestones, on=today, with_files=False), today=today,
    )


# ---------------------------------------------------------------- lead unit view


def lead_task_for_user(*, user, pk: int) -> WorkItem:
    """A task seen as its lead unit sees it: the lead unit's staff, or who sees everything."""
    queryset = WorkItem.objects.for_user(user).select_related("plan", "lead_unit")
    if not sees_all(user):  # the query form of rules.sees_lead_view
        queryset = queryset.filter(lead_unit_id=user.department_id)
    return get_object_or_404(queryset.exclude(lead_unit__isnull=True), pk=pk)


def lead_view(*, user, task: WorkItem, spec: periods.PeriodSpec):
    """Every unit's latest visible report on the task for one period, and the summary."""
    reports = _latest_versions(
        ProgressReport.objects.for_user(user).filter(assignment__task=task, period__start=spec.start)
        .select_related("period").prefetch_related("files")
    )
    assignments = list(
        Assignment.objects.filter(task=task).select_related("department")
        .order_by("role", "department__position", "department__name")
    )
    rows = [{"assignment": a, "report": reports.get((a.pk, spec.start))} for a in assignments]
    summary = (
        LeadSummary.objects.for_user(user).filter(task=task, period__start=spec.start)
        .select_related("author", "period").first()
    )
    return rows, summary


# ---------------------------------------------------------------- notices


def notices_for_user(*, user, state: str = ""):
    queryset = SupervisionNotice.objects.for_user(user).select_related(
        "assignment__task__plan", "assignment__department", "issued_by"
    )
    today = clock.today()
    if state == "overdue":
        queryset = queryset.filter(state=SupervisionNotice.State.OPEN, reply_due__lt=today)
    elif state in SupervisionNotice.State.values:
        queryset = queryset.filter(state=state)
    return queryset.order_by("-issued_at", "-pk")


def notice_for_user(*, user, pk: int) -> SupervisionNotice:
    return get_object_or_404(
        SupervisionNotice.objects.for_user(user).select_related(
            "assignment__task__plan", "assignment__department", "issued_by", "replied_by", "closed_by", "follow_up_of",
        ).prefetch_related("files", "follow_ups"),
        pk=pk,
    )
