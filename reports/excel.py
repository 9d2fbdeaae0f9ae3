"""The official progress report (进展情况表) as an .xlsx, per DESIGN.md → Excel.

Sheet 1 is the annex's table (序号, 工作内容, 具体任务, 牵头单位, 责任单位, the
columns of tasks/plan_table.py) plus 状态 (cell filled red/yellow/green/grey
with the word), 完成进度, 最新进展, 存在问题, 下步打算, 报送时间; a merged title,
"统计截至 YYYY年M月D日", bold bordered headers, wrapped text, frozen header,
landscape A4 fitted to the page width with the header repeated on every page.
Sheet 2 summarises by unit, sheet 3 the institutions (for readers who see the
registry). Filters: as-of date, period, unit (and plan, when there are many).

The dashboards' download and `manage.py export_progress` both call
`build_progress_workbook`; it is 15 rows, so openpyxl's normal mode (with
merged cells) is the right tool. Big exports stream through XlsxWriter (bigexport.py).
Every value goes in through core.spreadsheets (`append_safe`, `set_safe`): text is
a string cell, never a formula, whatever a unit typed into its report.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from accounts.roles import sees_all
from agencies.models import Department
from core import clock
from core.spreadsheets import MAX_ROW_HEIGHT_PT, append_safe, row_height, set_safe
from institutions import indicators as care_indicators
from progress import periods
from progress.lights import DONE, GREEN, LABELS, RED, YELLOW, cn_date
from progress.timerules import milestone_due_soon_days, read_date, report_due_soon_days
from tasks.models import Assignment, Plan, WorkItem
from tasks.plan_table import COLUMNS as ANNEX_COLUMNS

from .department import department_for_user
from .facts import assignment_facts, on_time_months, task_lights, unit_summaries
from .institutions import institution_indicators, institutions_by_street
from .records import latest_approved, notice_counts

COLUMNS = [*ANNEX_COLUMNS, "状态", "完成进度", "最新进展", "存在问题", "下步打算", "报送时间"]
WIDTHS = [6, 18, 46, 14, 26, 13, 9, 40, 26, 26, 12]

# Cell fills of the 状态 column: the light's colour, with its word in the cell.
FILLS = {RED: "FFFF0000", YELLOW: "FFFFFF00", GREEN: "FF00B050", DONE: "FFBFBFBF"}
FONT_COLOURS = {RED: "FFFFFFFF", YELLOW: "FF000000", GREEN: "FFFFFFFF", DONE: "FF000000"}

FONT_NAME = "宋体"
BODY_SIZE, HEADER_SIZE, NOTE_SIZE = 10, 11, 9
THIN = Side(style="thin", color="FF000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="FFD9E1F2")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
WRAP_MIDDLE = Alignment(wrap_text=True, vertical="center")
WRAP_CENTRE = Alignment(wrap_text=True, horizontal="center", vertical="center")
BODY_FONT = Font(name=FONT_NAME, size=BODY_SIZE)
HEADER_FONT = Font(name=FONT_NAME, size=HEADER_SIZE, bold=True)
TITLE_FONT = Font(name=FONT_NAME, size=16, bold=True)


@dataclass
class ReportFilters:
    on: dt.date
    plan: Plan
    department: Department | None = None
    period: periods.PeriodSpec | None = None

    @property
    def subtitle(self) -> str:
        parts = [f"统计截至 {cn_date(self.on)}"]
        if self.period is not None:
            parts.append(f"报送周期：{self.period.label}")
        if self.department is not None:
            parts.append(f"单位：{self.department.name}")
        return "　　".join(parts)


def parse_period(text: str) -> dt.date | None:
    """'2026-10' or '2026-10-01' → the first day of that month."""
    text = (text or "").strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-\d{1,2})?", text)
    if not match:
        raise ValidationError("报送周期格式应为 YYYY-MM，例如 2026-10。")
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12:
        raise ValidationError("报送周期的月份应在 1–12 之间。")
    if year < dt.MINYEAR:  # "0000-01": no such year (dt.date would raise ValueError, a 500)
        raise ValidationError("报送周期的年份无效。")
    return dt.date(year, month, 1)


def resolve_filters(*, user, on: dt.date | None = None, plan_id: int | None = None,
                    department: Department | None = None, period_start: dt.date | None = None) -> ReportFilters:
    """The filters a user may use: unit staff always get their own unit;
    a plan or unit outside the user's scope is a 404. No plan: the latest in
    force. An ended plan is reported as it stood on its end date."""
    on = on or clock.today()
    plans = Plan.objects.for_user(user).published()
    plan = plans.filter(pk=plan_id).first() if plan_id else (plans.in_force(on=on).first() or plans.first())
    if plan is None:
        raise Http404("没有可导出的实施方案。")
    on = read_date(plan, on)
    if not sees_all(user):
        if department is not None and department.pk != user.department_id:
            raise Http404("没有找到该单位。")
        department = department_for_user(user=user, pk=None)
    spec = None
    if period_start is not None:
        spec = periods.period_for_start(plan, periods.period_containing(plan, period_start).start)
        if spec is None:
            raise ValidationError("该报送周期不在本方案的报送期内。")
    return ReportFilters(on=on, plan=plan, department=department, period=spec)


def report_title(plan: Plan) -> str:
    """渝中区3岁以下婴幼儿照护服务工作任务进展情况表 for the 2020 plan."""
    base = re.sub(r"^重庆市", "", plan.title or "")
    base = re.sub(r"实施方案$", "", base)
    return f"{base}任务进展情况表" if base else "任务进展情况表"


def report_filename(filters: ReportFilters) -> str:
    unit = f"_{filters.department.name}" if filters.department else ""
    period = f"_{filters.period.key}" if filters.period else ""
    return f"任务进展情况表{unit}{period}_{filters.on:%Y%m%d}.xlsx"


# ---------------------------------------------------------------- layout helpers


def _fit_row(sheet, row: int, values: list, widths: list[int], *, size: float, minimum: float = 20) -> None:
    """openpyxl cannot autofit: the height every cell's wrapped text needs (core.spreadsheets.row_height)."""
    sheet.row_dimensions[row].height = row_height(
        ((v, w, size) for v, w in zip(values, widths)), minimum=minimum)


def _title(sheet, title: str, subtitle: str, ncols: int) -> None:
    append_safe(sheet, [title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    cell = sheet.cell(row=1, column=1)
    cell.font, cell.alignment = TITLE_FONT, Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 32
    append_safe(sheet, [subtitle])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncols)
    cell = sheet.cell(row=2, column=1)
    cell.font, cell.alignment = Font(name=FONT_NAME, size=11), Alignment(horizontal="right", vertical="center")
    sheet.row_dimensions[2].height = 20


def _header(sheet, columns: list[str], widths: list[int]) -> int:
    append_safe(sheet, columns)
    row = sheet.max_row
    for col, width in enumerate(widths, start=1):
        cell = sheet.cell(row=row, column=col)
        cell.font, cell.border, cell.alignment, cell.fill = HEADER_FONT, BORDER, WRAP_CENTRE, HEADER_FILL
        sheet.column_dimensions[get_column_letter(col)].width = width
    _fit_row(sheet, row, columns, widths, size=HEADER_SIZE, minimum=28)
    return row


def _body_row(sheet, values: list, widths: list[int], *, centred: set[int] = frozenset(), top: bool = False) -> int:
    append_safe(sheet, values)
    row = sheet.max_row
    for col in range(1, len(values) + 1):
        cell = sheet.cell(row=row, column=col)
        cell.font, cell.border = BODY_FONT, BORDER
        cell.alignment = WRAP_CENTRE if col in centred else (WRAP_TOP if top else WRAP_MIDDLE)
    _fit_row(sheet, row, values, widths, size=BODY_SIZE)
    return row


def _light_cell(cell, code: str, reasons: str = "") -> None:
    """The light's word, coloured; its reasons (the lights' own, labelled as on
    the dashboards) in the cell's comment."""
    set_safe(cell.parent, row=cell.row, column=cell.column, value=LABELS[code])
    if reasons:
        cell.comment = Comment(reasons, "督办平台", width=360, height=120)
    cell.fill = PatternFill("solid", fgColor=FILLS[code])
    cell.font = Font(name=FONT_NAME, size=10, bold=True, color=FONT_COLOURS[code])
    cell.alignment = WRAP_CENTRE


def _print_setup(sheet, header_row: int, ncols: int) -> None:
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1).coordinate
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.3, footer=0.3)
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    sheet.print_area = f"A1:{get_column_letter(ncols)}{sheet.max_row}"


# ---------------------------------------------------------------- sheet 1: tasks


def _joined(reports: list, attr: str, names: dict[int, str], *, labelled: bool) -> str:
    texts = [(names[r.assignment_id], (getattr(r, attr) or "").strip()) for r in reports]
    texts = [(n, t) for n, t in texts if t]
    if not labelled:
        return texts[0][1] if texts else ""
    return "\n".join(f"【{n}】{t}" for n, t in texts)


REPORT_COLUMNS = slice(7, 10)  # 最新进展, 存在问题, 下步打算 (0-based)


def _report_chunks(reports: list, names: dict[int, str]) -> list[list]:
    """The units' entries of one task, in rows that each fit Excel's tallest row
    (409 pt): a task reported by a dozen units at length spills over several
    rows rather than being cut off at the bottom of one."""
    widths = WIDTHS[REPORT_COLUMNS]
    chunks: list[list] = [[]]
    for report in reports:
        candidate = [*chunks[-1], report]
        texts = [_joined(candidate, attr, names, labelled=True) for attr in ("progress", "problems", "next_steps")]
        needed = row_height(((t, w, BODY_SIZE) for t, w in zip(texts, widths)))
        if chunks[-1] and needed >= MAX_ROW_HEIGHT_PT:
            chunks.append([report])
        else:
            chunks[-1] = candidate
    return chunks


def _span_task_cells(sheet, first: int, last: int, fixed: list) -> None:
    """The task's own cells (序号 … 完成进度, 报送时间) merged down the rows its
    units' entries take; the rows' heights are each set by the entries, and the
    last one grows if the task's own text needs more than they add up to."""
    for col in [*range(1, len(fixed) + 1), len(COLUMNS)]:
        sheet.merge_cells(start_row=first, start_column=col, end_row=last, end_column=col)
    for row in range(first, last + 1):
        values = [sheet.cell(row=row, column=c).value for c in range(len(fixed) + 1, len(COLUMNS))]
        sheet.row_dimensions[row].height = row_height(
            ((v, w, BODY_SIZE) for v, w in zip(values, WIDTHS[len(fixed):])), minimum=20)
    own = row_height(((v, w, BODY_SIZE) for v, w in zip(fixed, WIDTHS)))
    total = sum(sheet.row_dimensions[r].height for r in range(first, last + 1))
    if own > total:
        sheet.row_dimensions[last].height = min(MAX_ROW_HEIGHT_PT, sheet.row_dimensions[last].height + own - total)


def _percent(reports: list, lead_ids: set[int]) -> float | None:
    """The lead unit's reported progress; without one, the mean of the units'."""
    if not reports:
        return None
    lead = [r for r in reports if r.assignment_id in lead_ids]
    chosen = lead or reports
    return round(sum(r.percent for r in chosen) / len(chosen)) / 100


def _task_sheet(sheet, *, user, filters: ReportFilters, facts: list, tasks: list[WorkItem]) -> None:
    sheet.title = "任务进展"
    _title(sheet, report_title(filters.plan), filters.subtitle, len(COLUMNS))
    header_row = _header(sheet, COLUMNS, WIDTHS)
    task_facts = [f for f in facts if f.task_kind == WorkItem.Kind.TASK]
    lights = task_lights(task_facts, [t.pk for t in tasks])
    scope = Assignment.objects.for_user(user).filter(pk__in=[f.pk for f in task_facts])
    latest = latest_approved(
        user=user, assignments=scope, on=filters.on,
        period_start=filters.period.start if filters.period else None,
    )
    names = {f.pk: f.department_name for f in task_facts}
    lead_ids = {f.pk for f in task_facts if f.is_lead}
    by_task: dict[int, list] = {}
    for f in task_facts:  # lead first, then the order of the annex's units
        if f.pk in latest:
            by_task.setdefault(f.task_id, []).append(latest[f.pk])
    for task in tasks:
        reports = sorted(by_task.get(task.pk, []), key=lambda r: (r.assignment_id not in lead_ids,))
        submitted = [r.last_submitted_at or r.submitted_at for r in reports if r.last_submitted_at or r.submitted_at]
        when = max(submitted) if submitted else None
        fixed = [
            task.number, task.title, task.content,
            task.lead_unit.name if task.lead_unit_id else "——", task.responsible_units_text,
            "", _percent(reports, lead_ids),
        ]
        chunks = _report_chunks(reports, names)
        first = None
        for index, chunk in enumerate(chunks):
            texts = [_joined(chunk, attr, names, labelled=len(reports) > 1)
                     for attr in ("progress", "problems", "next_steps")]
            head = fixed if index == 0 else [None] * len(fixed)
            stamp = (timezone.localtime(when).date() if when else "") if index == 0 else None
            row = _body_row(sheet, [*head, *texts, stamp], WIDTHS, centred={1, 4, 7, 11}, top=True)
            first = first or row
        if len(chunks) > 1:
            _span_task_cells(sheet, first, row, fixed)
        _light_cell(sheet.cell(row=first, column=6), lights[task.pk].code, lights[task.pk].reasons_text)
        sheet.cell(row=first, column=7).number_format = "0%"
        sheet.cell(row=first, column=11).number_format = "yyyy-mm-dd"
    if not tasks:
        append_safe(sheet, ["（无符合条件的任务）"])
    _note(sheet, WIDTHS, (
        "说明：状态为截至统计日的红黄绿灯（红灯：节点目标逾期未完成、已过截止日的报送周期无审核通过的报告或督办单逾期未答复；"
        f"黄灯：节点目标{milestone_due_soon_days()}日内到期、本期报告{report_due_soon_days()}日内截止尚未提交"
        "或最近一次报告被退回；绿灯：正常；已完成：单位完成并经确认）。"
        "最新进展等内容仅取审核通过的报告；完成进度取牵头单位的报告，无牵头单位报告时取各单位平均。"
    ))
    _print_setup(sheet, header_row, len(COLUMNS))


def _note(sheet, widths: list[int], text: str) -> None:
    """The explanatory note under a sheet's table: one wrapped row merged across
    the table (LibreOffice and Excel do not autofit merged cells: estimated here)."""
    ncols = len(widths)
    row = sheet.max_row + 2
    set_safe(sheet, row=row, column=1, value=text).font = Font(name=FONT_NAME, size=NOTE_SIZE)
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
    sheet.cell(row=row, column=1).alignment = WRAP_TOP
    sheet.row_dimensions[row].height = row_height([(text, sum(widths), NOTE_SIZE)], minimum=20)


# ---------------------------------------------------------------- sheet 2: units


UNIT_COLUMNS = ["序号", "单位", "牵头事项", "任务分工", "红灯", "黄灯", "绿灯", "已完成", "单位状态",
                "本期应报", "本期已审核通过", "逾期未报", "按时报送率", "未答复督办单"]
UNIT_WIDTHS = [6, 22, 9, 9, 7, 7, 7, 8, 13, 9, 10, 9, 10, 10]


def _unit_sheet(sheet, *, filters: ReportFilters, units: list) -> None:
    sheet.title = "分单位汇总"
    _title(sheet, "分单位汇总", filters.subtitle, len(UNIT_COLUMNS))
    header_row = _header(sheet, UNIT_COLUMNS, UNIT_WIDTHS)
    for i, unit in enumerate(units, start=1):
        counts = unit.counts
        on_time = unit.on_time_rate
        values = [
            i, unit.name, unit.leads, unit.assignments, counts[RED], counts[YELLOW], counts[GREEN], counts[DONE],
            "", unit.due_now, unit.approved_now, unit.overdue,
            float(on_time) / 100 if on_time is not None else "—", unit.open_notices,
        ]
        row = _body_row(sheet, values, UNIT_WIDTHS, centred=set(range(1, 15)) - {2})
        _light_cell(sheet.cell(row=row, column=9), unit.light.code, unit.light.reasons_text)
        sheet.cell(row=row, column=13).number_format = "0.0%"
    _note(sheet, UNIT_WIDTHS, (
        f"说明：含本方案全部督办事项（主要任务及保障措施）。按时报送率＝统计日前{on_time_months()}个月内"
        "到期的各期报告中，在截止日当日或之前提交且已审核通过的比例。"
    ))
    _print_setup(sheet, header_row, len(UNIT_COLUMNS))


# ---------------------------------------------------------------- sheet 3: institutions


INSTITUTION_COLUMNS = ["序号", "街道", "登记机构数", "已备案", "备案完成率", "备案托位数", "其中普惠性（已备案）", "示范性"]
INSTITUTION_WIDTHS = [6, 22, 11, 10, 11, 11, 13, 9]


PERCENT_LABELS = {"备案完成率", "普惠托位占已备案托位比例", "托位使用率（在托人数/托位数）"}


def care_summary(on: dt.date) -> list[tuple[str, object]]:
    """普惠, utilisation, quality and 家庭托育点 at D (institutions.indicators, the milestones' source)."""
    utilisation = care_indicators.utilisation_rate(on)
    return [
        ("普惠托位数（个）", care_indicators.inclusive_places(on)),
        ("普惠托位占已备案托位比例", float(care_indicators.inclusive_share(on)) / 100),
        ("托位使用率（在托人数/托位数）", float(utilisation) / 100 if utilisation is not None else "—"),
        ("完成质量评估（已确认）机构数（家）", care_indicators.assessed_count(on)),
        ("已备案家庭托育点（家）", care_indicators.family_point_count(on)),
    ]


def _institution_sheet(sheet, *, user, filters: ReportFilters) -> None:
    sheet.title = "托育机构汇总"
    ncols = len(INSTITUTION_COLUMNS)
    _title(sheet, "托育机构登记备案汇总", f"统计截至 {cn_date(filters.on)}", ncols)
    ind = institution_indicators(on=filters.on)
    summary = [
        ("登记机构数（家）", ind.registered), ("已备案机构数（家）", ind.filed),
        ("备案完成率", float(ind.completion_rate) / 100), ("示范性机构数（家）", ind.demonstration),
        ("已备案托位数（个）", ind.capacity),
        (f"每千人口托位数（常住人口 {ind.population:,} 人，目标 {ind.target}）", float(ind.per_thousand)),
        # Tasks 10–13's facts (issue 15), read at the report's date like the rows above.
        *care_summary(filters.on),
    ]
    for label, value in summary:
        append_safe(sheet, ["", label, "", "", value])
        row = sheet.max_row
        sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
        for col in range(2, 6):
            sheet.cell(row=row, column=col).border = BORDER
            sheet.cell(row=row, column=col).font = BODY_FONT
        sheet.cell(row=row, column=5).number_format = "0.0%" if label in PERCENT_LABELS else "#,##0.##"
        sheet.row_dimensions[row].height = 20
    sheet.append([])
    header_row = _header(sheet, INSTITUTION_COLUMNS, INSTITUTION_WIDTHS)
    rows = institutions_by_street(user=user, on=filters.on)
    for i, r in enumerate(rows, start=1):
        row = _body_row(sheet, [
            i, r["street"], r["registered"], r["filed"],
            float(r["rate"]) / 100 if r["rate"] is not None else "—", r["capacity"], r["inclusive"],
            r["demonstration"],
        ], INSTITUTION_WIDTHS, centred=set(range(1, 9)) - {2})
        sheet.cell(row=row, column=5).number_format = "0.0%"
    if rows:
        total = [sum(r[k] for r in rows) for k in ("registered", "filed", "capacity", "inclusive", "demonstration")]
        row = _body_row(sheet, [
            "", "合计", total[0], total[1], total[1] / total[0] if total[0] else "—", total[2], total[3], total[4],
        ], INSTITUTION_WIDTHS, centred=set(range(1, 9)))
        sheet.cell(row=row, column=5).number_format = "0.0%"
        for col in range(1, 9):
            sheet.cell(row=row, column=col).font = Font(name=FONT_NAME, size=10, bold=True)
    _print_setup(sheet, header_row, ncols)


# ---------------------------------------------------------------- the workbook


def build_progress_workbook(*, user, filters: ReportFilters) -> Workbook:
    """The three sheets, read through the user's scope. Fixed query count."""
    tasks = WorkItem.objects.for_user(user).filter(plan=filters.plan, kind=WorkItem.Kind.TASK)
    assignments = Assignment.objects.for_user(user).filter(task__plan=filters.plan)
    if filters.department is not None:
        assignments = assignments.filter(department=filters.department)
        tasks = tasks.filter(pk__in=assignments.values("task_id"))
    tasks = list(tasks.with_units().order_by("number"))
    facts = assignment_facts(user=user, assignments=assignments, on=filters.on)

    workbook = Workbook()
    workbook.properties.title = report_title(filters.plan)
    workbook.properties.creator = "渝中区婴幼儿照护服务督办平台"
    _task_sheet(workbook.active, user=user, filters=filters, facts=facts, tasks=tasks)
    notices = notice_counts(user=user, assignments=assignments, on=filters.on)
    _unit_sheet(workbook.create_sheet(), filters=filters, units=unit_summaries(facts, notices))
    if sees_all(user) and filters.department is None:
        _institution_sheet(workbook.create_sheet(), user=user, filters=filters)
    return workbook


def progress_workbook_bytes(*, user, filters: ReportFilters) -> bytes:
    buffer = io.BytesIO()
    build_progress_workbook(user=user, filters=filters).save(buffer)
    return buffer.getvalue()
