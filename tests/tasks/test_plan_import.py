"""import_plan: the 2020 plan round-trips, and bad tables change nothing."""
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from agencies.models import Department
from audit.models import ObjectChange
from tasks.models import Assignment, Plan, Task, WorkItem
from tasks.plan_table import write_plan_table


def _table_state():
    return (
        Plan.objects.count(), WorkItem.objects.count(), Department.objects.count(),
        Assignment.objects.count(), ObjectChange.objects.count(),
    )


def _task_tuple(task):
    return (
        task.number, task.title, task.content, task.lead_unit.name if task.lead_unit else None,
        [r.department.name for r in task.responsibilities.all()], task.units_open_ended,
    )


def _xlsx(rows, header=("序号", "工作内容", "具体任务", "牵头单位", "责任单位")):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["某区任务分解表"])
    if header:
        sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def write(tmp_path):
    def _write(data: bytes, name="table.xlsx"):
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)

    return _write


@pytest.mark.django_db
def test_round_trip_of_the_2020_plan(plan_2020, tmp_path):
    original = list(Task.objects.filter(plan=plan_2020).with_units())
    path = tmp_path / "annex.xlsx"
    write_plan_table(original, caption="渝中区3岁以下婴幼儿照护服务工作任务分解表").save(path)
    units_before = Department.objects.count()

    call_command("import_plan", str(path), "--title", "再导入", "--document-number", "测试〔2026〕1号")

    copy = Plan.objects.get(title="再导入")
    imported = list(Task.objects.filter(plan=copy).with_units())
    assert [_task_tuple(t) for t in imported] == [_task_tuple(t) for t in original]
    assert Department.objects.count() == units_before  # every unit was known
    # The street offices are reached through the group again.
    assert Assignment.objects.filter(task__plan=copy, task__number=6, via_group__name="各街道办事处").count() == 11


@pytest.mark.django_db
def test_import_creates_unknown_units_with_a_sensible_kind(plan_2020, write):
    path = write(_xlsx([(1, "新任务", "内容", "区新设局", "某某街道办事处、区残联等")]))
    call_command("import_plan", path)
    assert Department.objects.get(name="区新设局").kind == "government"
    assert Department.objects.get(name="某某街道办事处").kind == "street"
    assert Department.objects.get(name="区残联").kind == "mass"
    task = Task.objects.get(title="新任务")
    assert task.units_open_ended and task.responsible_units_text == "某某街道办事处、区残联等"
    assert ObjectChange.objects.filter(object_repr__contains="新任务", action="create").exists()


BAD_TABLES = {
    "not an xlsx": (b"%PDF-1.4 not a spreadsheet", "不是有效的 Excel"),
    "missing column": (
        _xlsx([(1, "任务", "内容", "区教委")], header=("序号", "工作内容", "具体任务", "牵头单位")),
        "缺少列：责任单位",
    ),
    "empty title": (_xlsx([(1, "好任务", "内容", "区教委", "——"), (2, "", "内容", "区教委", "——")]), "第4行：工作内容不能为空"),
    "duplicate number": (
        _xlsx([(1, "任务一", "内容", "区教委", "——"), (1, "任务二", "内容", "区教委", "——")]),
        "第4行：序号 1 与第3行重复",
    ),
    "number not a number": (_xlsx([("一", "任务", "内容", "区教委", "——")]), "第3行：序号“一”不是正整数"),
    "two leads": (_xlsx([(1, "任务", "内容", "区教委、区民政局", "——")]), "牵头单位只能填写一个单位"),
    "no header": (_xlsx([(1, "任务", "内容", "区教委", "——")], header=None), "找不到表头"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", BAD_TABLES, ids=list(BAD_TABLES))
def test_bad_tables_change_nothing(plan_2020, write, case):
    data, message = BAD_TABLES[case]
    before = _table_state()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_plan", write(data))
    assert message in str(excinfo.value)
    assert "未保存任何数据" in str(excinfo.value)
    assert _table_state() == before


@pytest.mark.django_db
def test_every_bad_row_is_reported_at_once(plan_2020, write):
    data = _xlsx([(1, "", "内容", "区教委", "——"), ("x", "任务", "", "区教委", "——"), (3, "好", "好", "区教委", "——")])
    with pytest.raises(CommandError) as excinfo:
        call_command("import_plan", write(data))
    text = str(excinfo.value)
    assert "第3行：工作内容不能为空" in text
    assert "第4行：序号“x”不是正整数；具体任务不能为空" in text


@pytest.mark.django_db
def test_zip_bomb_is_refused(plan_2020, write):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (20 * 1024 * 1024))
    before = _table_state()
    with pytest.raises(CommandError, match="压缩炸弹"):
        call_command("import_plan", write(buffer.getvalue()))
    assert _table_state() == before
