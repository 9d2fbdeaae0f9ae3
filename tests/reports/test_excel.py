"""The official progress report, opened with openpyxl as a reader would."""
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from progress.lights import LABELS, lights_for_tasks
from reports import excel
from tasks.models import Assignment, Task
from tests.factories import AssignmentCompletionFactory, ReportTransitionFactory
from tests.tasks.annex import ANNEX

from .conftest import D, at, report

pytestmark = pytest.mark.django_db
ON = D(2026, 11, 10)  # October (due 10-25) has passed; November is due 11-25


@pytest.fixture
def progress_2020(plan_2020, users):
    """Task 1 green, task 2 yellow (a November report returned), task 4 done, the rest red."""
    tasks = {t.number: t for t in Task.objects.filter(plan=plan_2020)}
    for number in (1, 2):
        for a in Assignment.objects.filter(task=tasks[number]):
            report(a, 2026, 10, submitted_on=D(2026, 10, 20), approved_on=D(2026, 10, 22),
                   percent=60 if a.role == "lead" else 40,
                   progress=f"{a.department.name}十月进展", problems="场地紧张" if a.role == "lead" else "")
    returned = report(Assignment.objects.filter(task=tasks[2]).first(), 2026, 11, state="returned",
                      submitted_on=D(2026, 11, 5))
    ReportTransitionFactory(report=returned, from_state="submitted", to_state="returned", at=at(D(2026, 11, 6)))
    for a in Assignment.objects.filter(task=tasks[4]):
        AssignmentCompletionFactory(assignment=a, state="accepted", decided_at=at(D(2026, 9, 1)))
    return tasks


def workbook(user, **filters):
    data = excel.progress_workbook_bytes(user=user, filters=excel.resolve_filters(user=user, **filters))
    return load_workbook(io.BytesIO(data))


def test_sheet_one_is_the_annex_with_status_and_progress(progress_2020, users):
    wb = workbook(users["viewer"], on=ON)
    assert wb.sheetnames == ["任务进展", "分单位汇总", "托育机构汇总"]
    ws = wb["任务进展"]
    # Title row merged across the table, the as-of line, bold bordered headers.
    assert ws["A1"].value == "渝中区3岁以下婴幼儿照护服务工作任务进展情况表"
    assert "A1:K1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A2"].value == "统计截至 2026年11月10日"
    header = [c.value for c in ws[3]]
    assert header == ["序号", "工作内容", "具体任务", "牵头单位", "责任单位", "状态", "完成进度", "最新进展",
                      "存在问题", "下步打算", "报送时间"]
    assert all(c.font.b and c.border.left.style == "thin" and c.border.bottom.style == "thin" for c in ws[3])
    # 15 rows in the annex's order, with its titles, contents and units word for word.
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4, max_row=18)]
    assert [tuple(r[:5]) for r in rows] == [tuple(a) for a in ANNEX]
    assert ws.cell(row=19, column=1).value is None  # nothing after task 15 but the note
    assert all(ws.cell(row=r, column=3).alignment.wrap_text for r in range(4, 19))


def test_status_cells_are_filled_with_the_light_and_its_word(progress_2020, users):
    ws = workbook(users["viewer"], on=ON)["任务进展"]
    lights = lights_for_tasks(Task.objects.filter(plan=progress_2020[1].plan), on=ON)
    by_number = {t.number: lights[t.pk].code for t in progress_2020.values()}
    assert (by_number[1], by_number[2], by_number[4], by_number[3]) == ("green", "yellow", "done", "red")
    for row in range(4, 19):
        number = ws.cell(row=row, column=1).value
        cell = ws.cell(row=row, column=6)
        code = by_number[number]
        assert cell.value == LABELS[code]
        assert cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb == excel.FILLS[code]


def test_progress_columns_read_the_latest_approved_reports(progress_2020, users):
    ws = workbook(users["viewer"], on=ON)["任务进展"]
    row = 4  # task 1: lead 区人力社保局 (60 %), 区卫生健康委 and 区总工会 (40 %)
    assert ws.cell(row=row, column=7).value == 0.6 and ws.cell(row=row, column=7).number_format == "0%"
    latest = ws.cell(row=row, column=8).value
    assert latest.splitlines()[0] == "【区人力社保局】区人力社保局十月进展"  # the lead unit first
    assert "【区总工会】区总工会十月进展" in latest
    assert ws.cell(row=row, column=9).value == "【区人力社保局】场地紧张"  # only the unit that named one
    assert ws.cell(row=row, column=11).value.date() == D(2026, 10, 20)
    # Task 2's returned November report is not approved: its October reports stand.
    assert "十月进展" in ws.cell(row=5, column=8).value
    # Nothing approved (task 3): empty cells, never a draft.
    assert ws.cell(row=6, column=7).value is None and ws.cell(row=6, column=8).value is None


def test_as_of_a_date_before_the_approvals(progress_2020, users):
    ws = workbook(users["viewer"], on=D(2026, 10, 21))["任务进展"]
    assert ws["A2"].value == "统计截至 2026年10月21日"
    assert ws.cell(row=4, column=8).value is None  # approved on 10-22: not yet
    assert ws.cell(row=4, column=6).value == LABELS["red"]  # September had no approved report


def test_frozen_header_print_titles_and_page_setup(progress_2020, users):
    wb = workbook(users["viewer"], on=ON)
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
    ws = wb["任务进展"]
    assert ws.freeze_panes == "A4"
    assert ws.print_title_rows == "$3:$3"
    assert ws.column_dimensions["C"].width > ws.column_dimensions["A"].width


def test_unit_summary_and_institutions_sheets(progress_2020, users):
    from tests.factories import InstitutionFactory

    InstitutionFactory(registered_on=D(2026, 1, 1), filed_on=D(2026, 2, 1), status="filed", capacity=80)
    InstitutionFactory(registered_on=D(2026, 1, 1))
    wb = workbook(users["viewer"], on=ON)
    units = wb["分单位汇总"]
    rows = {r[1]: r for r in units.iter_rows(min_row=4, values_only=True) if r[1]}
    assert rows["区人力社保局"][8] in (LABELS["red"], LABELS["yellow"], LABELS["green"])
    inst = wb["托育机构汇总"]
    values = {r[1]: r[4] for r in inst.iter_rows(min_row=3, max_row=8, values_only=True)}
    assert values["登记机构数（家）"] == 2 and values["已备案机构数（家）"] == 1
    assert values["备案完成率"] == 0.5 and values["已备案托位数（个）"] == 80


def test_unit_staff_get_their_own_unit_only(progress_2020, users):
    wb = workbook(users["officer"], on=ON)  # 区人力社保局
    assert wb.sheetnames == ["任务进展", "分单位汇总"]  # no registry sheet for unit staff
    ws = wb["任务进展"]
    assert "单位：区人力社保局" in ws["A2"].value
    numbers = [r[0] for r in ws.iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)]
    expected = sorted({a.task.number for a in Assignment.objects.filter(
        department=users["officer"].department, task__kind=1).select_related("task")})
    assert numbers == expected
    from django.http import Http404

    with pytest.raises(Http404):
        excel.resolve_filters(user=users["officer"], on=ON, department=users["other_officer"].department)


def test_period_filter(progress_2020, users):
    ws = workbook(users["viewer"], on=ON, period_start=D(2026, 9, 1))["任务进展"]
    assert "报送周期：2026年9月" in ws["A2"].value
    assert ws.cell(row=4, column=8).value is None  # only October was reported


def test_export_progress_command(progress_2020, users, tmp_path):
    out = tmp_path / "report.xlsx"
    call_command("export_progress", "--out", str(out), "--date", "2026-11-10", "--department", "区人力社保局")
    ws = load_workbook(out)["任务进展"]
    assert ws["A2"].value == "统计截至 2026年11月10日　　单位：区人力社保局"
    with pytest.raises(CommandError):
        call_command("export_progress", "--out", str(out), "--department", "不存在的单位")
    with pytest.raises(CommandError):
        call_command("export_progress", "--out", str(out), "--date", "2026-13-01")
    call_command("export_progress", "--out", str(out))
    ws = load_workbook(out)["任务进展"]
    assert ws.max_row >= 18 and ws["A2"].value.startswith("统计截至 ")


def test_parse_period():
    assert excel.parse_period("2026-10") == dt.date(2026, 10, 1)
    assert excel.parse_period("") is None
    with pytest.raises(Exception):
        excel.parse_period("2026/10")
