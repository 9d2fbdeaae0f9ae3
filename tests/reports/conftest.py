"""Fixtures of the read side: a small world of our own (two units, two tasks,
monthly reports due on the 25th, issued 2026-01-05), report helpers, and the
generated scale dataset at two small sizes."""
import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from tests.conftest import pinned_to
from tests.factories import (
    AssignmentFactory,
    DepartmentFactory,
    PlanFactory,
    ProgressReportFactory,
    ReportingPeriodFactory,
    ReportTransitionFactory,
    UserFactory,
    WorkItemFactory,
)

D = dt.date


@pytest.fixture(autouse=True)
def fresh_dashboard_cache():
    """Ids repeat between rolled-back tests: never let one test see another's fragments."""
    from reports.cache import clear

    clear()
    yield
    clear()


# The day these tests' data is written against (a plan issued 2026-01-05, reports through
# November 2026): they run on it whatever the machine's date, unless a test pins its own.
WORLD_DAY = dt.date(2026, 12, 2)


_on_the_worlds_day = pinned_to(WORLD_DAY)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def world(db):
    plan = PlanFactory(issued_on=D(2026, 1, 5), period_months=1, report_due_day=25, title="测试实施方案")
    lead, other = DepartmentFactory(name="甲单位"), DepartmentFactory(name="乙单位")
    task = WorkItemFactory(plan=plan, number=1, lead_unit=lead, title="测试任务一")
    second = WorkItemFactory(plan=plan, number=2, lead_unit=other, title="测试任务二")
    return SimpleNamespace(
        plan=plan, lead=lead, other=other, task=task, second=second,
        lead_a=AssignmentFactory(task=task, department=lead, role="lead"),
        other_a=AssignmentFactory(task=task, department=other, role="responsible"),
        second_a=AssignmentFactory(task=second, department=other, role="lead"),
        officer=UserFactory(role="officer", department=lead),
        leader=UserFactory(role="leader", department=lead),
        other_officer=UserFactory(role="officer", department=other),
        other_leader=UserFactory(role="leader", department=other),
        coordinator=UserFactory(role="coordinator", department=DepartmentFactory(name="督办单位")),
        viewer=UserFactory(role="viewer", department=None),
        registrar=UserFactory(role="registrar", department=DepartmentFactory(name="登记单位")),
        operator=UserFactory(role="operator", department=None),
    )


def period(plan, year: int, month: int):
    return ReportingPeriodFactory(plan=plan, start=D(year, month, 1))


def report(assignment, year: int, month: int, *, state="approved", submitted_on=None, approved_on=None,
           version=1, **extra):
    """A report with its workflow steps; times at 10:00 local on the given days."""
    submitted = at(submitted_on) if submitted_on else None
    approved = at(approved_on, 15) if approved_on else None
    r = ProgressReportFactory(
        assignment=assignment, period=period(assignment.task.plan, year, month), state=state, version=version,
        submitted_at=submitted, last_submitted_at=submitted, approved_at=approved,
        reviewed_at=approved, **extra,
    )
    if submitted:
        ReportTransitionFactory(report=r, from_state="draft", to_state="submitted", at=submitted)
    if approved:
        ReportTransitionFactory(report=r, from_state="submitted", to_state="approved", at=approved)
    return r


def small_scale(size: str):
    from reports.scale import Scale

    if size == "small":
        return Scale(plans=1, units_per_plan=8, months=3, institutions=12, seed=7)
    return Scale(plans=2, units_per_plan=14, months=9, institutions=60, seed=7)
