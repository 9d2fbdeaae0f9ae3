"""One safe spreadsheet writer: the same hostile texts go through EVERY writer of
the portal — the official report (reports/excel.py), the big export (XlsxWriter,
`xlsxwriter_row`), the roster export (.xlsx and .csv) and `manage.py export_plan`
— and every produced file is opened again: no cell is a formula, and in .xlsx
the visible text is exactly what was typed (in .csv formula-like text carries
the conventional leading apostrophe, and nothing else changes)."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook
from openpyxl.utils.escape import unescape

from core.spreadsheets import (
    XLSX_MAX_ROWS,
    looks_like_formula,
    safe_cell,
    xlsxwriter_formats,
    xlsxwriter_row,
    xlsxwriter_workbook,
)
from tests.conftest import on_day
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://evil.example/","详见附件")', "+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "＝1+1",
]
NORMAL = ["-", "50%"]
TEXTS = HOSTILE + NORMAL


def xlsx_cells(data) -> list:
    """Every cell with a value, of every sheet, of an .xlsx (bytes or path)."""
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    workbook = load_workbook(source)
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row
            if cell.value is not None]


def as_excel_reads(text: str) -> str:
    """A string cell's text as Excel and WPS read it: XlsxWriter writes control characters
    (a carriage return too) in OOXML's _xHHHH_ escape, which openpyxl's reader leaves as is."""
    return unescape(text)


def assert_xlsx_safe(data, texts=TEXTS) -> None:
    cells = xlsx_cells(data)
    formulas = [(c.coordinate, c.value) for c in cells if c.data_type == "f"]
    assert not formulas, f"formula cells: {formulas}"
    shown = {as_excel_reads(c.value) for c in cells if c.data_type == "s"}
    missing = [t for t in texts if t not in shown]
    assert not missing, f"texts not shown as typed: {missing!r}"


def assert_csv_safe(data: bytes, texts=TEXTS) -> None:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    values = [v for row in rows for v in row]
    assert not [v for v in values if looks_like_formula(v)]
    for text in texts:
        expected = "'" + text if text in HOSTILE else text
        assert expected in values, (text, expected)


# --- the rule itself ------------------------------------------------------------------------


@pytest.mark.parametrize("write_only", [False, True], ids=["normal", "write-only"])
def test_safe_cell_is_text_in_both_openpyxl_modes(tmp_path, write_only):
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet("x") if write_only else workbook.active
    sheet.append([safe_cell(sheet, t) for t in TEXTS] + [safe_cell(sheet, 3), safe_cell(sheet, dt.date(2026, 1, 2))])
    workbook.save(tmp_path / "x.xlsx")
    assert_xlsx_safe(tmp_path / "x.xlsx")
    row = next(load_workbook(tmp_path / "x.xlsx").worksheets[-1].iter_rows(values_only=True))
    assert list(row[:len(TEXTS)]) == TEXTS and row[-2] == 3 and row[-1] == dt.datetime(2026, 1, 2)


def test_openpyxl_alone_would_write_a_formula(tmp_path):
    """The hazard is real: without the rule, the first text is a formula cell."""
    workbook = Workbook()
    workbook.active.append(TEXTS)
    workbook.save(tmp_path / "raw.xlsx")
    assert any(c.data_type == "f" for c in xlsx_cells(tmp_path / "raw.xlsx"))


def test_xlsxwriter_row_is_text(tmp_path):
    """The XlsxWriter path: text (links and digits too) as typed, numbers and dates as such —
    and the workbook's options stay safe even when a caller asks otherwise."""
    texts = TEXTS + ["http://evil.example/", "007", "{=1+1}"]
    with xlsxwriter_workbook(tmp_path / "x.xlsx", strings_to_formulas=True, strings_to_urls=True) as workbook:
        sheet = workbook.add_worksheet("x")
        xlsxwriter_row(sheet, 0, texts + [3, dt.date(2026, 1, 2)], xlsxwriter_formats(workbook))
        sheet.write(1, 0, "=1+1")  # even XlsxWriter's own write(): the forced options keep it text
    assert_xlsx_safe(tmp_path / "x.xlsx", texts + ["=1+1"])
    cells = xlsx_cells(tmp_path / "x.xlsx")
    assert not any(c.hyperlink for c in cells)
    row = next(load_workbook(tmp_path / "x.xlsx").active.iter_rows(values_only=True))
    assert [as_excel_reads(v) for v in row[:len(texts)]] == texts and row[-2] == 3 and row[-1] == dt.datetime(2026, 1, 2)


def test_xlsxwriter_alone_would_write_a_formula(tmp_path):
    """The hazard is real there too: XlsxWriter's defaults make write("=…") a formula."""
    import xlsxwriter

    with xlsxwriter.Workbook(tmp_path / "raw.xlsx") as workbook:
        workbook.add_worksheet().write_row(0, 0, TEXTS)
    assert any(c.data_type == "f" for c in xlsx_cells(tmp_path / "raw.xlsx"))


def test_xlsxwriter_row_past_excel_limit_is_an_error(tmp_path):
    with pytest.raises(ValueError), xlsxwriter_workbook(tmp_path / "x.xlsx") as workbook:
        xlsxwriter_row(workbook.add_worksheet(), XLSX_MAX_ROWS, ["x"], xlsxwriter_formats(workbook))


# --- every writer ---------------------------------------------------------------------------


def _hostile_task_titles(plan):
    from tasks.models import WorkItem

    tasks = list(WorkItem.objects.filter(plan=plan, kind=WorkItem.Kind.TASK).order_by("number")[:len(TEXTS)])
    for task, text in zip(tasks, TEXTS, strict=True):
        WorkItem.objects.filter(pk=task.pk).update(title=text)


@on_day(dt.date(2026, 12, 2))  # its reports are for October 2026
def test_official_report(users, plan_2020):
    from progress import services as prog
    from reports import excel
    from tasks.models import Assignment
    from tests.security.world import pdf

    _hostile_task_titles(plan_2020)
    assignment = Assignment.objects.get(task__plan=plan_2020, task__kind=1, task__number=1, department__name="区人力社保局")
    report = prog.report_create(actor=users["officer"], assignment=assignment, period=dt.date(2026, 10, 1),
                                progress=HOSTILE[0], percent=40, problems="-1+1", next_steps="@SUM(A1)",
                                files=[pdf()], submit=True)
    prog.report_approve(actor=users["leader"], report=report)
    coordinator = users["coordinator"]
    data = excel.progress_workbook_bytes(user=coordinator, filters=excel.resolve_filters(user=coordinator))
    assert_xlsx_safe(data)
    progress_column = [c.value for c in xlsx_cells(data) if c.column == 8]
    assert HOSTILE[0] in progress_column  # the report's own text, in 最新进展


def test_big_export(tmp_path):
    from reports import bigexport

    rows = [("方案", i, text, "单位", "牵头", "2026年10月", 1, "已审核通过", 40, text, text, text,
             dt.datetime(2026, 10, 5, 9, 0), None, None, None, "", "") for i, text in enumerate(TEXTS)]
    assert bigexport.write_history(iter(rows), tmp_path / "history.xlsx") == len(rows)
    assert_xlsx_safe(tmp_path / "history.xlsx")


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_roster_export(users, file_format):
    from institutions.resources import roster_export

    for i, text in enumerate(TEXTS):
        InstitutionFactory(name=text, address=text, contact_name=text if i % 2 else "张三")
    data = roster_export(user=users["coordinator"], file_format=file_format)
    if file_format == "xlsx":
        assert_xlsx_safe(data)
    else:
        assert_csv_safe(data)


def test_export_plan(plan_2020, tmp_path):
    _hostile_task_titles(plan_2020)
    call_command("export_plan", out=str(tmp_path / "plan.xlsx"), plan=plan_2020.pk, stdout=io.StringIO())
    assert_xlsx_safe(tmp_path / "plan.xlsx")


def test_row_height_counts_wide_characters_line_breaks_and_column_width():
    from core.spreadsheets import row_height, text_lines

    # A column 40 wide holds about 19 CJK characters at 10 pt, about twice as many digits.
    assert text_lines("婴" * 19, 40, 10) == 1
    assert text_lines("婴" * 40, 40, 10) == 3
    assert text_lines("1" * 30, 40, 10) == 1 and text_lines("1" * 40, 40, 10) == 2
    assert text_lines("一\n二\n\n三", 40, 10) == 4  # explicit breaks, an empty line too
    assert text_lines("婴" * 40, 80, 10) < text_lines("婴" * 40, 40, 10)
    one, three = row_height([("婴", 40, 10)]), row_height([("婴" * 40, 40, 10)])
    assert three >= 3 * 14.5 and one >= 14.5 + 4  # 1.45 em a line, plus padding
    assert row_height([("婴" * 40, 40, 10), (12, 6, 10)], minimum=20) == three  # the tallest cell decides
    assert row_height([("婴" * 100_000, 40, 10)]) == 409  # Excel's tallest row
