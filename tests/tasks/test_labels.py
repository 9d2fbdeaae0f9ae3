"""One label per item (tasks.labels.item_label, WorkItem.label): the task page,
the unit dashboard, the Excel report and the reminder digest name the same
item the same way."""
import pytest
from django.urls import reverse

from notifications import rules as reminder_rules
from reports.excel import ReportFilters, build_progress_workbook
from tasks.labels import item_label
from tasks.models import WorkItem
from tests.conftest import on_day
from tests.factories import AssignmentFactory, WorkItemFactory
from tests.reports.conftest import D, report, world  # noqa: F401  (the read side's small world)

pytestmark = pytest.mark.django_db


def test_item_labels_follow_the_annex():
    assert item_label(WorkItem.Kind.TASK, 7) == "7."
    assert item_label(WorkItem.Kind.MEASURE, 1) == "保障措施（一）"
    assert item_label(WorkItem.Kind.MEASURE, 12) == "保障措施（十二）"


def test_the_same_item_has_the_same_label_on_every_surface(world, client):  # noqa: F811
    from reports.cache import clear

    measure = WorkItemFactory(plan=world.plan, kind=WorkItem.Kind.MEASURE, number=1, lead_unit=world.lead,
                              title="强化组织保障")
    part = AssignmentFactory(task=measure, department=world.lead, role="lead")
    for a in (world.lead_a, world.other_a, world.second_a, part):
        report(a, 2026, 2, submitted_on=D(2026, 2, 20), approved_on=D(2026, 2, 21))
    label = measure.label
    assert label == "保障措施（一）"
    on = D(2026, 3, 23)  # March's reports due 03-25: every unit is reminded, every light is yellow
    clear()

    with on_day(on):
        client.force_login(world.officer)
        task_page = client.get(reverse("tasks:detail", args=[measure.pk])).content.decode()
        dashboard = client.get(reverse("reports:my-department") + f"?on={on.isoformat()}").content.decode()
    assert f"{label} 强化组织保障" in task_page
    assert f"{label} 强化组织保障" in dashboard
    assert f"{label}：2026年3月进展" in dashboard  # the unit light's reason names the item too

    workbook = build_progress_workbook(user=world.viewer, filters=ReportFilters(on=on, plan=world.plan))
    units = workbook["分单位汇总"]
    status = next(row[8] for row in units.iter_rows(min_row=4) if row[1].value == "甲单位")
    assert status.comment is not None and f"{label}：2026年3月进展" in status.comment.text

    subjects = [r.subject for r in reminder_rules.collect(on) if r.item_type == "report"]
    assert any(s.startswith(f"{label} 强化组织保障 · 2026年3月进展报告") for s in subjects), subjects
    # No other spelling of the item anywhere.
    for text in (task_page, dashboard, status.comment.text, *subjects):
        assert "保障措施1" not in text and "任务1" not in text
