"""A small plan of our own for rule tests: one task led by 甲单位 with 乙单位
responsible, monthly reports due on the 25th, issued 2026-01-05."""
import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from progress import services
from tests.conftest import pinned_to
from tests.factories import (
    PDF_BYTES,
    AssignmentFactory,
    DepartmentFactory,
    PlanFactory,
    ProgressReportFactory,
    ReportingPeriodFactory,
    UserFactory,
    WorkItemFactory,
)

# The day these tests' data is written against (reports for October–November 2026):
# they run on it whatever the machine's date, unless a test pins its own.
WORLD_DAY = dt.date(2026, 12, 2)


_on_the_worlds_day = pinned_to(WORLD_DAY)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """An aware moment on `day` in the portal's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def world(db):
    plan = PlanFactory(issued_on=dt.date(2026, 1, 5), period_months=1, report_due_day=25)
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
    )


def period(plan, year: int, month: int):
    return ReportingPeriodFactory(plan=plan, start=dt.date(year, month, 1))


def approved_report(assignment, year: int, month: int, *, approved_on: dt.date, **extra):
    moment = at(approved_on)
    return ProgressReportFactory(
        assignment=assignment, period=period(assignment.task.plan, year, month), state="approved",
        submitted_at=moment, last_submitted_at=moment, approved_at=moment, reviewed_at=moment, **extra,
    )


def approve_everything(world, year: int, month: int, *, on: dt.date):
    for a in (world.lead_a, world.other_a, world.second_a):
        approved_report(a, year, month, approved_on=on)


def pdf(name="佐证.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def draft(world, **extra):
    """A draft report of the world's officer on its lead assignment, 2026-11."""
    fields = {"progress": "召开推进会一次。", "percent": 30, "problems": "", "next_steps": "继续推进。"}
    fields.update(extra)
    return services.report_create(
        actor=world.officer, assignment=world.lead_a, period=period(world.plan, 2026, 11), **fields
    )
