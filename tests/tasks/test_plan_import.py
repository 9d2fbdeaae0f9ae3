"""plan_import writes in bulk: a bounded number of queries for 5,000 rows, the
same items, units, assignments and history as one task at a time, and still
all or nothing."""
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from agencies.models import Department
from audit.models import ObjectChange
from audit.services import diff, snapshot
from tasks.models import Assignment, Plan, Responsibility, WorkItem
from tasks.plan_table import COLUMNS, PlanTableError
from tasks.services import assignments_sync, plan_import

from .plan_data import GROUP, NEW_UNITS, plan_rows, plan_xlsx_bytes


def _state():
    return (
        Plan.objects.count(), WorkItem.objects.count(), Responsibility.objects.count(), Department.objects.count(),
        Assignment.objects.count(), ObjectChange.objects.count(),
    )


def _assignments(task):
    return sorted(task.assignments.values_list("department_id", "role", "via_group_id"))


@pytest.mark.django_db
def test_5000_rows_take_a_bounded_number_of_queries(plan_2020, django_assert_max_num_queries):
    rows = plan_rows(5000)
    source = io.BytesIO(plan_xlsx_bytes(rows))
    # Not per row (before: 22 queries a row, 112,623 for this table). Links (responsibilities,
    # assignments) take one statement each; items and their history go 1,000 rows a statement
    # on PostgreSQL, and about 124 on SQLite, where Django caps a statement at 999 parameters.
    from django.db import connection

    limit = 40 if connection.vendor == "postgresql" else 110
    with django_assert_max_num_queries(limit):
        plan = plan_import(source=source, title="五千行")
    assert plan.items.count() == 5000
    assert Responsibility.objects.filter(task__plan=plan).count() == sum(
        len(r[4].replace("等", "").split("、")) for r in rows
    )
    assert ObjectChange.objects.filter(action="create", comment="由任务分解表导入").count() == 5001  # plan + items
    assert set(NEW_UNITS) <= set(Department.objects.values_list("name", flat=True))


@pytest.mark.django_db
def test_bulk_import_writes_what_one_task_at_a_time_would(plan_2020):
    rows = plan_rows(60)
    rows[5][4] = f"{GROUP}、解放碑街道办事处、区教委"  # a member listed directly as well as through its group
    rows[6][4] = f"区卫生健康委、{rows[6][3]}"  # the lead also listed as responsible
    rows[7][4] = "——"
    plan = plan_import(source=io.BytesIO(plan_xlsx_bytes(rows)), title="对照")
    items = list(WorkItem.objects.filter(plan=plan).order_by("number"))
    bulk = {item.pk: _assignments(item) for item in items}
    for item in items:  # the one-task-at-a-time rule finds nothing to change
        assignments_sync(task=item)
        assert _assignments(item) == bulk[item.pk], item.number
    street = Department.objects.get(name="解放碑街道办事处")
    assert items[5].assignments.get(department=street).via_group_id is None  # listed directly: not via the group
    assert items[6].assignments.get(department__name=rows[6][3]).role == Assignment.Role.LEAD
    assert not items[7].responsibilities.exists() and items[7].assignments.count() == 1
    # Each item's history records its units, as change_record did.
    for item in (items[0], items[5]):
        record = ObjectChange.objects.get(object_id=str(item.pk), content_type__model="workitem")
        assert record.changes == diff({}, snapshot(item))
        assert record.changes["责任单位"][1] == sorted(r.department.name for r in item.responsibilities.all())


@pytest.mark.django_db
def test_new_units_and_new_groups_as_before(plan_2020):
    rows = [[1, "任务", "内容", "区新设局", "各街道、某某街道办事处、区残联等"]]
    plan_import(source=io.BytesIO(plan_xlsx_bytes(rows)))
    group = Department.objects.get(name="各街道")
    streets = set(Department.objects.filter(kind="street"))
    assert group.kind == "group" and set(group.members.all()) == streets
    task = WorkItem.objects.get(title="任务")
    assert task.units_open_ended and task.responsible_units_text == "各街道、某某街道办事处、区残联等"
    assert task.assignments.filter(via_group=group).count() == len(streets) - 1  # 某某 is listed directly
    history = ObjectChange.objects.get(object_repr="各街道", action="create")
    assert history.comment == "导入实施方案时新建" and len(history.changes["组成员"][1]) == len(streets)


@pytest.mark.django_db
def test_a_wrapped_unit_list_imports_as_the_known_units(plan_2020):
    units_before = Department.objects.count()
    rows = [[1, "加强队伍\n建设", "\u3000\u3000大力开展\n职业道德教育。", "区人力\n社保局", "区卫生健康委、\n区教委\u3000"]]
    plan = plan_import(source=io.BytesIO(plan_xlsx_bytes(rows)))
    task = plan.items.get(title="加强队伍建设")
    assert task.content == "大力开展职业道德教育。"
    assert task.lead_unit.name == "区人力社保局" and task.responsible_units_text == "区卫生健康委、区教委"
    assert Department.objects.count() == units_before


@pytest.mark.django_db
def test_an_error_on_the_last_of_5000_rows_saves_nothing(plan_2020):
    rows = plan_rows(5000)
    rows[-1][1] = ""  # the last row has no 工作内容
    rows[-2][0] = 17  # and the one before repeats 序号 17
    before = _state()
    with pytest.raises(PlanTableError) as excinfo:
        plan_import(source=io.BytesIO(plan_xlsx_bytes(rows)))
    assert excinfo.value.errors == ["第5001行：序号 17 与第19行重复。", "第5002行：工作内容不能为空。"]
    assert _state() == before


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [[], [COLUMNS]], ids=["empty workbook", "header only"])
def test_import_plan_says_an_empty_table_is_empty(plan_2020, tmp_path, rows):
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / "empty.xlsx"
    workbook.save(path)
    before = _state()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_plan", str(path))
    assert str(excinfo.value) == "导入失败，未保存任何数据：\n表格为空：未找到任何任务行。"
    assert _state() == before
