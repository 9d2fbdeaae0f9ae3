"""Progress reports: write, submit, approve, return, correct.

Reviews lock the report row (select_for_update) and check its state inside the transaction: of two reviewers
acting at once exactly one wins; the other gets a StateConflict with a Chinese message naming what happened."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from audit.models import ObjectChange
from audit.services import change_record, snapshot
from core import clock
from core.service_calls import StateConflict  # in core: the views' one helper tells it apart
from tasks.models import Assignment

from .. import rules
from . import events
from ..models import ProgressReport, ReportFile, ReportingPeriod, ReportTransition
from .evidence import check_uploads, files_attach, files_comment, files_removed_on_error
from .guards import local_time, require, require_open
from .reporting_periods import period_row

State = ProgressReport.State



def _clean_report_fields(*, progress: str, percent) -> tuple[str, int]:
    errors = {}
    progress = (progress or "").strip()
    if not progress:
        errors["progress"] = "请填写本期进展。"
    try:
        percent = int(percent)
    except (TypeError, ValueError):
        percent = -1
    if not 0 <= percent <= 100:
        errors["percent"] = "完成进度应为 0 到 100 之间的整数。"
    if errors:
        raise ValidationError(errors)
    return progress, percent


def _transition(report: ProgressReport, *, from_state: str, to_state: str, actor, at: dt.datetime,
                comment: str = "") -> ReportTransition:
    return ReportTransition.objects.create(
        report=report, assignment_id=report.assignment_id, from_state=from_state, to_state=to_state,
        actor=actor, at=at, comment=comment,
    )


def _locked_report(report: ProgressReport) -> ProgressReport:
    return (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("assignment__task__plan", "assignment__department", "period")
        .get(pk=report.pk)
    )


def _conflict(report: ProgressReport, attempted: str) -> StateConflict:
    last = report.transitions.select_related("actor").order_by("-at", "-id").first()
    if last is not None and last.to_state != State.DRAFT:
        who = str(last.actor) if last.actor else "系统"
        return StateConflict(
            f"操作未执行：该报告已由{who}于{local_time(last.at)}{last.action_label}，"
            f"当前状态为“{report.get_state_display()}”，不能再{attempted}。请刷新页面查看最新情况。",
            code="state_conflict",
        )
    return StateConflict(
        f"操作未执行：该报告当前状态为“{report.get_state_display()}”，不能{attempted}。", code="state_conflict"
    )


@transaction.atomic
def report_create(
    *,
    actor,
    assignment: Assignment,
    period: ReportingPeriod | dt.date,
    progress: str,
    percent: int,
    problems: str = "",
    next_steps: str = "",
    files: Sequence = (),
    submit: bool = False,
) -> ProgressReport:
    """A unit's report for one period, as a draft (or submitted at once)."""
    require_open(assignment.task.plan)
    require(rules.can_write_report(actor, assignment), "只有本单位的填报员可以填报本任务的进展。")
    period = period_row(assignment.task.plan, period)
    if period.plan_id != assignment.task.plan_id:
        raise ValidationError("报送周期不属于该任务所在的实施方案。")
    if period.start > clock.today():
        raise ValidationError(f"{period.label}尚未开始，不能提前填报。")
    progress, percent = _clean_report_fields(progress=progress, percent=percent)
    kinds = check_uploads(files, field="evidence")
    existing = ProgressReport.objects.filter(assignment=assignment, period=period).order_by("-version").first()
    if existing is not None:
        raise ValidationError(f"{period.label}已有进展报告（第{existing.version}版），请在原报告上修改或发起更正。")
    now = clock.now()
    with files_removed_on_error() as saved:
        report = ProgressReport(
            assignment=assignment, period=period, version=1, state=State.DRAFT,
            progress=progress, percent=percent, problems=problems.strip(), next_steps=next_steps.strip(),
            created_by=actor, created_at=now, updated_at=now,
        )
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:
            raise ValidationError(f"{period.label}的进展报告刚刚已由他人创建，请刷新后在原报告上修改。") from None
        _transition(report, from_state="", to_state=State.DRAFT, actor=actor, at=now)
        files_attach(ReportFile, files, kinds, folder="evidence", saved=saved,
                     report=report, uploaded_by=actor, uploaded_at=now)
        change_record(actor=actor, instance=report, action=ObjectChange.Action.CREATE,
                      comment=files_comment(files, "上传佐证材料"))
        if submit:
            report = report_submit(actor=actor, report=report)
    return report


@transaction.atomic
def report_update(
    *,
    actor,
    report: ProgressReport,
    progress: str,
    percent: int,
    problems: str = "",
    next_steps: str = "",
    add_files: Sequence = (),
    remove_file_ids: Sequence[int] = (),
) -> ProgressReport:
    """Edit a draft or a returned report (an approved one is corrected instead)."""
    report = _locked_report(report)
    require_open(report.assignment.task.plan)
    require(rules.can_write_report(actor, report.assignment), "只有本单位的填报员可以修改本报告。")
    if not report.is_editable:
        raise _conflict(report, "修改")
    progress, percent = _clean_report_fields(progress=progress, percent=percent)
    kinds = check_uploads(add_files, field="evidence")
    before = snapshot(report)
    now = clock.now()
    report.progress, report.percent = progress, percent
    report.problems, report.next_steps = problems.strip(), next_steps.strip()
    report.updated_at = now
    report.save(update_fields=["progress", "percent", "problems", "next_steps", "updated_at"])
    notes = []
    removed = list(report.files.filter(pk__in=list(remove_file_ids)))
    if removed:
        # Rows only: a stored file may be shared with an earlier version of the report.
        ReportFile.objects.filter(pk__in=[f.pk for f in removed]).delete()
        notes.append("删除佐证材料：" + "、".join(f.original_name for f in removed))
    with files_removed_on_error() as saved:
        files_attach(ReportFile, add_files, kinds, folder="evidence", saved=saved,
                     report=report, uploaded_by=actor, uploaded_at=now)
        if add_files:
            notes.append(files_comment(add_files, "上传佐证材料"))
        change_record(actor=actor, instance=report, action=ObjectChange.Action.UPDATE, before=before,
                      comment="；".join(notes))
    return report


@transaction.atomic
def report_submit(*, actor, report: ProgressReport, comment: str = "") -> ProgressReport:
    """draft → submitted; returned → resubmitted (back to the unit's leader)."""
    report = _locked_report(report)
    require_open(report.assignment.task.plan)
    require(rules.can_write_report(actor, report.assignment), "只有本单位的填报员可以提交本报告。")
    if report.state == State.DRAFT:
        target = State.SUBMITTED
    elif report.state == State.RETURNED:
        target = State.RESUBMITTED
    else:
        raise _conflict(report, "提交")
    before = snapshot(report)
    now = clock.now()
    source = report.state
    report.state = target
    report.submitted_by = actor
    report.submitted_at = report.submitted_at or now
    report.last_submitted_at = now
    report.save(update_fields=["state", "submitted_by", "submitted_at", "last_submitted_at"])
    _transition(report, from_state=source, to_state=target, actor=actor, at=now, comment=comment)
    change_record(actor=actor, instance=report, action=ObjectChange.Action.TRANSITION, before=before,
                  comment=comment or ("重新提交" if target == State.RESUBMITTED else "提交审核"))
    events.report_submitted(report=report, actor=actor)
    return report


def _review(report: ProgressReport, *, actor, allowed, refused: str, attempted: str, to_state: str, comment: str,
            history: str, stamped: tuple[str, ...] = (), **fields) -> ProgressReport:
    """One review step, on the locked row: plan open, reviewer allowed (`allowed(actor, report)`), the report still
    reviewable (else a StateConflict); then its new state, transition and history, all at one moment."""
    report = _locked_report(report)
    require_open(report.assignment.task.plan)
    require(allowed(actor, report), refused)
    if not report.is_reviewable:
        raise _conflict(report, attempted)
    before = snapshot(report)
    now = clock.now()
    source = report.state
    report.state, report.reviewed_by, report.reviewed_at = to_state, actor, now
    for name in stamped:
        setattr(report, name, now)
    for name, value in fields.items():
        setattr(report, name, value)
    report.save(update_fields=["state", "reviewed_by", "reviewed_at", *stamped, *fields])
    _transition(report, from_state=source, to_state=to_state, actor=actor, at=now, comment=comment)
    change_record(actor=actor, instance=report, action=ObjectChange.Action.TRANSITION, before=before, comment=history)
    events.report_reviewed(report=report, actor=actor)
    return report


@transaction.atomic
def report_approve(*, actor, report: ProgressReport, comment: str = "") -> ProgressReport:
    """The unit's leader approves: from now on the report counts."""
    return _review(report, actor=actor, allowed=rules.can_approve_report, refused="只有本单位的审核人可以审核通过本报告。",
                   attempted="审核通过", to_state=State.APPROVED, comment=comment, history=comment or "审核通过",
                   stamped=("approved_at",))


@transaction.atomic
def report_return(*, actor, report: ProgressReport, reason: str) -> ProgressReport:
    """The unit's leader (or the coordinator) returns a report, with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "退回时必须填写退回原因。"})
    return _review(report, actor=actor, allowed=rules.can_return_report, refused="您无权退回本报告。", attempted="退回",
                   to_state=State.RETURNED, comment=reason, history=f"退回：{reason}", return_reason=reason)


@transaction.atomic
def report_correct(*, actor, report: ProgressReport, reason: str) -> ProgressReport:
    """An approved report is never edited: a correction is its next version,
    a draft carrying the same content and evidence, which goes through review
    again. Until it is approved, the approved version keeps counting."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写更正原因。"})
    report = _locked_report(report)
    require_open(report.assignment.task.plan)
    require(rules.can_write_report(actor, report.assignment), "只有本单位的填报员可以更正本报告。")
    if report.state != State.APPROVED:
        raise _conflict(report, "更正")
    siblings = ProgressReport.objects.filter(assignment_id=report.assignment_id, period_id=report.period_id)
    if siblings.exclude(state=State.APPROVED).exists():
        raise ValidationError("本期已有正在处理中的更正版本，请在该版本上修改。")
    latest = siblings.aggregate(v=Max("version"))["v"]
    if latest != report.version:
        raise ValidationError(f"只能更正最新版本（第{latest}版）。")
    now = clock.now()
    correction = ProgressReport(
        assignment=report.assignment, period=report.period, version=report.version + 1,
        supersedes=report, correction_reason=reason, state=State.DRAFT,
        progress=report.progress, percent=report.percent, problems=report.problems, next_steps=report.next_steps,
        created_by=actor, created_at=now, updated_at=now,
    )
    try:
        with transaction.atomic():
            correction.save()
    except IntegrityError:
        raise ValidationError("本期已有正在处理中的更正版本，请刷新后查看。") from None
    ReportFile.objects.bulk_create(
        ReportFile(
            report=correction, file=f.file.name, original_name=f.original_name, content_type=f.content_type,
            size=f.size, uploaded_by=f.uploaded_by, uploaded_at=f.uploaded_at,
        )
        for f in report.files.all()
    )
    _transition(correction, from_state="", to_state=State.DRAFT, actor=actor, at=now,
                comment=f"更正第{report.version}版：{reason}")
    change_record(actor=actor, instance=correction, action=ObjectChange.Action.CREATE,
                  comment=f"更正第{report.version}版：{reason}")
    change_record(actor=actor, instance=report, action=ObjectChange.Action.UPDATE,
                  comment=f"已发起更正，新版本为第{correction.version}版：{reason}")
    return correction
