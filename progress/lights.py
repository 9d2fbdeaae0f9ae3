"""Traffic lights (红黄绿灯), exactly as DESIGN.md defines them, at any date D.

Per assignment, at D (events count if they happened before the end of D,
Asia/Shanghai):

- done:   the unit marked its part complete and the lead/coordinator accepted it;
- red:    a milestone of the task is past due (due date before D) and not met;
          or the latest period whose due date has passed (before D) has no
          approved report; or a 督办单 is past its reply deadline unanswered;
- yellow: a milestone is due within MILESTONE_DUE_SOON_DAYS (D … D+N, progress.timerules);
          or the current period's report (the first due on or after D) is due
          within REPORT_DUE_SOON_DAYS and not submitted;
          or the latest report step was a return;
- green:  otherwise.

The time rules (end of D, periods, milestone met / due soon, notice overdue)
are progress.timerules'; this module only combines them.

A task is the worst of its assignments, a unit the worst of its own
(done < green < yellow < red; all done → done).

`light_for(assignment=… | task=… | department=…, on=D)` is the one selector;
`lights_for_assignments` / `lights_for_tasks` answer many at once. Every call
costs the same fixed number of queries (at most 4) however many reports exist.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from core import clock
from core.clock import day_end
from tasks.labels import item_heading, unit_label
from tasks.models import Assignment, Milestone, Plan

from . import periods, timerules
from .models import AssignmentCompletion, ProgressReport, ReportTransition, SupervisionNotice
from .querysets import notice_overdue_q

RED, YELLOW, GREEN, DONE = "red", "yellow", "green", "done"
LABELS = {RED: "红灯（滞后）", YELLOW: "黄灯（预警）", GREEN: "绿灯（正常）", DONE: "已完成"}
SEVERITY = {DONE: 0, GREEN: 1, YELLOW: 2, RED: 3}


@dataclass(frozen=True)
class Light:
    code: str
    reasons: tuple[str, ...] = field(default=())

    @property
    def label(self) -> str:
        return LABELS[self.code]

    @property
    def css(self) -> str:
        return f"light {self.code}"

    @property
    def severity(self) -> int:
        return SEVERITY[self.code]

    @property
    def reasons_text(self) -> str:
        return "；".join(self.reasons)

    def __str__(self) -> str:
        return self.label


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def worst(lights, *, empty: Light | None = None) -> Light:
    """The roll-up of many lights: the most severe; its reasons kept."""
    lights = list(lights)
    if not lights:
        return empty or Light(GREEN, ("暂无任务分工",))
    top = max(light.severity for light in lights)
    code = next(c for c, s in SEVERITY.items() if s == top)
    reasons: list[str] = []
    for light in lights:
        if light.severity == top:
            reasons.extend(r for r in light.reasons if r not in reasons)
    return Light(code, tuple(reasons))


@dataclass
class Row:
    """One assignment as the lights saw it at D: besides the light, the facts
    its rules read, so the dashboards use the same verdicts rather than
    reading the reports again."""

    pk: int
    task_id: int
    department_id: int
    department_name: str
    task_heading: str  # "1. 全面落实产假政策": reasons by task name it so
    plan_id: int
    values: dict
    window: periods.DueWindow | None = None
    this_period: periods.PeriodSpec | None = None  # the period containing D
    this_submitted: bool = False
    this_approved: bool = False
    last_passed_approved: bool = False
    # The red rule's report clause: the latest period due before D has no approved report.
    report_overdue: bool = False
    done: bool = False


def _plans_for(assignments: QuerySet) -> dict[int, object]:
    return {p.pk: p for p in Plan.objects.filter(pk__in=assignments.values("task__plan_id"))}


def evaluate(
    assignments: QuerySet,
    on: dt.date,
    *,
    plans: dict | None = None,
    milestones: list | None = None,
    extra: dict | None = None,
    fields: tuple[str, ...] = (),
) -> list[tuple[Row, Light]]:
    """Lights of every assignment in the queryset at date `on`.

    One query for the assignments with most rules' facts annotated (the last
    report step, acceptance, overdue notices), one for the reports of the two
    periods that matter (`_period_reports`), plus one for the plans and one for
    the milestones unless the caller already holds them (`plans`: id → Plan,
    `milestones`: Milestone objects of these assignments' tasks). `extra`
    annotations and `fields` (more value names) ride along in each row's
    `values` for the caller; rows come in the queryset's order."""
    end = day_end(on)
    if plans is None:
        plans = _plans_for(assignments)
    if not plans:
        return []
    windows = {plan_id: timerules.due_window(plan, on) for plan_id, plan in plans.items()}
    this = {plan_id: timerules.this_period(plan, on) for plan_id, plan in plans.items()}
    mine = {"assignment": OuterRef("pk")}
    overdue = SupervisionNotice.objects.filter(notice_overdue_q(on), **mine).order_by()
    annotated = assignments.annotate(
        _last_step=Subquery(
            ReportTransition.objects.filter(at__lt=end, **mine).order_by("-at", "-id").values("to_state")[:1]
        ),
        _done=Exists(AssignmentCompletion.objects.filter(
            state=AssignmentCompletion.State.ACCEPTED, decided_at__lt=end, **mine)),
        _overdue_notices=Subquery(overdue.values("assignment").annotate(n=Count("pk")).values("n")[:1]),
        _overdue_due=Subquery(overdue.order_by("reply_due").values("reply_due")[:1]),
        **(extra or {}),
    )
    rows = []
    for v in annotated.values(
        "pk", "task_id", "department_id", "department__name", "task__number", "task__kind", "task__plan_id",
        "task__title", "_last_step", "_done", "_overdue_notices", "_overdue_due",
        *(extra or {}), *fields,
    ):
        rows.append(Row(
            v["pk"], v["task_id"], v["department_id"], unit_label(v["department__name"]),
            item_heading(v["task__kind"], v["task__number"], v["task__title"]), v["task__plan_id"], v,
            window=windows[v["task__plan_id"]], this_period=this[v["task__plan_id"]],
        ))
    if not rows:
        return []
    approved, submitted = _period_reports(assignments, windows, this, end)

    soon_until = timerules.milestone_due_soon_until(on)
    task_ids = {r.task_id for r in rows}
    if milestones is None:
        milestones = Milestone.objects.filter(task_id__in=task_ids, due_date__lte=soon_until).order_by(
            "due_date", "position", "id"
        )
    open_milestones = defaultdict(list)
    for m in milestones:
        if m.task_id not in task_ids or m.due_date > soon_until:
            continue
        code = timerules.milestone_status(m, on)[1]
        if code in (RED, YELLOW):
            open_milestones[m.task_id].append((m, code))

    report_soon = timerules.report_due_soon_days()
    results = []
    for row in rows:
        v = row.values
        passed, current = row.window.last_passed, row.window.current
        row.this_submitted = (row.pk, row.this_period.start) in submitted
        row.this_approved = (row.pk, row.this_period.start) in approved
        row.last_passed_approved = passed is not None and (row.pk, passed.start) in approved
        row.done = bool(v["_done"])
        if row.done:
            results.append((row, Light(DONE, ("已确认完成",))))
            continue
        red: list[str] = []
        yellow: list[str] = []
        for m, code in open_milestones.get(row.task_id, ()):
            if code == RED:
                red.append(f"节点目标“{m.title}”已于{cn_date(m.due_date)}到期，尚未确认完成")
            else:
                when = "今日" if m.due_date == on else f"将于{cn_date(m.due_date)}"
                yellow.append(f"节点目标“{m.title}”{when}到期")
        if passed and not row.last_passed_approved:
            row.report_overdue = True
            red.append(f"{passed.label}进展（{cn_date(passed.due_date)}截止）尚无审核通过的报告")
        if v["_overdue_notices"]:
            red.append(f"{v['_overdue_notices']}件督办单已过答复期限（{cn_date(v['_overdue_due'])}）未答复")
        days_left = (current.due_date - on).days
        if 0 <= days_left <= report_soon and (row.pk, current.start) not in submitted:
            when = "今日" if days_left == 0 else f"{days_left}天后（{cn_date(current.due_date)}）"
            yellow.append(f"{current.label}进展{when}截止，尚未提交")
        if v["_last_step"] == "returned":
            yellow.append("最近一次报告被退回，待修改后重新提交")
        if red:
            results.append((row, Light(RED, tuple(red))))
        elif yellow:
            results.append((row, Light(YELLOW, tuple(yellow))))
        else:
            results.append((row, Light(GREEN)))
    return results


def _period_reports(assignments: QuerySet, windows: dict, this: dict, end: dt.datetime) -> tuple[set, set]:
    """(assignment id, period start) pairs with a report approved and with one
    submitted before `end`, of the periods that matter: the last passed, the
    current and this period (the one containing D).

    One query through the reports' period index: only the reports of the (at
    most three per plan) periods that matter are read, never the whole history."""
    wanted = {(plan_id, w.current.start) for plan_id, w in windows.items()}
    wanted |= {(plan_id, w.last_passed.start) for plan_id, w in windows.items() if w.last_passed}
    wanted |= {(plan_id, spec.start) for plan_id, spec in this.items()}
    period_filter = Q()
    for plan_id, start in wanted:
        period_filter |= Q(period__plan_id=plan_id, period__start=start)
    approved, submitted = set(), set()
    reports = ProgressReport.objects.filter(
        period_filter, Q(approved_at__lt=end) | Q(submitted_at__lt=end), assignment__in=assignments.values("pk"),
    ).values_list("assignment_id", "period__start", "approved_at", "submitted_at")
    for assignment_id, start, approved_at, submitted_at in reports.order_by():
        if approved_at is not None and approved_at < end:
            approved.add((assignment_id, start))
        if submitted_at is not None and submitted_at < end:
            submitted.add((assignment_id, start))
    return approved, submitted


def _today(on: dt.date | None) -> dt.date:
    return on or clock.today()


def _prefixed(row: Row, light: Light, *, by: str) -> Light:
    prefix = f"{row.department_name}：" if by == "department" else f"{row.task_heading}："
    return Light(light.code, tuple(prefix + r for r in light.reasons))


def lights_for_assignments(
    assignments, *, on: dt.date | None = None, plans: dict | None = None, milestones: list | None = None,
) -> dict[int, Light]:
    """assignment id → Light, for a queryset (or ids) of assignments."""
    if not isinstance(assignments, QuerySet):
        assignments = Assignment.objects.filter(pk__in=list(assignments))
    return {row.pk: light for row, light in evaluate(assignments, _today(on), plans=plans, milestones=milestones)}


def lights_for_tasks(tasks, *, on: dt.date | None = None) -> dict[int, Light]:
    """work item id → Light (worst of its assignments), for a queryset or ids of work items."""
    task_ids = list(tasks.values_list("pk", flat=True)) if isinstance(tasks, QuerySet) else list(tasks)
    grouped: dict[int, list[Light]] = defaultdict(list)
    for row, light in evaluate(Assignment.objects.filter(task_id__in=task_ids), _today(on)):
        grouped[row.task_id].append(_prefixed(row, light, by="department"))
    return {task_id: worst(grouped.get(task_id, ())) for task_id in task_ids}


def lights_for_departments(departments, *, on: dt.date | None = None) -> dict[int, Light]:
    """department id → Light (worst of its own assignments in plans live at D)."""
    dept_ids = list(departments.values_list("pk", flat=True)) if isinstance(departments, QuerySet) else list(departments)
    grouped: dict[int, list[Light]] = defaultdict(list)
    day = _today(on)
    for row, light in evaluate(Assignment.objects.filter(department_id__in=dept_ids).in_force(on=day), day):
        grouped[row.department_id].append(_prefixed(row, light, by="task"))
    return {dept_id: worst(grouped.get(dept_id, ()), empty=Light(GREEN, ("暂无任务分工",))) for dept_id in dept_ids}


def light_for(*, assignment=None, task=None, department=None, on: dt.date | None = None) -> Light:
    """The light of one assignment, one task or one unit at date `on` (default today).

    A group of units (各街道办事处) is the worst of its members' assignments through it;
    a unit's light counts only the plans live at D (a draft or an ended plan adds nothing)."""
    if sum(x is not None for x in (assignment, task, department)) != 1:
        raise TypeError("light_for 需要且仅需要 assignment、task、department 之一。")
    day = _today(on)
    if assignment is not None:
        results = evaluate(Assignment.objects.filter(pk=assignment.pk), day)
        return results[0][1] if results else Light(GREEN)
    if task is not None:
        results = evaluate(Assignment.objects.filter(task_id=task.pk), day)
        return worst(_prefixed(row, light, by="department") for row, light in results)
    if getattr(department, "is_group", False):
        queryset = Assignment.objects.filter(via_group_id=department.pk).in_force(on=day)
    else:
        queryset = Assignment.objects.filter(department_id=department.pk).in_force(on=day)
    return worst(_prefixed(row, light, by="task") for row, light in evaluate(queryset, day))


def assignment_light(*, assignment, on: dt.date | None = None) -> Light:
    return light_for(assignment=assignment, on=on)


def task_light(*, task, on: dt.date | None = None) -> Light:
    return light_for(task=task, on=on)


def department_light(*, department, on: dt.date | None = None) -> Light:
    return light_for(department=department, on=on)
