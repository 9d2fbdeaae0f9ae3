"""The monthly enrolment of several institutions from one table (统一社会信用代码, 月份, 乳儿班, 托小班,
托大班, 混合班): the roster import's machinery — the file kept and checked (roster_file_keep), read
safely (roster.read_rows), every row checked first with its row number (第N行), then all rows
written in one transaction or none."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core import clock
from core.xlsx import cell_text

from .. import rules
from ..forms_care import ENROLMENT_COLUMNS, parse_month
from ..models import Institution, RosterImport
from ..models_enrolment import ENROLMENT_CLASS_FIELDS
from ..roster import RosterFileError, read_rows
from ..validators import normalise_credit_code
from .care import enrolment_problems, enrolments_import_bulk
from .roster import PREVIEW_ROWS, RosterReport, RowProblem, roster_file_keep

MAX_HEADER_SCAN = 10


def enrolment_upload(*, actor, upload) -> RosterImport:
    if not rules.can_import_enrolment(actor):
        raise PermissionDenied("只有区卫生健康委可以批量导入在托人数。")
    return roster_file_keep(actor=actor, upload=upload)


def _count(value, label: str, problems: list[str]) -> int:
    text = cell_text(value)
    if text == "":
        return 0
    try:
        number = float(text)
    except ValueError:
        number = -1
    if number < 0 or not number.is_integer() or number > 10_000:
        problems.append(f"{label}“{text}”应为0到10000之间的整数")
        return 0
    return int(number)


def _validate(roster: RosterImport) -> tuple[RosterReport, list[dict]]:
    report = RosterReport()
    try:
        with roster.file.open("rb") as handle:
            rows = read_rows(handle, filename=roster.original_name)
    except RosterFileError as exc:
        report.file_error = str(exc)
        return report, []
    header_at, positions = None, {}
    for offset, values in enumerate(rows[:MAX_HEADER_SCAN]):
        labels = [cell_text(v).replace(" ", "").replace("\u3000", "") for v in values]
        if "统一社会信用代码" in labels and "月份" in labels:
            header_at = offset
            positions = {label: labels.index(label) for label in ENROLMENT_COLUMNS if label in labels}
            break
    if header_at is None:
        report.file_error = f"前{MAX_HEADER_SCAN}行中找不到表头（应包含“统一社会信用代码”“月份”和各班级列）。"
        return report, []
    body = [(header_at + 2 + i, values) for i, values in enumerate(rows[header_at + 1:])
            if any(cell_text(v) != "" for v in values)]
    if not body:
        report.file_error = "表格中没有在托人数数据。"
        return report, []
    codes = {normalise_credit_code(cell_text(v[positions["统一社会信用代码"]]))
             for _, v in body if positions["统一社会信用代码"] < len(v)}
    institutions = {i.credit_code: i for i in Institution.objects.filter(credit_code__in=codes)}
    today, seen, valid, problems = clock.today(), {}, [], []

    def cell(values, label):
        index = positions.get(label)
        return values[index] if index is not None and index < len(values) else None

    for line, values in body:
        messages: list[str] = []
        code = normalise_credit_code(cell_text(cell(values, "统一社会信用代码")))
        institution = institutions.get(code)
        if institution is None:
            messages.append(f"统一社会信用代码“{code}”不在机构名册中")
        try:
            period = parse_month(cell_text(cell(values, "月份"))[:10], field="月份")
        except ValidationError as exc:
            messages.extend(exc.messages)
            period = None
        counts = {name: _count(cell(values, label), label, messages) for name, label in ENROLMENT_CLASS_FIELDS.items()}
        if institution is not None and period is not None:
            for errors in enrolment_problems(institution=institution, period=period, today=today).values():
                messages.extend(e.rstrip("。") for e in errors)
            key = (institution.pk, period)
            if key in seen:
                messages.append(f"与第{seen[key]}行重复（同一机构同一月份）")
            seen.setdefault(key, line)
        if messages:
            problems.append(RowProblem(line, messages))
        else:
            valid.append({"institution": institution, "period": period, **counts, "line": line})
    report.total_rows, report.problems = len(body), problems
    report.preview = valid[:PREVIEW_ROWS]
    return report, valid


def enrolment_preview(*, roster: RosterImport, actor) -> RosterReport:
    """The dry run: every row checked, nothing written."""
    if not rules.can_import_enrolment(actor) or roster.uploaded_by_id != actor.pk:
        raise PermissionDenied("只能预览自己上传的在托人数表。")
    report, _ = _validate(roster)
    roster.row_count, roster.error_count = report.total_rows, len(report.problems)
    roster.save(update_fields=["row_count", "error_count"])
    return report


@transaction.atomic
def enrolment_import(*, roster: RosterImport, actor) -> RosterReport:
    """All or nothing: written only when every row is valid."""
    roster = RosterImport.objects.select_for_update().get(pk=roster.pk)
    if roster.status == RosterImport.Status.IMPORTED:
        raise ValidationError("该表已经导入，不能重复导入。")
    if roster.uploaded_by_id != actor.pk:
        raise PermissionDenied("只能确认自己上传的在托人数表。")
    report, rows = _validate(roster)
    roster.row_count, roster.error_count = report.total_rows, len(report.problems)
    if not report.ok:
        roster.status = RosterImport.Status.REJECTED
        roster.save(update_fields=["status", "row_count", "error_count"])
        return report
    report.imported = enrolments_import_bulk(actor=actor, rows=rows)
    roster.status, roster.imported_at = RosterImport.Status.IMPORTED, clock.now()
    roster.save(update_fields=["status", "row_count", "error_count", "imported_at"])
    return report
