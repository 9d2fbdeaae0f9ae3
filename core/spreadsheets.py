"""The one way the portal writes spreadsheet cells: user text is written as
text, never as a formula.

A value starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
(or the full-width ``＝``, ``＋``, ``－``, ``＠`` that WPS with a Chinese input
method accepts) may be run by Excel or WPS as a formula (formula / CSV
injection: ``=HYPERLINK("http://evil.example/","详见附件")``).

- **.xlsx**: every ``str`` is an explicit string cell (``data_type = "s"``,
  written as an inline string). The reader sees exactly the text that was
  typed; nothing is added. (openpyxl by itself turns a string starting with
  ``=`` into a formula.)
- **.csv** has no types: a value that starts with one of the characters above
  gets the conventional leading apostrophe (``'=1+1``), which Excel and WPS
  show as text and never evaluate (the apostrophe is visible: CSV cannot do
  better). Only a lone ``-`` is left alone; numbers the portal writes as
  numbers (not text) are never prefixed. Importing such a CSV back keeps the
  apostrophe (it is what the file says); the .xlsx round-trips unchanged.

Every writer goes through here: the official report (reports/excel.py), the
big export (reports/bigexport.py, whose fast row writer calls `safe_text`),
the roster export (`table_xlsx` / `table_csv` over django-import-export's
dataset) and `manage.py export_plan` (`harden_workbook`).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

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
