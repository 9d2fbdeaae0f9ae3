"""One label per item (tasks.labels.item_label, WorkItem.label) and one heading
("label title", tasks.labels.item_heading): the task page, the unit dashboard
(its reasons "1. 标题：原因"), the Excel report, the big export, the reminder digest
and the 督办单 drop-down name the same item the same way, with its whole title."""
import pytest
from django.urls import reverse

from notifications import rules as reminder_rules
from reports.excel import ReportFilters, build_progress_workbook
from progress.forms import NoticeForm
from progress.models import ProgressReport
from reports.bigexport import _labels as export_labels
from tasks.labels import item_heading, item_label
from tasks.models import Assignment, WorkItem
from tests.conftest import on_day
from tests.factories import AssignmentFactory, WorkItemFactory
from tests.reports.conftest import D, report, world  # noqa: F401  (the read side's small world)

pytestmark = pytest.mark.django_db


def test_item_labels_follow_the_annex():
    assert item_label(WorkItem.Kind.TASK, 7) == "7."
    assert item_label(WorkItem.Kind.MEASURE, 1) == "保障措施（一）"
    assert item_label(WorkItem.Kind.MEASURE, 12) == "保障措施（十二）"
    assert item_heading(WorkItem.Kind.TASK, 7, "发挥社区公共服务设施的婴幼儿照护服务功能") == \
        "7. 发挥社区公共服务设施的婴幼儿照护服务功能"
    assert item_heading(WorkItem.Kind.MEASURE, 1, "强化组织保障") == "保障措施（一） 强化组织保障"


def test_the_same_item_has_the_same_label_on_every_surface(world, client):  # noqa: F811
    from reports.cache import clear

    measure = WorkItemFactory(plan=world.plan, kind=WorkItem.Kind.MEASURE, number=1, lead_unit=world.lead,
                              title="强化组织保障")
    part = AssignmentFactory(task=measure, department=world.lead, role="lead")
    for a in (world.lead_a, world.other_a, world.second_a, part):
        report(a, 2026, 2, submitted_on=D(2026, 2, 20), approved_on=D(2026, 2, 21))
    label = measure.label
    assert label == "保障措施（一）"
    heading = f"{label} 强化组织保障"
    assert str(measure) == heading
    on = D(2026, 3, 23)  # March's reports due 03-25: every unit is reminded, every light is yellow
    clear()

    with on_day(on):
        client.force_login(world.officer)
        task_page = client.get(reverse("tasks:detail", args=[measure.pk])).content.decode()
        dashboard = client.get(reverse("reports:my-department") + f"?on={on.isoformat()}").content.decode()
    assert heading in task_page
    assert heading in dashboard
    assert f"{heading}：2026年3月进展" in dashboard  # the unit light's reason names the item and its title
    assert "1. 测试任务一：2026年3月进展" in dashboard

    workbook = build_progress_workbook(user=world.viewer, filters=ReportFilters(on=on, plan=world.plan))
    units = workbook["分单位汇总"]
    status = next(row[8] for row in units.iter_rows(min_row=4) if row[1].value == "甲单位")
    assert status.comment is not None and f"{heading}：2026年3月进展" in status.comment.text

    exported, _ = export_labels(ProgressReport.objects.filter(assignment=part))
    assert exported[part.pk][1:3] == (label, "强化组织保障")

    subjects = [r.subject for r in reminder_rules.collect(on) if r.item_type == "report"]
    assert any(s.startswith(f"{heading} · 2026年3月进展报告") for s in subjects), subjects
    # No other spelling of the item anywhere.
    for text in (task_page, dashboard, status.comment.text, *subjects):
        assert "保障措施1" not in text and "任务1" not in text


def test_the_notice_drop_down_shows_whole_titles(world):  # noqa: F811
    long_title = "为脱产照护婴幼儿的父母提供信息服务、就业指导和职业技能培训"
    world.task.title = long_title
    world.task.save()
    form = NoticeForm(assignments=Assignment.objects.filter(task=world.task).select_related("task", "department"))
    choices = [str(label) for _, label in form.fields["assignment"].choices]
    assert f"1. {long_title} — 甲单位（牵头单位）" in choices, choices
