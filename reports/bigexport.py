"""The big export: every progress report the user may read, every version
(the report history: versions, corrections, submission, review, approval and
return), hundreds of thousands of rows, written by XlsxWriter in constant_memory mode.

Memory stays flat: the reports are streamed from the database
(`values_list(...).iterator(chunk_size=...)`, a server-side cursor on
PostgreSQL), the few small tables that label them (assignments, periods,
users) are loaded once into dicts, and XlsxWriter writes each row to its
temporary file as the next one starts, with strings inline (no shared-strings
table). Only the header row is styled; freeze panes, widths and the print
titles are set before the first row, as constant_memory requires. Every row
goes through core.spreadsheets.xlsxwriter_row: text is a string cell, never a
formula. (XlsxWriter rather than openpyxl's write-only mode: about 1.4× as
fast, through public API only; README, Performance.)
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connections
from django.db.models import DateTimeField, F, Func, QuerySet, Value

from core.spreadsheets import xlsxwriter_formats, xlsxwriter_row, xlsxwriter_workbook
from progress.models import ProgressReport, ReportingPeriod
from tasks.labels import item_label
from tasks.models import Assignment

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
        label = item_label(kind, number)
        assignments[pk] = (doc or title, label, task_title, dept, role_labels.get(role, role))
    period_labels = dict(
        ReportingPeriod.objects.filter(pk__in=queryset.values("period_id")).values_list("pk", "label")
    )
    return assignments, period_labels


_TIME_FIELDS = ("submitted_at", "last_submitted_at", "reviewed_at", "approved_at")


def _local_times(queryset: QuerySet) -> tuple[QuerySet, tuple[str, ...]]:
    """On PostgreSQL the database hands back local wall-clock times (timezone(zone, t)),
    which are written as they are; elsewhere Python converts them."""
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


def new_history_sheet(workbook, title: str = "进展报告"):
    """The history's worksheet in an XlsxWriter workbook (core.spreadsheets.xlsxwriter_workbook),
    laid out as the export always was: widths, frozen styled header, print titles,
    landscape A4 fitted to width — all set before the first row, as constant_memory
    requires. Returns (worksheet, formats) for `xlsxwriter_row`; the header is row 0."""
    sheet = workbook.add_worksheet(title)
    for i, (_, width) in enumerate(HISTORY_COLUMNS):
        # XlsxWriter takes the width Excel shows and adds 5 px of padding; minus that, the file
        # holds the same width openpyxl wrote before (22 stays 22).
        sheet.set_column(i, i, (width * 7 - 5) / 7)
    sheet.freeze_panes(1, 0)
    sheet.repeat_rows(0)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    header_format = workbook.add_format({
        "font_name": "宋体", "bold": True, "pattern": 1, "bg_color": "#D9E1F2", "border": 1,
        "align": "center", "valign": "vcenter", "text_wrap": True,
    })
    formats = xlsxwriter_formats(workbook)
    xlsxwriter_row(sheet, 0, [name for name, _ in HISTORY_COLUMNS], formats, header_format)
    return sheet, formats


def write_history(rows: Iterable[tuple], out, *, progress: Callable[[int], None] | None = None,
                  every: int = PROGRESS_EVERY) -> int:
    """Write the rows to `out` (a path or a binary file); returns the row count.
    `progress(n)` is called every `every` rows, and once more when the file is saved."""
    count = 0
    with xlsxwriter_workbook(out) as workbook:
        workbook.set_properties({"author": "渝中区婴幼儿照护服务督办平台"})
        sheet, formats = new_history_sheet(workbook)
        next_mark = every
        for row in rows:
            count += 1
            xlsxwriter_row(sheet, count, row, formats)
            if count == next_mark:
                next_mark += every
                if progress is not None:
                    progress(count)
    if progress is not None:
        progress(count)
    return count
