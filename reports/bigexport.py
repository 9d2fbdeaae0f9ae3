"""The big export: every progress report the user may read, every version
(the report history: versions, corrections, submission, review, approval and
return), hundreds of thousands of rows, in openpyxl's write-only mode.

Memory stays flat: the reports are streamed from the database
(`values_list(...).iterator(chunk_size=...)`, a server-side cursor on
PostgreSQL), the few small tables that label them (assignments, periods,
users) are loaded once into dicts, and openpyxl writes each row to its
temporary file as it comes, with strings inline (no shared-strings table).
Only the header row is styled; freeze panes, widths and the print titles are
set before the first row, as write-only mode requires. Text is written as text,
never as a formula (core.spreadsheets): the fast row writer calls `safe_text`
for every string and writes it as an inline string; without it, every row goes
through `safe_row`.
"""
from __future__ import annotations

import datetime as dt
import types
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connections
from django.db.models import DateTimeField, F, Func, QuerySet, Value
from lxml.etree import Element, SubElement
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.compat import safe_string
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.worksheet import Worksheet

from core.spreadsheets import safe_cell, safe_row, safe_text
from progress.models import ProgressReport, ReportingPeriod
from tasks.models import Assignment, WorkItem

HISTORY_COLUMNS = [
    ("方案", 22), ("序号", 8), ("工作内容", 24), ("单位", 18), ("职责", 9), ("报送周期", 12), ("版本", 6),
    ("状态", 12), ("完成进度（%）", 10), ("本期进展", 50), ("存在问题", 30), ("下步打算", 30),
    ("首次提交时间", 17), ("最近提交时间", 17), ("审核时间", 17), ("通过时间", 17), ("退回原因", 24), ("更正原因", 24),
]
REPORT_FIELDS = (
    "assignment_id", "period_id", "version", "state", "percent", "progress", "problems", "next_steps",
    "submitted_at", "last_submitted_at", "reviewed_at", "approved_at", "return_reason", "correction_reason",
)
CHUNK_SIZE = 2000
PROGRESS_EVERY = 5000


def history_queryset(*, user, plan_id: int | None = None, department_id: int | None = None) -> QuerySet:
    """The reports the export holds: what the user may read (drafts are their
    unit's own), optionally one plan or one unit."""
    queryset = ProgressReport.objects.for_user(user)
    if plan_id:
        queryset = queryset.filter(assignment__task__plan_id=plan_id)
    if department_id:
        queryset = queryset.filter(assignment__department_id=department_id)
    return queryset


def _labels(queryset: QuerySet) -> tuple[dict, dict]:
    """The small tables, once: assignment id → its 5 label cells; period id → label."""
    role_labels = dict(Assignment.Role.choices)
    assignments = {}
    for v in Assignment.objects.filter(pk__in=queryset.values("assignment_id")).values_list(
        "pk", "task__plan__document_number", "task__plan__title", "task__kind", "task__number", "task__title",
        "department__name", "role",
    ):
        pk, doc, title, kind, number, task_title, dept, role = v
        label = str(number) if kind == WorkItem.Kind.TASK else f"保障措施{number}"
        assignments[pk] = (doc or title, label, task_title, dept, role_labels.get(role, role))
    period_labels = dict(
        ReportingPeriod.objects.filter(pk__in=queryset.values("period_id")).values_list("pk", "label")
    )
    return assignments, period_labels


_TIME_FIELDS = ("submitted_at", "last_submitted_at", "reviewed_at", "approved_at")


def _local_times(queryset: QuerySet) -> tuple[QuerySet, tuple[str, ...]]:
    """On PostgreSQL the database hands back local wall-clock times (timezone(zone, t)),
    which openpyxl takes as they are; elsewhere Python converts them."""
    if connections[queryset.db].vendor != "postgresql":
        return queryset, REPORT_FIELDS
    zone = Value(settings.TIME_ZONE)
    local = {f"_local_{name}": Func(zone, F(name), function="timezone", output_field=DateTimeField())
             for name in _TIME_FIELDS}
    fields = tuple(f"_local_{name}" if name in _TIME_FIELDS else name for name in REPORT_FIELDS)
    return queryset.annotate(**local), fields


def history_rows(queryset: QuerySet, *, chunk_size: int = CHUNK_SIZE) -> Iterator[tuple]:
    """The export's rows, streamed in (assignment, period, version) order."""
    assignments, period_labels = _labels(queryset)
    states = dict(ProgressReport.State.choices)
    blank = ("", "", "", "", "")
    queryset, fields = _local_times(queryset.order_by("assignment_id", "period_id", "version"))
    in_python = fields == REPORT_FIELDS
    tz = ZoneInfo(settings.TIME_ZONE)

    def local(value: dt.datetime | None):
        return value.astimezone(tz).replace(tzinfo=None) if value is not None else None

    for (assignment_id, period_id, version, state, percent, progress, problems, next_steps,
         submitted, last_submitted, reviewed, approved, return_reason, correction_reason) in (
            queryset.values_list(*fields).iterator(chunk_size=chunk_size)):
        if in_python:
            submitted, last_submitted, reviewed, approved = (
                local(submitted), local(last_submitted), local(reviewed), local(approved))
        yield (
            *assignments.get(assignment_id, blank), period_labels.get(period_id, ""), version,
            states.get(state, state), percent, progress, problems, next_steps,
            submitted, last_submitted, reviewed, approved, return_reason, correction_reason,
        )


def new_history_sheet(workbook: Workbook, title: str = "进展报告", *, fast: bool = False):
    """A write-only sheet laid out for the history: widths, frozen header, print
    titles, landscape A4 fitted to width — all set before the first row."""
    sheet = workbook.create_sheet(title)
    for i, (_, width) in enumerate(HISTORY_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    side = Side(style="thin")
    border = Border(left=side, right=side, top=side, bottom=side)
    font, fill = Font(name="宋体", bold=True), PatternFill("solid", fgColor="FFD9E1F2")
    align = Alignment(horizontal="center", vertical="center", wrap_text=True)
    header = [safe_cell(sheet, name, font=font, fill=fill, border=border, alignment=align)
              for name, _ in HISTORY_COLUMNS]
    if not (fast and install_fast_rows(sheet)):
        # openpyxl's own append would turn "=…" into a formula: every row through safe_row.
        plain_append = sheet.append
        sheet.append = lambda values: plain_append(safe_row(sheet, values))
    sheet.append(header)  # styled cells: openpyxl's own cell writer, in the same stream
    return sheet


XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def install_fast_rows(sheet) -> bool:
    """Write each appended row as one XML element straight into the write-only
    sheet's stream, instead of one openpyxl Cell (and one lxml context) per
    value: about twice as fast, same file. It relies on openpyxl's write-only
    internals (`_write_rows`, `_writer.xf`; openpyxl is pinned, and
    tests/reports/test_bigexport.py compares the output with openpyxl's own);
    without them it returns False and the sheet appends the ordinary way.

    Values: str (inline string, never a formula: core.spreadsheets.safe_text; edge spaces kept),
    bool, int/float/Decimal, datetime/date (the workbook's date style), None
    or "" (no cell). Anything else is written as its str()."""
    if not (hasattr(sheet, "_write_rows") and hasattr(sheet, "_get_writer")):
        return False
    # Probe cells register openpyxl's own date and date-time number formats.
    datetime_style = str(WriteOnlyCell(sheet, value=dt.datetime(2000, 1, 1)).style_id)
    date_style = str(WriteOnlyCell(sheet, value=dt.date(2000, 1, 1)).style_id)
    letters = [get_column_letter(i) for i in range(1, 200)]

    def _write_rows(self):
        xf = self._writer.xf.send(True)
        with xf.element("sheetData"):
            row_idx = 1
            try:
                while True:
                    values = yield
                    if any(isinstance(v, Cell) for v in values):  # styled cells: openpyxl's way
                        self._writer.write_row(xf, self._values_to_row(values, row_idx), row_idx)
                        row_idx += 1
                        continue
                    r = str(row_idx)
                    row = Element("row", r=r)
                    for col, value in enumerate(values):
                        if value is None or value == "":
                            continue
                        ref = letters[col] + r
                        if isinstance(value, str):
                            value = safe_text(value)
                            cell = SubElement(row, "c", r=ref, t="inlineStr")
                            text = SubElement(SubElement(cell, "is"), "t")
                            text.text = value
                            if value[:1].isspace() or value[-1:].isspace():
                                text.set(XML_SPACE, "preserve")
                        elif isinstance(value, bool):
                            SubElement(SubElement(row, "c", r=ref, t="b"), "v").text = "1" if value else "0"
                        elif isinstance(value, (int, float, Decimal)):
                            SubElement(SubElement(row, "c", r=ref, t="n"), "v").text = safe_string(value)
                        elif isinstance(value, dt.datetime):
                            cell = SubElement(row, "c", r=ref, s=datetime_style, t="n")
                            SubElement(cell, "v").text = safe_string(to_excel(value))
                        elif isinstance(value, dt.date):
                            cell = SubElement(row, "c", r=ref, s=date_style, t="n")
                            SubElement(cell, "v").text = safe_string(to_excel(value))
                        else:
                            cell = SubElement(row, "c", r=ref, t="inlineStr")
                            SubElement(SubElement(cell, "is"), "t").text = safe_text(str(value))
                    xf.write(row)
                    row_idx += 1
            except GeneratorExit:
                pass
        self._writer.xf.send(None)

    sheet._write_rows = types.MethodType(_write_rows, sheet)
    return True


def write_history(rows: Iterable[tuple], out, *, progress: Callable[[int], None] | None = None,
                  every: int = PROGRESS_EVERY, fast: bool = True) -> int:
    """Write the rows to `out` (a path or a binary file); returns the row count.
    `progress(n)` is called every `every` rows."""
    workbook = Workbook(write_only=True)
    workbook.properties.creator = "渝中区婴幼儿照护服务督办平台"
    sheet = new_history_sheet(workbook, fast=fast)
    append = sheet.append
    count = 0
    next_mark = every
    for row in rows:
        append(row)
        count += 1
        if count == next_mark:
            next_mark += every
            if progress is not None:
                progress(count)
    workbook.save(out)
    if progress is not None:
        progress(count)
    return count
