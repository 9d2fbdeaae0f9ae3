"""The one way the portal writes spreadsheet cells: user text is written as
text, never as a formula.

A value starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
(or the full-width ``＝``, ``＋``, ``－``, ``＠`` that WPS with a Chinese input
method accepts) may be run by Excel or WPS as a formula (formula / CSV
injection: ``=HYPERLINK("http://evil.example/","详见附件")``).

- **.xlsx**: every ``str`` is an explicit string cell (``data_type = "s"``,
  written as an inline string). The reader sees exactly the text that was
  typed; nothing is added. (openpyxl by itself turns a string starting with
  ``=`` into a formula; so does XlsxWriter's ``write()``.)
- **.csv** has no types: a value that starts with one of the characters above
  gets the conventional leading apostrophe (``'=1+1``), which Excel and WPS
  show as text and never evaluate (the apostrophe is visible: CSV cannot do
  better). Only a lone ``-`` is left alone; numbers the portal writes as
  numbers (not text) are never prefixed. Importing such a CSV back keeps the
  apostrophe (it is what the file says); the .xlsx round-trips unchanged.

Every writer goes through here: the official report (reports/excel.py), the
big export (reports/bigexport.py: XlsxWriter in constant_memory mode, through
`xlsxwriter_workbook` and `xlsxwriter_row`), the roster export (`table_xlsx` /
`table_csv` over django-import-export's dataset) and `manage.py export_plan`
(`harden_workbook`).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal

import xlsxwriter
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def looks_like_formula(text: str) -> bool:
    """Could a spreadsheet program run this text (typed into a cell or read from CSV)?
    Only a lone "-" (a common "none") cannot."""
    return text.startswith(FORMULA_PREFIXES) and text != "-"


def safe_text(value: str) -> str:
    """Text as an .xlsx string cell holds it: characters XML cannot carry are dropped."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if ILLEGAL_CHARACTERS_RE.search(value) else value


def put(cell: Cell, value) -> Cell:
    """THE rule, for every cell the portal writes: a str goes in as a string cell
    (data_type "s": shown as typed, never run), anything else as openpyxl types it."""
    if isinstance(value, str):
        cell._value = safe_text(value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def safe_cell(sheet, value, **style) -> Cell:
    """A cell of `sheet` (normal or write-only) holding `value` (through `put`).
    `style`: font=, fill=, border=, alignment=, number_format=."""
    cell = put(Cell(sheet, row=1, column=1), value)  # as WriteOnlyCell: placed when appended
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def safe_row(sheet, values: Iterable) -> list:
    """`sheet.append(safe_row(sheet, values))`: cells already made pass through, None stays empty."""
    return [v if isinstance(v, Cell) or v is None else safe_cell(sheet, v) for v in values]


def append_safe(sheet, values: Iterable) -> int:
    """Append one row of values as safe cells; returns the row's number (normal mode)."""
    sheet.append(safe_row(sheet, values))
    return getattr(sheet, "max_row", 0)


def set_safe(sheet, *, row: int, column: int, value) -> Cell:
    """`sheet.cell(row, column, value)` for a normal-mode sheet, through `safe_cell`'s rule."""
    return put(sheet.cell(row=row, column=column), value)


def harden_workbook(workbook: Workbook) -> Workbook:
    """For a workbook built elsewhere (tasks.plan_table): every text cell goes
    through `put` (openpyxl took "=…" for a formula; it becomes the text it was)."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    put(cell, cell.value)
    return workbook


# ---------------------------------------------------------------- row heights

# openpyxl cannot autofit, and Excel/WPS/LibreOffice keep a written row height
# when they open or print a file: a row estimated too low cuts its last lines on
# paper. The estimate is deliberately on the safe side for the CJK fonts a
# district office has (SimSun on Windows; Noto Sans CJK on a Linux desktop,
# whose lines are ~1.45 em tall, the tallest of them):
# - a column of width w (Excel's unit: the width of "0" in Calibri 11, 7 px at
#   96 dpi) is 5.25·w pt wide, less the cell's inner padding;
# - a wide (CJK, full-width) character takes one em, any other character 0.6 em
#   (latin and digits are narrower, the margin absorbs word wrapping);
# - each explicit line break starts a new line; one line is 1.45 em high, plus
#   padding above and below the text.
POINTS_PER_WIDTH_UNIT = 5.25
CELL_PADDING_PT = 6.0       # left + right inner margin, and a border
LINE_HEIGHT_EM = 1.45
ROW_PADDING_PT = 5.0        # above + below the text
NARROW_EM = 0.6
MAX_ROW_HEIGHT_PT = 409     # Excel's limit


def is_wide(ch: str) -> bool:
    """A character drawn one em wide in a CJK font: CJK ideographs, kana, hangul,
    full-width forms and CJK punctuation (East Asian Wide / Fullwidth)."""
    return unicodedata.east_asian_width(ch) in ("W", "F")


def text_width_em(text: str) -> float:
    return sum(1.0 if is_wide(ch) else NARROW_EM for ch in text)


def text_lines(text: str, width: float, font_size: float) -> int:
    """How many lines `text` wraps to in a column `width` units wide at `font_size` pt.
    A character does not split: a line holds as many whole characters as fit."""
    # One em less: line-breaking rules keep "，" and "。" off a line's start, pulling
    # the character before them down to the next line.
    available_em = max((width * POINTS_PER_WIDTH_UNIT - CELL_PADDING_PT) / font_size - 1.0, 1.0)
    lines = 0
    for paragraph in str(text).split("\n"):
        used, count = 0.0, 1
        for ch in paragraph:
            step = 1.0 if is_wide(ch) else NARROW_EM
            if used + step > available_em and used > 0:
                count, used = count + 1, 0.0
            used += step
        lines += count
    return max(lines, 1)


def row_height(cells: Iterable[tuple[object, float, float]], *, minimum: float = 0) -> float:
    """The height (pt) a row of wrapped cells needs: `cells` are (value, column
    width, font size). Only text wraps; a number or date is one line."""
    needed = minimum
    for value, width, size in cells:
        lines = text_lines(value, width, size) if isinstance(value, str) and value else 1
        needed = max(needed, lines * size * LINE_HEIGHT_EM + ROW_PADDING_PT)
    return min(MAX_ROW_HEIGHT_PT, round(needed + 0.49, 0))


# ---------------------------------------------------------------- XlsxWriter (big exports)

# Forced on every XlsxWriter workbook. Its defaults would let `write()` turn "=…" into a
# formula (strings_to_formulas) and "http://…" into a link (strings_to_urls, capped at
# 65,530 per sheet); strings_to_numbers would make "007" the number 7. `xlsxwriter_row`
# never calls write() anyway: these guard any other caller of the same workbook.
XLSXWRITER_SAFE_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
XLSX_MAX_ROWS = 1_048_576
DATETIME_FORMAT, DATE_FORMAT = "yyyy-mm-dd h:mm:ss", "yyyy-mm-dd"  # openpyxl's, as the exports always had


@contextmanager
def xlsxwriter_workbook(out, *, constant_memory: bool = True, **options) -> Iterator[xlsxwriter.Workbook]:
    """An XlsxWriter workbook writing to `out` (a path or a binary file), saved
    when the block ends. constant_memory: each row goes to a temporary file as
    soon as the next one starts (rows must come in order; strings inline).
    The temporary files live in a directory of our own, so a failed export
    leaves nothing behind (the workbook is then not saved)."""
    with tempfile.TemporaryDirectory(prefix="xlsx-") as tmpdir:
        workbook = xlsxwriter.Workbook(
            os.fspath(out) if isinstance(out, os.PathLike) else out,
            {**options, "constant_memory": constant_memory, "tmpdir": tmpdir, **XLSXWRITER_SAFE_OPTIONS},
        )
        yield workbook
        workbook.close()


def xlsxwriter_formats(workbook: xlsxwriter.Workbook) -> dict:
    """The number formats `xlsxwriter_row` needs, registered once per workbook."""
    return {"datetime": workbook.add_format({"num_format": DATETIME_FORMAT}),
            "date": workbook.add_format({"num_format": DATE_FORMAT})}


def xlsxwriter_row(worksheet, row_index: int, values: Iterable, formats: dict, cell_format=None) -> None:
    """One row (0-based `row_index`) through THE rule: a str with write_string
    (never write(): text stays text), bool/int/float/Decimal as numbers,
    datetime/date with the date formats, None or "" as no cell, anything else as
    its str(). `cell_format` styles the non-date cells (a header row).
    Excel's limits hold: a row past 1,048,576 is an error, not a silent loss;
    text longer than 32,767 characters is cut there (XlsxWriter; Excel holds no more).
    Control characters XML can carry (a carriage return) go in OOXML's _xHHHH_ escape,
    which Excel and WPS decode (openpyxl's reader shows it as it is)."""
    if row_index >= XLSX_MAX_ROWS:
        raise ValueError(f"超过 Excel 工作表行数上限（{XLSX_MAX_ROWS:,} 行）")
    write_string, write_number = worksheet.write_string, worksheet.write_number
    for col, value in enumerate(values):
        if value is None or value == "":
            continue
        if isinstance(value, str):
            write_string(row_index, col, safe_text(value), cell_format)
        elif isinstance(value, bool):
            worksheet.write_boolean(row_index, col, value, cell_format)
        elif isinstance(value, (int, float)):
            write_number(row_index, col, value, cell_format)
        elif isinstance(value, Decimal):
            write_number(row_index, col, float(value), cell_format)
        elif isinstance(value, dt.datetime):
            worksheet.write_datetime(row_index, col, value, formats["datetime"])
        elif isinstance(value, dt.date):
            worksheet.write_datetime(row_index, col, value, formats["date"])
        else:  # a lazy label, a UUID…: its text, as text
            write_string(row_index, col, safe_text(str(value)), cell_format)


# ---------------------------------------------------------------- plain tables


def csv_value(value) -> str:
    """One CSV field: None as empty, formula-like text with a leading apostrophe."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return str(value)  # a number is a number: -5 stays -5
    return "'" + value if looks_like_formula(value) else value


def table_csv(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """A header row and rows as CSV, UTF-8 with a BOM (so Excel reads the Chinese)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([csv_value(h) for h in headers])
    for row in rows:
        writer.writerow([csv_value(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def table_xlsx(headers: Sequence[str], rows: Iterable[Sequence], *, title: str = "Sheet1") -> bytes:
    """A header row (bold, frozen) and rows as .xlsx, every cell through `safe_cell`."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31] or "Sheet1")
    sheet.freeze_panes = "A2"
    widths = [max(8, min(40, len(str(h)) * 2 + 4)) for h in headers]
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    sheet.append([safe_cell(sheet, h, font=bold) for h in headers])
    for row in rows:
        sheet.append([None if v is None or v == "" else safe_cell(sheet, v, alignment=wrap) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
