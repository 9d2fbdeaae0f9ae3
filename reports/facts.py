"""The per-assignment facts every dashboard and sheet shares, and their roll-ups.

Built from the lights' own evaluation (progress.lights.evaluate), so the light,
"this period submitted / approved", "last passed period approved" and the
overdue verdict are the lights' verdicts, read once:

- the light (red / yellow / green / done) and its reasons;
- this period (the one containing D, progress.timerules.this_period): is its
  report submitted / approved by D;
- overdue: the lights' red clause "the latest period due before D has no
  approved report";
- on-time rate over the last ON_TIME_MONTHS months of due dates: periods whose
  report was first submitted by the end of its due date and approved by D,
  out of the periods due (a unit whose part was accepted as complete owes no
  report for periods due after that).

Everything is read through the scoping mechanism and as of a date D (the end
of D, Asia/Shanghai); a fixed number of queries whatever the data size.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery

from core.clock import date_of, day_end
from progress import periods, timerules
from progress.lights import DONE, GREEN, RED, YELLOW, Light, evaluate, worst
from progress.models import AssignmentCompletion, ProgressReport
from tasks.labels import item_heading, item_label
from tasks.models import Assignment, Plan

LIGHT_ORDER = (RED, YELLOW, GREEN, DONE)


def on_time_months() -> int:
    return int(getattr(settings, "REPORTS_ON_TIME_MONTHS", 12))


# ---------------------------------------------------------------- the on-time window


def window_start(on: dt.date) -> dt.date:
    """The first due date inside the on-time window ending before D."""
    return timerules.add_months(on, -on_time_months())

def due_in_window(plan, on: dt.date) -> list[periods.PeriodSpec]:
    """The plan's periods due in [window_start(D), D) (due before D: passed)."""
    start = window_start(on)
    return [s for s in periods.periods_through(plan, on) if start <= s.due_date < on]


@dataclass(frozen=True)
class PlanCalendar:
    """One plan's calendar at D: this period (the one containing D, or the
    plan's first before it starts), the latest period whose due date has
    passed, the periods due inside the on-time window."""

    this_period: periods.PeriodSpec
    last_passed: periods.PeriodSpec | None
    due: tuple[periods.PeriodSpec, ...]


def plan_calendar(plan, on: dt.date) -> PlanCalendar | None:
    first = periods.first_period(plan)
    if first is None:
        return None
    return PlanCalendar(
        this_period=timerules.this_period(plan, on),
        last_passed=timerules.due_window(plan, on).last_passed, due=tuple(due_in_window(plan, on)),
    )


# ---------------------------------------------------------------- per-assignment facts


@dataclass
class Facts:
    """One assignment at D."""

    pk: int
    task_id: int
    plan_id: int
    section_id: int | None
    task_kind: int
    task_number: int
    task_title: str
    plan_label: str
    department_id: int
    department_name: str
    department_position: int
    role: str
    light: Light = field(default_factory=lambda: Light(GREEN))
    calendar: PlanCalendar | None = None
    current_submitted: bool = False
    current_approved: bool = False
    last_passed_approved: bool = False
    # The lights' red clause on reports (progress.lights.Row.report_overdue).
    report_overdue: bool = False
    expected: int = 0
    on_time: int = 0
    approved_in_window: int = 0
    done_on: dt.date | None = None
    as_of: dt.date | None = None

    @property
    def is_lead(self) -> bool:
        return self.role == Assignment.Role.LEAD

    @property
    def done(self) -> bool:
        return self.light.code == DONE

    @property
    def task_label(self) -> str:
        return item_label(self.task_kind, self.task_number)

    @property
    def task_heading(self) -> str:
        return item_heading(self.task_kind, self.task_number, self.task_title)

    @property
    def current(self) -> periods.PeriodSpec | None:
        """This period: the one containing D."""
        return self.calendar.this_period if self.calendar else None

    @property
    def last_passed(self) -> periods.PeriodSpec | None:
        return self.calendar.last_passed if self.calendar else None

    @property
    def due_now(self) -> bool:
        """This period's report is owed: the period has begun and the part is not done."""
        return self.calendar is not None and not self.done and self.current.start <= self.as_of

    @property
    def needs_report(self) -> bool:
        """Owed and not submitted yet by D."""
        return self.due_now and not self.current_submitted

    @property
    def overdue(self) -> bool:
        """The lights' verdict: the latest passed period has no approved report."""
        return self.report_overdue

    @property
    def on_time_rate(self) -> Decimal | None:
        return rate(self.on_time, self.expected)



def rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"))


FACT_ORDER = ("task__plan_id", "task__kind", "task__number", "role", "department__position", "department__name")
FACT_FIELDS = (
    "task__section_id", "task__title", "task__plan__document_number", "task__plan__title",
    "department__position", "role",
)


def assignment_facts(*, user, assignments: QuerySet, on: dt.date) -> list[Facts]:
    """Facts of every assignment in `assignments` (already scoped) at D.

    Five queries for any number of assignments: the plans, then the lights'
    evaluation (the rows with every fact annotated, the reports of the periods
    that matter, the milestones), then the on-time window."""
    end = day_end(on)
    plans = {p.pk: p for p in Plan.objects.filter(pk__in=assignments.values("task__plan_id"))}  # query 1
    accepted = AssignmentCompletion.objects.filter(
        assignment=OuterRef("pk"), state=AssignmentCompletion.State.ACCEPTED, decided_at__lt=end,
    ).order_by("-decided_at").values("decided_at")[:1]
    evaluated = evaluate(  # queries 2–4
        assignments.order_by(*FACT_ORDER), on, plans=plans, fields=FACT_FIELDS,
        extra={"_done_at": Subquery(accepted)},
    )
    if not evaluated:
        return []
    calendars = {plan_id: plan_calendar(plan, on) for plan_id, plan in plans.items()}
    facts: list[Facts] = []
    for row, light in evaluated:
        v = row.values
        calendar = calendars[row.plan_id]
        plan = plans[row.plan_id]
        fact = Facts(
            pk=row.pk, task_id=row.task_id, plan_id=row.plan_id, section_id=v["task__section_id"],
            task_kind=v["task__kind"], task_number=v["task__number"], task_title=v["task__title"],
            plan_label=v["task__plan__document_number"] or v["task__plan__title"] or plan.title,
            department_id=row.department_id, department_name=row.department_name,
            department_position=v["department__position"], role=v["role"],
            light=light, calendar=calendar, as_of=on,
            done_on=date_of(v["_done_at"]) if v["_done_at"] else None,
            report_overdue=row.report_overdue and calendar is not None,
        )
        if calendar is not None:
            fact.current_submitted, fact.current_approved = row.this_submitted, row.this_approved
            fact.last_passed_approved = row.last_passed_approved
        facts.append(fact)
    by_pk = {f.pk: f for f in facts}

    # The on-time window: periods due in [window start, D).
    for fact in facts:
        if fact.calendar is not None:
            fact.expected = sum(
                1 for s in fact.calendar.due if fact.done_on is None or s.due_date < fact.done_on
            )
    for row in (  # query 5
        ProgressReport.objects.for_user(user)
        .filter(assignment__in=assignments.values("pk"), approved_at__lt=end, period__due_date__gte=window_start(on),
                period__due_date__lt=on)
        .values("assignment_id")
        .annotate(
            approved=Count("period", distinct=True),
            on_time=Count("period", distinct=True, filter=Q(submitted_at__date__lte=F("period__due_date"))),
        )
    ):
        fact = by_pk.get(row["assignment_id"])
        if fact is not None:
            fact.approved_in_window = row["approved"]
            fact.on_time = min(row["on_time"], fact.expected)
    return facts

def on_time_by_period(*, user, assignments: QuerySet, facts: list[Facts], on: dt.date) -> list[dict]:
    """The on-time rate period by period over the window (one query): for each
    period start, reports due, approved on time, approved late, missing."""
    end = day_end(on)
    expected: dict[dt.date, int] = defaultdict(int)
    labels: dict[dt.date, str] = {}
    due_dates: dict[dt.date, set] = defaultdict(set)
    for fact in facts:
        if fact.calendar is None:
            continue
        for spec in fact.calendar.due:
            if fact.done_on is None or spec.due_date < fact.done_on:
                expected[spec.start] += 1
                labels[spec.start] = spec.label
                due_dates[spec.start].add(spec.due_date)
    counts = {
        row["period__start"]: row
        for row in (
            ProgressReport.objects.for_user(user)
            .filter(assignment__in=assignments.values("pk"), approved_at__lt=end,
                    period__due_date__gte=window_start(on), period__due_date__lt=on)
            .values("period__start")
            .annotate(
                approved=Count("assignment_id", distinct=True),
                on_time=Count("assignment_id", distinct=True,
                              filter=Q(submitted_at__date__lte=F("period__due_date"))),
            )
        )
    }
    result = []
    for start in sorted(expected):
        due = expected[start]
        row = counts.get(start, {})
        on_time = min(row.get("on_time", 0), due)
        approved = min(row.get("approved", 0), due)
        result.append({
            "start": start, "label": labels[start], "due": due, "on_time": on_time,
            "late": approved - on_time, "missing": due - approved, "rate": rate(on_time, due),
            "due_date": min(due_dates[start]),
        })
    return result


def light_counts(lights) -> dict[str, int]:
    counts = {code: 0 for code in LIGHT_ORDER}
    for light in lights:
        counts[light.code] += 1
    return counts


def task_lights(facts: list[Facts], task_ids) -> dict[int, Light]:
    """A task is the worst of its assignments (reasons prefixed by the unit)."""
    grouped: dict[int, list[Light]] = defaultdict(list)
    for f in facts:
        grouped[f.task_id].append(
            Light(f.light.code, tuple(f"{f.department_name}：{r}" for r in f.light.reasons))
        )
    return {pk: worst(grouped.get(pk, ())) for pk in task_ids}


@dataclass
class UnitSummary:
    """One unit's row of the district table and of the per-unit sheet."""

    department_id: int
    name: str
    position: int
    facts: list[Facts] = field(default_factory=list)
    open_notices: int = 0
    overdue_notices: int = 0

    @property
    def light(self) -> Light:
        return worst(
            (Light(f.light.code, tuple(f"{f.task_heading}：{r}" for r in f.light.reasons)) for f in self.facts),
            empty=Light(GREEN, ("暂无任务分工",)),
        )

    @property
    def counts(self) -> dict[str, int]:
        return light_counts(f.light for f in self.facts)

    @property
    def assignments(self) -> int:
        return len(self.facts)

    @property
    def leads(self) -> int:
        return sum(1 for f in self.facts if f.is_lead)

    @property
    def due_now(self) -> int:
        return sum(1 for f in self.facts if f.due_now)

    @property
    def needs_report(self) -> int:
        return sum(1 for f in self.facts if f.needs_report)

    @property
    def approved_now(self) -> int:
        return sum(1 for f in self.facts if f.due_now and f.current_approved)

    @property
    def overdue(self) -> int:
        return sum(1 for f in self.facts if f.overdue)

    @property
    def expected(self) -> int:
        return sum(f.expected for f in self.facts)

    @property
    def on_time(self) -> int:
        return sum(f.on_time for f in self.facts)

    @property
    def on_time_rate(self) -> Decimal | None:
        return rate(self.on_time, self.expected)


def unit_summaries(facts: list[Facts], notices: dict[int, dict] | None = None) -> list[UnitSummary]:
    units: dict[int, UnitSummary] = {}
    for f in facts:
        unit = units.get(f.department_id)
        if unit is None:
            unit = units[f.department_id] = UnitSummary(f.department_id, f.department_name, f.department_position)
        unit.facts.append(f)
    for dept_id, counts in (notices or {}).items():
        if dept_id in units:
            units[dept_id].open_notices = counts["open"]
            units[dept_id].overdue_notices = counts["overdue"]
    return sorted(units.values(), key=lambda u: (u.position, u.name))
