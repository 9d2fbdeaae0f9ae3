"""Roster import: upload, a dry run with a preview (nothing written), then all rows or none."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from core import clock
from core.uploads import XLSX, check_file_name, detect_kind

from .. import rules
from ..models import Institution, RosterImport
from ..resources import InstitutionRosterResource
from ..roster import RosterFileError, read_roster
from .registrations import institutions_register_bulk


@dataclass
class RowProblem:
    line: int
    messages: list[str]

    def __str__(self) -> str:
        return f"第{self.line}行：" + "；".join(self.messages) + "。"


@dataclass
class RosterReport:
    """What a roster holds: problems per row (by the file's own row numbers),
    a preview of the first valid rows, and how many rows were imported."""

    total_rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    file_error: str = ""
    preview: list[Institution] = field(default_factory=list)
    imported: int = 0

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.problems


PREVIEW_ROWS = 20


def roster_upload(*, actor, upload) -> RosterImport:
    """Keep an uploaded roster (.xlsx or .csv, checked by content) for its
    dry run and confirmation. Stored in the default storage: every host sees it."""
    if not rules.can_import_roster(actor):
        raise PermissionDenied("只有登记机关或区卫生健康委可以导入名册。")
    return roster_file_keep(actor=actor, upload=upload)


def roster_file_keep(*, actor, upload) -> RosterImport:
    """Check an uploaded table (.xlsx or .csv, by content, size, name) and keep it for its dry run
    and confirmation; the caller has checked who uploads. Also the enrolment import's."""
    try:
        name = check_file_name(upload.name)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ("xlsx", "csv"):
        raise ValidationError({"file": ["请上传 Excel（.xlsx）或 CSV 文件。"]})
    if upload.size > settings.ROSTER_MAX_BYTES:
        raise ValidationError({"file": [f"文件超过 {settings.ROSTER_MAX_BYTES // (1024 * 1024)} MB 的上限，请分批导入。"]})
    if not upload.size:
        raise ValidationError({"file": ["文件是空的。"]})
    kind = detect_kind(upload)
    if extension == "xlsx" and kind is not XLSX:
        raise ValidationError({"file": ["文件内容不是 Excel（.xlsx），请另存为 .xlsx 后重新上传。"]})
    if extension == "csv" and kind is not None:
        raise ValidationError({"file": ["文件内容不是 CSV 文本，请检查文件。"]})
    now = clock.local(clock.now())
    roster = RosterImport(original_name=name, uploaded_by=actor)
    roster.file.save(f"rosters/{now:%Y/%m}/{uuid.uuid4().hex}.{extension}", upload, save=False)
    roster.save()
    return roster


def _roster_validate(*, roster: RosterImport, actor) -> tuple[RosterReport, list[Institution]]:
    report = RosterReport()
    try:
        with roster.file.open("rb") as handle:
            table = read_roster(handle, filename=roster.original_name)
    except RosterFileError as exc:
        report.file_error = str(exc)
        return report, []
    resource = InstitutionRosterResource(actor=actor, line_numbers=table.line_numbers)
    result = resource.import_data(table.dataset, dry_run=True, raise_errors=False)
    report.total_rows = len(table.dataset)
    problems: dict[int, list[str]] = {}
    for invalid in result.invalid_rows:
        line = resource.line_of(invalid.number)
        for messages in invalid.error_dict.values():
            problems.setdefault(line, []).extend(str(m) for m in messages)
    for number, errors in result.row_errors():
        problems.setdefault(resource.line_of(number), []).extend(f"无法读取（{e.error}）" for e in errors)
    if result.base_errors:
        report.file_error = "；".join(str(e.error) for e in result.base_errors)
    report.problems = [RowProblem(line, messages) for line, messages in sorted(problems.items())]
    report.preview = resource.valid_instances[:PREVIEW_ROWS]
    return report, resource.valid_instances


def roster_preview(*, roster: RosterImport, actor) -> RosterReport:
    """The dry run: every row checked, nothing written."""
    report, _ = _roster_validate(roster=roster, actor=actor)
    roster.row_count = report.total_rows
    roster.error_count = len(report.problems)
    roster.save(update_fields=["row_count", "error_count"])
    return report


@transaction.atomic
def roster_import(*, roster: RosterImport, actor) -> RosterReport:
    """All or nothing: every row is validated first; only if all are valid are
    they written, in bulk, in this one transaction."""
    roster = RosterImport.objects.select_for_update().get(pk=roster.pk)
    if roster.status == RosterImport.Status.IMPORTED:
        raise ValidationError("该名册已经导入，不能重复导入。")
    if roster.uploaded_by_id != actor.pk:
        raise PermissionDenied("只能确认自己上传的名册。")
    report, instances = _roster_validate(roster=roster, actor=actor)
    roster.row_count, roster.error_count = report.total_rows, len(report.problems)
    if not report.ok:
        roster.status = RosterImport.Status.REJECTED
        roster.save(update_fields=["status", "row_count", "error_count"])
        return report
    try:
        with transaction.atomic():
            report.imported = institutions_register_bulk(actor=actor, institutions=instances, roster=roster)
    except IntegrityError:
        report.file_error = "导入时发现统一社会信用代码已被登记（可能有人同时导入），未保存任何数据，请重新上传预览。"
        report.imported = 0
        return report
    roster.status = RosterImport.Status.IMPORTED
    roster.imported_at = clock.now()
    roster.save(update_fields=["status", "row_count", "error_count", "imported_at"])
    return report
