"""Reads for the dashboards and the official Excel report.

Everything is read through the scoping mechanism (`Model.objects.for_user`)
and as of a date D: the lights and figures as they stood at the end of D
(Asia/Shanghai). Only approved reports count.

Each function costs a fixed number of queries whatever the number of plans,
assignments or reports (tests pin the page totals). The per-assignment facts
(`assignment_facts`) are the one building block every page and sheet shares:

- the light (progress.lights, 4 queries for any number of assignments);
- this period: is the current period's report submitted / approved by D;
- overdue: the latest period whose due date has passed has no approved report;
- on-time rate over the last ON_TIME_MONTHS months of due dates: periods whose
  report was first submitted by the end of its due date and approved by D,
  out of the periods due (a unit whose part was accepted as complete owes no
  report for periods due after that).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.roles import sees_all
from agencies.models import Department
from progress import periods
from progress.lights import DONE, GREEN, RED, YELLOW, Light, day_end, lights_for_assignments, worst
from progress.models import AssignmentCompletion, ProgressReport, ReportTransition, SupervisionNotice
from tasks.models import Assignment, Milestone, Plan, WorkItem

State = ProgressReport.State
LIGHT_ORDER = (RED, YELLOW, GREEN, DONE)


def on_time_months() -> int:
    return int(getattr(settings, "REPORTS_ON_TIME_MONTHS", 12))


# ---------------------------------------------------------------- periods, as arithmetic


def _shift_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def window_start(on: dt.date) -> dt.date:
    """The first due date inside the on-time window ending before D."""
    return _shift_months(on, -on_time_months())


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
    this = periods.period_containing(plan, on)
    return PlanCalendar(
        this_period=first if this.start < first.start else this,
        last_passed=periods.due_window(plan, on).last_passed, due=tuple(due_in_window(plan, on)),
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
        return f"{self.task_number}." if self.task_kind == WorkItem.Kind.TASK else f"保障措施{self.task_number}"

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
        """The latest passed period has no approved report (the red-light rule)."""
        return (not self.done) and self.last_passed is not None and not self.last_passed_approved

    @property
    def on_time_rate(self) -> Decimal | None:
        return rate(self.on_time, self.expected)


def rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"))


def _plan_stub(values: dict, prefix: str):
    from types import SimpleNamespace

    return SimpleNamespace(
        pk=values[f"{prefix}plan_id"], period_months=values[f"{prefix}plan__period_months"],
        report_due_day=values[f"{prefix}plan__report_due_day"], issued_on=values[f"{prefix}plan__issued_on"],
        in_force_from=values[f"{prefix}plan__in_force_from"], ended_on=values[f"{prefix}plan__ended_on"],
    )


def assignment_facts(*, user, assignments: QuerySet, on: dt.date) -> list[Facts]:
    """Facts of every assignment in `assignments` (already scoped) at D.

    Eight queries for any number of assignments: the rows, four for the
    lights, accepted completions, this period's reports, the on-time window."""
    end = day_end(on)
    rows = list(
        assignments.values(  # query 1
            "pk", "task_id", "task__plan_id", "task__section_id", "task__kind", "task__number", "task__title",
            "task__plan__document_number", "task__plan__title",
            "task__plan__period_months", "task__plan__report_due_day", "task__plan__issued_on",
            "task__plan__in_force_from", "task__plan__ended_on",
            "department_id", "department__name", "department__position", "role",
        ).order_by("task__plan_id", "task__kind", "task__number", "role", "department__position", "department__name")
    )
    if not rows:
        return []
    lights = lights_for_assignments(assignments, on=on)  # queries 2–5
    calendars: dict[int, PlanCalendar | None] = {}
    facts: list[Facts] = []
    for v in rows:
        plan_id = v["task__plan_id"]
        if plan_id not in calendars:
            calendars[plan_id] = plan_calendar(_plan_stub(v, "task__"), on)
        facts.append(Facts(
            pk=v["pk"], task_id=v["task_id"], plan_id=plan_id, section_id=v["task__section_id"],
            task_kind=v["task__kind"], task_number=v["task__number"], task_title=v["task__title"],
            plan_label=v["task__plan__document_number"] or v["task__plan__title"],
            department_id=v["department_id"], department_name=v["department__name"],
            department_position=v["department__position"], role=v["role"],
            light=lights.get(v["pk"], Light(GREEN)), calendar=calendars[plan_id], as_of=on,
        ))
    by_pk = {f.pk: f for f in facts}
    scope = assignments.values("pk")

    for assignment_id, decided_at in AssignmentCompletion.objects.filter(  # query 6
        assignment__in=scope, state=AssignmentCompletion.State.ACCEPTED, decided_at__lt=end
    ).values_list("assignment_id", "decided_at"):
        fact = by_pk.get(assignment_id)
        if fact is not None:
            fact.done_on = timezone.localtime(decided_at).date()

    # This period and the last passed one, per plan.
    starts = set()
    for cal in calendars.values():
        if cal is not None:
            starts.add(cal.this_period.start)
            if cal.last_passed:
                starts.add(cal.last_passed.start)
    if starts:
        for rep in ProgressReport.objects.for_user(user).filter(  # query 7
            assignment__in=scope, period__start__in=starts
        ).values("assignment_id", "period__start", "submitted_at", "approved_at"):
            fact = by_pk.get(rep["assignment_id"])
            if fact is None or fact.calendar is None:
                continue
            submitted = rep["submitted_at"] is not None and rep["submitted_at"] < end
            approved = rep["approved_at"] is not None and rep["approved_at"] < end
            if rep["period__start"] == fact.calendar.this_period.start:
                fact.current_submitted |= submitted
                fact.current_approved |= approved
            passed = fact.calendar.last_passed
            if passed and rep["period__start"] == passed.start:
                fact.last_passed_approved |= approved

    # The on-time window: periods due in [window start, D).
    for fact in facts:
        if fact.calendar is not None:
            fact.expected = sum(
                1 for s in fact.calendar.due if fact.done_on is None or s.due_date < fact.done_on
            )
    for row in (  # query 8
        ProgressReport.objects.for_user(user)
        .filter(assignment__in=scope, approved_at__lt=end, period__due_date__gte=window_start(on),
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
            (Light(f.light.code, tuple(f"{f.task_label}：{r}" for r in f.light.reasons)) for f in self.facts),
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


def notice_counts(*, user, assignments: QuerySet, on: dt.date) -> dict[int, dict]:
    """department id → {open, overdue}: notices open at the end of D (issued,
    neither answered nor closed by then); overdue = past the reply deadline."""
    end = day_end(on)
    open_at_d = Q(issued_at__lt=end) & (Q(replied_at__isnull=True) | Q(replied_at__gte=end)) & (
        Q(closed_at__isnull=True) | Q(closed_at__gte=end)
    )
    rows = (
        SupervisionNotice.objects.for_user(user).filter(assignment__in=assignments.values("pk"))
        .filter(open_at_d)
        .values("assignment__department_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(reply_due__lt=on)))
    )
    return {r["assignment__department_id"]: {"open": r["open"], "overdue": r["overdue"]} for r in rows}


def open_notices(*, user, on: dt.date, limit: int = 50, **filters) -> list[SupervisionNotice]:
    end = day_end(on)
    return list(
        SupervisionNotice.objects.for_user(user).filter(**filters)
        .filter(issued_at__lt=end)
        .filter(Q(replied_at__isnull=True) | Q(replied_at__gte=end), Q(closed_at__isnull=True) | Q(closed_at__gte=end))
        .select_related("assignment__task__plan", "assignment__department")
        .order_by("reply_due", "pk")[:limit]
    )


def latest_approved(*, user, assignments: QuerySet, on: dt.date, period_start: dt.date | None = None
                    ) -> dict[int, ProgressReport]:
    """assignment id → its latest report approved by D (of one period, if
    given): two queries. The latest period first, then the highest version."""
    end = day_end(on)
    newest = ProgressReport.objects.for_user(user).filter(assignment=OuterRef("pk"), approved_at__lt=end)
    if period_start is not None:
        newest = newest.filter(period__start=period_start)
    newest = newest.order_by("-period__start", "-version").values("pk")[:1]
    ids = dict(
        assignments.annotate(latest_report=Subquery(newest)).filter(latest_report__isnull=False)
        .values_list("pk", "latest_report")
    )
    if not ids:
        return {}
    reports = ProgressReport.objects.select_related("period").in_bulk(list(ids.values()))
    return {assignment_id: reports[report_id] for assignment_id, report_id in ids.items() if report_id in reports}


def milestones_as_of(queryset, *, on: dt.date):
    """Milestones not met by the end of D (met = met_on ≤ D and confirmed by then)."""
    end = day_end(on)
    return queryset.filter(
        Q(met_on__isnull=True) | Q(met_on__gt=on) | Q(confirmed_at__isnull=True) | Q(confirmed_at__gte=end)
    )


def milestone_met_as_of(m: Milestone, on: dt.date) -> bool:
    return m.met_on is not None and m.met_on <= on and m.confirmed_at is not None and m.confirmed_at < day_end(on)


def milestone_status(m: Milestone, on: dt.date) -> tuple[str, str]:
    """(word, light code) of a milestone at D."""
    if milestone_met_as_of(m, on):
        return "已达成", DONE
    if m.due_date < on:
        return "逾期未达成", RED
    days = int(getattr(settings, "PORTAL_LIGHTS", {}).get("MILESTONE_DUE_SOON_DAYS", 7))
    if (m.due_date - on).days <= days:
        return "即将到期", YELLOW
    return "推进中", GREEN


# ---------------------------------------------------------------- institution indicators


@dataclass
class InstitutionIndicators:
    registered: int
    filed: int
    completion_rate: Decimal
    demonstration: int
    capacity: int
    per_thousand: Decimal
    target: Decimal
    population: int

    @property
    def target_met(self) -> bool:
        return self.per_thousand >= self.target


def institution_indicators(*, on: dt.date) -> InstitutionIndicators:
    """The district's registry figures at D (institutions.indicators, the one
    place they are computed)."""
    from institutions import indicators

    counts = indicators.figures(on)
    return InstitutionIndicators(
        registered=counts.registered, filed=counts.filed,
        completion_rate=indicators.completion_rate_of(counts), demonstration=counts.demonstration,
        capacity=counts.filed_capacity, per_thousand=indicators.per_thousand_of(counts.filed_capacity),
        target=indicators.places_per_thousand_target(), population=indicators.population(),
    )


def institutions_by_street(*, user, on: dt.date) -> list[dict]:
    """Per street at D: registered, filed, filed capacity, 普惠性 and 示范性 (one query)."""
    from institutions.models import Institution
    from institutions.querysets import demonstration_by, filed_by

    filed = filed_by(on)
    rows = (
        Institution.objects.for_user(user).registered_as_of(on)
        .values("street_id", "street__name", "street__position")
        .annotate(
            registered=Count("pk"),
            filed=Count("pk", filter=filed),
            capacity=Sum("capacity", filter=filed, default=0),
            inclusive=Count("pk", filter=filed & Q(is_inclusive=True)),
            demonstration=Count("pk", filter=demonstration_by(on)),
        )
        .order_by("street__position", "street__name")
    )
    return [
        {
            "street": r["street__name"], "registered": r["registered"], "filed": r["filed"],
            "rate": rate(r["filed"], r["registered"]), "capacity": r["capacity"] or 0,
            "inclusive": r["inclusive"], "demonstration": r["demonstration"],
        }
        for r in rows
    ]


# ---------------------------------------------------------------- district overview


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
        word, code = milestone_status(m, on)
        rows.append({
            "milestone": m, "status": word, "light": Light(code),
            "task_label": m.task.label if m.task_id else "全局目标",
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
        from core.numerals import bracketed

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
    base = milestones_as_of(milestones, on=on).select_related("task", "plan")
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


# ---------------------------------------------------------------- department dashboard


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


def returned_as_of(*, user, on: dt.date, limit: int = 30, **filters) -> list[ProgressReport]:
    """Reports whose latest step by the end of D was a return (one query).
    Candidates: returns in the 13 months before D."""
    end = day_end(on)
    later = ReportTransition.objects.filter(report=OuterRef("report"), at__gt=OuterRef("at"), at__lt=end)
    steps = (
        ReportTransition.objects.filter(to_state=State.RETURNED, at__lt=end, at__gte=end - dt.timedelta(days=400))
        .filter(**{f"assignment__{k}": v for k, v in filters.items()})
        .exclude(Exists(later))
    )
    return list(
        ProgressReport.objects.for_user(user).filter(pk__in=steps.values("report_id"))
        .select_related("assignment__task__plan", "period", "reviewed_by")
        .order_by("-reviewed_at", "-pk")[:limit]
    )


def read_date(plan, on: dt.date) -> dt.date:
    """The date a plan is read at: an ended plan as it stood on its end date
    (its default, and the latest date it can be read at)."""
    ended_on = getattr(plan, "ended_on", None)
    return ended_on if ended_on is not None and on > ended_on else on


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


# ---------------------------------------------------------------- task dashboard


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
    from progress.selectors import milestone_metric

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
        word, code = milestone_status(m, on)
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
        local_submit = timezone.localtime(a["submitted_at"]).date() if a["submitted_at"] else None
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
        if milestone_met_as_of(m, on):
            events.append({"at": m.confirmed_at, "kind": "milestone", "text": f"节点目标“{m.title}”确认达成"})
    events.sort(key=lambda e: e["at"], reverse=True)

    notice_rows = []
    for n in notices:
        if n.closed_at and n.closed_at < end:
            status = "已办结"
        elif n.replied_at and n.replied_at < end:
            status = "已答复"
        elif n.reply_due < on:
            status = "逾期未答复"
        else:
            status = "待答复"
        notice_rows.append({"notice": n, "status": status, "overdue": status == "逾期未答复"})
    return TaskDashboard(
        on=on, task=task, light=light, rows=rows, milestones=milestone_rows, notices=notice_rows,
        timeline=events[:20], matrix_periods=specs, matrix=matrix,
    )
