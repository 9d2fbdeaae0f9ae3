"""The big export's writer: the fast row path writes the same workbook as
openpyxl's own write-only append, and the sheet is laid out for reading."""
import datetime as dt
import io
from decimal import Decimal

from openpyxl import Workbook, load_workbook

from reports import bigexport

ROWS = [
    ("方案", 1, "工作内容", "  前后有空格  ", "职责", "2026年1月", 2, "已审核通过", 75,
     "第一行\n第二行", "", None, dt.datetime(2026, 1, 20, 10, 5, 7), None, dt.date(2026, 1, 21), None,
     "含控制字符", "更正"),
    ("x", 2.5, True, False, Decimal("1.25"), "<&>\"'", "", "", 0, "a" * 5000, "", "", None, None, None,
     dt.datetime(2026, 11, 28, 23, 59, 59), "", "last"),
]


def _written(fast: bool) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = bigexport.new_history_sheet(workbook, fast=fast)
    for row in ROWS:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cells(data: bytes):
    sheet = load_workbook(io.BytesIO(data)).active
    return [[(c.value, c.number_format if c.value is not None else None) for c in row] for row in sheet.iter_rows()]


def test_fast_rows_write_what_openpyxl_writes():
    plain, fast = _cells(_written(False)), _cells(_written(True))
    assert fast == plain
    assert fast[1][12] == (dt.datetime(2026, 1, 20, 10, 5, 7), "yyyy-mm-dd h:mm:ss")
    assert fast[1][14][0] == dt.datetime(2026, 1, 21)
    assert fast[1][3][0] == "  前后有空格  "
    assert fast[2][2][0] is True and fast[2][4][0] == 1.25 and fast[2][5][0] == "<&>\"'"


def test_history_sheet_layout():
    sheet = load_workbook(io.BytesIO(_written(True))).active
    assert [c.value for c in sheet[1]] == [name for name, _ in bigexport.HISTORY_COLUMNS]
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2" and sheet.print_title_rows == "$1:$1"
    assert sheet.page_setup.orientation == "landscape"


def test_write_history_counts_and_reports_progress(tmp_path):
    seen = []
    count = bigexport.write_history(iter(ROWS * 3), tmp_path / "x.xlsx", progress=seen.append, every=2)
    assert count == 6 and seen == [2, 4, 6, 6]
    assert load_workbook(tmp_path / "x.xlsx").active.max_row == 7


def test_control_characters_are_dropped_not_fatal():
    # openpyxl's own append raises IllegalCharacterError and would lose the whole export.
    workbook = Workbook(write_only=True)
    sheet = bigexport.new_history_sheet(workbook, fast=True)
    sheet.append(("粘贴进来的\x01文字\x0b", 1))
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert load_workbook(buffer).active["A2"].value == "粘贴进来的文字"
