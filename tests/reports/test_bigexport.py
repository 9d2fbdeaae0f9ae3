"""The big export's writer (XlsxWriter, constant_memory, through
core.spreadsheets.xlsxwriter_row): the same cells openpyxl's own write-only
append wrote, and the sheet laid out as it always was."""
import datetime as dt
import io
import tempfile
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils.escape import unescape

from core.spreadsheets import safe_row
from reports import bigexport

ROWS = [
    ("方案", 1, "工作内容", "  前后有空格  ", "职责", "2026年1月", 2, "已审核通过", 75,
     "第一行\n第二行", "", None, dt.datetime(2026, 1, 20, 10, 5, 7), None, dt.date(2026, 1, 21), None,
     "含控制字符", "更正"),
    ("x", 2.5, True, False, Decimal("1.25"), "<&>\"'", "", "", 0, "a" * 5000, "", "", None, None, None,
     dt.datetime(2026, 11, 28, 23, 59, 59), "", "last"),
]


def _written(rows=ROWS) -> bytes:
    buffer = io.BytesIO()
    bigexport.write_history(iter(rows), buffer)
    return buffer.getvalue()


def _openpyxl_written(rows=ROWS) -> bytes:
    """What the export wrote before: openpyxl write-only, every value a safe cell."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("进展报告")
    sheet.append(safe_row(sheet, [name for name, _ in bigexport.HISTORY_COLUMNS]))
    for row in rows:
        sheet.append(safe_row(sheet, row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cells(data: bytes):
    sheet = load_workbook(io.BytesIO(data)).active
    return [[(c.value, c.number_format if c.value is not None else None) for c in row] for row in sheet.iter_rows()]


def test_history_cells_are_what_openpyxl_wrote():
    written = _cells(_written())
    assert written == _cells(_openpyxl_written())
    assert written[1][12] == (dt.datetime(2026, 1, 20, 10, 5, 7), "yyyy-mm-dd h:mm:ss")
    assert written[1][14] == (dt.datetime(2026, 1, 21), "yyyy-mm-dd")
    assert written[1][3][0] == "  前后有空格  "
    assert written[2][2][0] is True and written[2][4][0] == 1.25 and written[2][5][0] == "<&>\"'"


def test_history_sheet_layout():
    workbook = load_workbook(io.BytesIO(_written()))
    assert workbook.sheetnames == ["进展报告"]
    assert workbook.properties.creator == "渝中区婴幼儿照护服务督办平台"
    sheet = workbook.active
    assert [c.value for c in sheet[1]] == [name for name, _ in bigexport.HISTORY_COLUMNS]
    first = sheet["A1"]
    assert first.font.b and first.font.name == "宋体" and first.fill.fgColor.rgb == "FFD9E1F2"
    assert first.border.left.style == first.border.bottom.style == "thin"
    assert first.alignment.horizontal == "center" and first.alignment.wrap_text
    assert sheet.freeze_panes == "A2" and sheet.print_title_rows == "$1:$1"
    setup = sheet.page_setup
    assert setup.orientation == "landscape" and int(setup.paperSize) == 9
    # One page wide (1 is the attribute's default: XlsxWriter leaves it out), as many long as it takes.
    assert int(setup.fitToWidth or 1) == 1 and int(setup.fitToHeight) == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    widths = {}  # equal neighbours share one <col min max> element
    for dimension in sheet.column_dimensions.values():
        widths.update(dict.fromkeys(range(dimension.min, dimension.max + 1), dimension.width))
    assert [widths[i] for i in range(1, len(bigexport.HISTORY_COLUMNS) + 1)] == pytest.approx(
        [width for _, width in bigexport.HISTORY_COLUMNS], abs=0.01)


def test_write_history_counts_and_reports_progress(tmp_path):
    seen = []
    count = bigexport.write_history(iter(ROWS * 3), tmp_path / "x.xlsx", progress=seen.append, every=2)
    assert count == 6 and seen == [2, 4, 6, 6]
    assert load_workbook(tmp_path / "x.xlsx").active.max_row == 7


def test_control_characters_are_dropped_not_fatal():
    # openpyxl raises IllegalCharacterError (the whole export lost); XlsxWriter would write _x0001_.
    row = ("粘贴进来的\x01文字\x0b", 1)
    assert load_workbook(io.BytesIO(_written([row]))).active["A2"].value == "粘贴进来的文字"


def test_carriage_returns_are_kept_in_ooxml_escape():
    # A browser's textarea sends CRLF. XlsxWriter writes the CR as _x000D_ (OOXML's escape, which
    # Excel and WPS decode; openpyxl's reader does not), and a literal "_x0041_" as _x005F_x0041_.
    value = load_workbook(io.BytesIO(_written([("第一行\r\n第二行 _x0041_",)]))).active["A2"].value
    assert unescape(value) == "第一行\r\n第二行 _x0041_"


def test_a_failed_export_leaves_no_temporary_files(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def rows():
        yield from ROWS
        raise OSError("connection lost")

    with pytest.raises(OSError):
        bigexport.write_history(rows(), tmp_path / "out.xlsx")
    assert [p.name for p in tmp_path.iterdir()] == []  # neither XlsxWriter's row file nor a half workbook
