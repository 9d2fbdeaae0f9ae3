"""Writes of the progress domain. Each function is one business action:
keyword-only, typed, atomic, checking who may do it, writing its history
(audit.services.change_record, and ReportTransition for report steps).

Reviews lock the report row (select_for_update) and check its state inside
the transaction: of two reviewers acting at once exactly one wins; the other
gets a StateConflict with a Chinese message naming what happened."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from contextlib import contextmanager
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from audit.models import ObjectChange
from audit.services import change_record, snapshot
from core import clock
from core.uploads import FileKind, generated_name, validate_upload
from tasks.models import Assignment, Milestone, Plan, WorkItem
from tasks.services import plan_writable_check

from . import periods, rules
from .models import (
    AssignmentCompletion,
    LeadSummary,
    MilestoneFile,
    NoticeFile,
    ProgressReport,
    ReportFile,
    ReportingPeriod,
    ReportTransition,
    SupervisionNotice,
)

State = ProgressReport.State


class StateConflict(ValidationError):
    """The object changed under the user (another reviewer was faster)."""


def _require_open(plan: Plan) -> None:
    """Only a plan in force takes writes (a draft none yet, an ended plan never again)."""
    plan_writable_check(plan)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _local(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


# ---------------------------------------------------------------- periods


def periods_ensure(*, plan: Plan, through: dt.date | None = None) -> int:
    """Create the plan's reporting periods from its first through the one after
    the period containing `through` (default today). Idempotent; returns how
    many were created. Periods are calendar arithmetic (progress.periods), so
    they carry no history of their own.

    Only a plan live at `through` opens periods (tasks' `in_force`): a draft
    opens none, an ended plan none after the one containing its end date."""
    through = through or clock.today()
    plan = Plan.objects.get(pk=plan.pk)  # its lifecycle as stored, not as the caller last saw it
    if not Plan.objects.filter(pk=plan.pk).in_force(on=through).exists():
        if plan.ended_on is None or through <= plan.ended_on:
            return 0
        through = plan.ended_on  # ended: its periods through its end, nothing after
    specs = periods.periods_through(plan, through)
    if not specs:
        return 0
    if plan.ended_on is None:
        specs.append(periods.next_period(plan, specs[-1]))
    existing = set(ReportingPeriod.objects.filter(plan=plan).values_list("start", flat=True))
    new = [
        ReportingPeriod(plan=plan, start=s.start, end=s.end, due_date=s.due_date, months=s.months, label=s.label)
        for s in specs
        if s.start not in existing
    ]
    ReportingPeriod.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def _period_row(plan: Plan, period: ReportingPeriod | dt.date) -> ReportingPeriod:
    """Services take a period row or the date its period starts on (views know dates)."""
    if isinstance(period, ReportingPeriod):
        return period
    if period > clock.today():
        raise ValidationError(f"{period.year}年{period.month}月起的报送周期尚未开始，不能提前填报。")
    return period_ensure(plan=plan, start=period)


def period_ensure(*, plan: Plan, start: dt.date) -> ReportingPeriod:
    """The row of the plan's period beginning on `start` (created if missing)."""
    spec = periods.period_for_start(plan, start)
    if spec is None:
        raise ValidationError("该日期不是本方案的报送周期。")
    period, _ = ReportingPeriod.objects.get_or_create(
        plan=plan, start=spec.start,
        defaults={"end": spec.end, "due_date": spec.due_date, "months": spec.months, "label": spec.label},
    )
    return period


# ---------------------------------------------------------------- files


def _check_uploads(files: Sequence, *, field: str) -> list[FileKind]:
    """Every file checked before any is stored: one bad file stores nothing."""
    kinds, errors = [], []
    for upload in files:
        try:
            kinds.append(validate_upload(upload))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({field: errors})
    return kinds


@contextmanager
def _files_removed_on_error(saved: list[str]):
    try:
        yield
    except BaseException:
        for name in saved:
            default_storage.delete(name)
        raise


def _store(upload, kind: FileKind, *, folder: str, saved: list[str]) -> dict:
    name = default_storage.save(generated_name(folder, kind), upload)
    saved.append(name)
    return {
        "file": name,
        "original_name": upload.name[:200],
        "content_type": kind.content_type,
        "size": upload.size,
    }


# ---------------------------------------------------------------- reports


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
            f"操作未执行：该报告已由{who}于{_local(last.at)}{last.action_label}，"
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
    _require_open(assignment.task.plan)
    _require(rules.can_write_report(actor, assignment), "只有本单位的填报员可以填报本任务的进展。")
    period = _period_row(assignment.task.plan, period)
    if period.plan_id != assignment.task.plan_id:
        raise ValidationError("报送周期不属于该任务所在的实施方案。")
    if period.start > clock.today():
        raise ValidationError(f"{period.label}尚未开始，不能提前填报。")
    progress, percent = _clean_report_fields(progress=progress, percent=percent)
    kinds = _check_uploads(files, field="evidence")
    existing = ProgressReport.objects.filter(assignment=assignment, period=period).order_by("-version").first()
    if existing is not None:
        raise ValidationError(f"{period.label}已有进展报告（第{existing.version}版），请在原报告上修改或发起更正。")
    now = clock.now()
    saved: list[str] = []
    with _files_removed_on_error(saved):
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
        ReportFile.objects.bulk_create(
            ReportFile(report=report, uploaded_by=actor, uploaded_at=now, **_store(f, k, folder="evidence", saved=saved))
            for f, k in zip(files, kinds, strict=True)
        )
        change_record(actor=actor, instance=report, action=ObjectChange.Action.CREATE,
                      comment=_files_comment(files, "上传佐证材料"))
        if submit:
            report = report_submit(actor=actor, report=report)
    return report


def _files_comment(files: Sequence, verb: str) -> str:
    return f"{verb}：" + "、".join(f.name for f in files) if files else ""


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
    _require_open(report.assignment.task.plan)
    _require(rules.can_write_report(actor, report.assignment), "只有本单位的填报员可以修改本报告。")
    if not report.is_editable:
        raise _conflict(report, "修改")
    progress, percent = _clean_report_fields(progress=progress, percent=percent)
    kinds = _check_uploads(add_files, field="evidence")
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
    saved: list[str] = []
    with _files_removed_on_error(saved):
        ReportFile.objects.bulk_create(
            ReportFile(report=report, uploaded_by=actor, uploaded_at=now, **_store(f, k, folder="evidence", saved=saved))
            for f, k in zip(add_files, kinds, strict=True)
        )
        if add_files:
            notes.append(_files_comment(add_files, "上传佐证材料"))
        change_record(actor=actor, instance=report, action=ObjectChange.Action.UPDATE, before=before,
                      comment="；".join(notes))
    return report


@transaction.atomic
def report_submit(*, actor, report: ProgressReport, comment: str = "") -> ProgressReport:
    """draft → submitted; returned → resubmitted (back to the unit's leader)."""
    report = _locked_report(report)
    _require_open(report.assignment.task.plan)
    _require(rules.can_write_report(actor, report.assignment), "只有本单位的填报员可以提交本报告。")
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
    return report


@transaction.atomic
def report_approve(*, actor, report: ProgressReport, comment: str = "") -> ProgressReport:
    """The unit's leader approves: from now on the report counts."""
    report = _locked_report(report)
    _require_open(report.assignment.task.plan)
    _require(rules.can_approve_report(actor, report), "只有本单位的审核人可以审核通过本报告。")
    if not report.is_reviewable:
        raise _conflict(report, "审核通过")
    before = snapshot(report)
    now = clock.now()
    source = report.state
    report.state = State.APPROVED
    report.reviewed_by, report.reviewed_at, report.approved_at = actor, now, now
    report.save(update_fields=["state", "reviewed_by", "reviewed_at", "approved_at"])
    _transition(report, from_state=source, to_state=State.APPROVED, actor=actor, at=now, comment=comment)
    change_record(actor=actor, instance=report, action=ObjectChange.Action.TRANSITION, before=before,
                  comment=comment or "审核通过")
    return report


@transaction.atomic
def report_return(*, actor, report: ProgressReport, reason: str) -> ProgressReport:
    """The unit's leader (or the coordinator) returns a report, with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "退回时必须填写退回原因。"})
    report = _locked_report(report)
    _require_open(report.assignment.task.plan)
    _require(rules.can_return_report(actor, report), "您无权退回本报告。")
    if not report.is_reviewable:
        raise _conflict(report, "退回")
    before = snapshot(report)
    now = clock.now()
    source = report.state
    report.state = State.RETURNED
    report.reviewed_by, report.reviewed_at, report.return_reason = actor, now, reason
    report.save(update_fields=["state", "reviewed_by", "reviewed_at", "return_reason"])
    _transition(report, from_state=source, to_state=State.RETURNED, actor=actor, at=now, comment=reason)
    change_record(actor=actor, instance=report, action=ObjectChange.Action.TRANSITION, before=before,
                  comment=f"退回：{reason}")
    return report


@transaction.atomic
def report_correct(*, actor, report: ProgressReport, reason: str) -> ProgressReport:
    """An approved report is never edited: a correction is its next version,
    a draft carrying the same content and evidence, which goes through review
    again. Until it is approved, the approved version keeps counting."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写更正原因。"})
    report = _locked_report(report)
    _require_open(report.assignment.task.plan)
    _require(rules.can_write_report(actor, report.assignment), "只有本单位的填报员可以更正本报告。")
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


# ---------------------------------------------------------------- lead unit


@transaction.atomic
def lead_summary_save(*, actor, task: WorkItem, period: ReportingPeriod | dt.date, text: str) -> LeadSummary:
    """The lead unit's one consolidated summary of a task for a period (created or revised)."""
    _require_open(task.plan)
    _require(rules.can_write_summary(actor, task), "只有牵头单位可以撰写汇总情况。")
    period = _period_row(task.plan, period)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写汇总情况。"})
    if period.plan_id != task.plan_id:
        raise ValidationError("报送周期不属于该任务所在的实施方案。")
    now = clock.now()
    summary = LeadSummary.objects.select_for_update().filter(task=task, period=period).first()
    if summary is None:
        try:
            with transaction.atomic():
                summary = LeadSummary.objects.create(
                    task=task, period=period, department_id=task.lead_unit_id, text=text, author=actor,
                    created_at=now, updated_at=now,
                )
        except IntegrityError:
            raise ValidationError("本期汇总刚刚已由他人保存，请刷新后修改。") from None
        change_record(actor=actor, instance=summary, action=ObjectChange.Action.CREATE)
        return summary
    before = snapshot(summary)
    summary.text, summary.author, summary.updated_at = text, actor, now
    summary.save(update_fields=["text", "author", "updated_at"])
    change_record(actor=actor, instance=summary, action=ObjectChange.Action.UPDATE, before=before)
    return summary


# ---------------------------------------------------------------- notices


@transaction.atomic
def notice_issue(
    *,
    actor,
    assignment: Assignment,
    reason: str,
    reply_due: dt.date,
    follow_up_of: SupervisionNotice | None = None,
) -> SupervisionNotice:
    """The coordinator issues a 督办单 to one unit about one task. A follow-up
    closes the notice it follows."""
    _require_open(assignment.task.plan)
    _require(rules.can_issue_notice(actor), "只有督办管理员可以签发督办单。")
    errors = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "请填写督办事由。"
    today = clock.today()
    if reply_due is None:
        errors["reply_due"] = "请填写答复期限。"
    elif reply_due < today:
        errors["reply_due"] = "答复期限不能早于今天。"
    if follow_up_of is not None and follow_up_of.assignment_id != assignment.pk:
        errors["assignment"] = "后续督办单须发给原督办单的同一单位、同一任务。"
    if errors:
        raise ValidationError(errors)
    now = clock.now()
    year = timezone.localtime(now).year
    for _attempt in range(5):
        seq = (SupervisionNotice.objects.filter(year=year).aggregate(m=Max("seq"))["m"] or 0) + 1
        try:
            with transaction.atomic():
                notice = SupervisionNotice.objects.create(
                    year=year, seq=seq, assignment=assignment, follow_up_of=follow_up_of, reason=reason,
                    reply_due=reply_due, issued_by=actor, issued_at=now,
                )
            break
        except IntegrityError:
            continue
    else:  # pragma: no cover - five collisions in a row
        raise ValidationError("督办单编号冲突，请稍后重试。")
    change_record(actor=actor, instance=notice, action=ObjectChange.Action.CREATE,
                  comment=f"后续督办（前序：{follow_up_of.number}）" if follow_up_of else "")
    if follow_up_of is not None:
        previous = SupervisionNotice.objects.select_for_update().get(pk=follow_up_of.pk)
        if previous.state != SupervisionNotice.State.CLOSED:
            before = snapshot(previous)
            previous.state, previous.closed_by, previous.closed_at = SupervisionNotice.State.CLOSED, actor, now
            previous.close_comment = f"已发出后续督办单{notice.number}。"
            previous.save(update_fields=["state", "closed_by", "closed_at", "close_comment"])
            change_record(actor=actor, instance=previous, action=ObjectChange.Action.TRANSITION, before=before,
                          comment=previous.close_comment)
    return notice


@transaction.atomic
def notice_reply(*, actor, notice: SupervisionNotice, text: str, files: Sequence = ()) -> SupervisionNotice:
    """The unit answers a 督办单 with text and files."""
    notice = (
        SupervisionNotice.objects.select_for_update(of=("self",)).select_related("assignment__task__plan")
        .get(pk=notice.pk)
    )
    _require_open(notice.assignment.task.plan)
    _require(rules.can_answer_notice(actor, notice), "只有被督办单位可以答复本督办单。")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写答复内容。"})
    if notice.state != SupervisionNotice.State.OPEN:
        raise StateConflict(f"操作未执行：该督办单当前状态为“{notice.get_state_display()}”，不能再答复。")
    kinds = _check_uploads(files, field="files")
    before = snapshot(notice)
    now = clock.now()
    saved: list[str] = []
    with _files_removed_on_error(saved):
        notice.state, notice.reply_text, notice.replied_by, notice.replied_at = (
            SupervisionNotice.State.ANSWERED, text, actor, now,
        )
        notice.save(update_fields=["state", "reply_text", "replied_by", "replied_at"])
        NoticeFile.objects.bulk_create(
            NoticeFile(notice=notice, uploaded_by=actor, uploaded_at=now, **_store(f, k, folder="notices", saved=saved))
            for f, k in zip(files, kinds, strict=True)
        )
        change_record(actor=actor, instance=notice, action=ObjectChange.Action.TRANSITION, before=before,
                      comment="答复督办单" + ("；" + _files_comment(files, "附件") if files else ""))
    return notice


@transaction.atomic
def notice_close(*, actor, notice: SupervisionNotice, comment: str = "") -> SupervisionNotice:
    """The coordinator closes a 督办单 (办结)."""
    _require(rules.can_issue_notice(actor), "只有督办管理员可以办结督办单。")
    notice = (
        SupervisionNotice.objects.select_for_update(of=("self",)).select_related("assignment__task__plan")
        .get(pk=notice.pk)
    )
    _require_open(notice.assignment.task.plan)
    if notice.state == SupervisionNotice.State.CLOSED:
        raise StateConflict("操作未执行：该督办单已办结。")
    before = snapshot(notice)
    notice.state, notice.closed_by, notice.closed_at = SupervisionNotice.State.CLOSED, actor, clock.now()
    notice.close_comment = (comment or "").strip()
    notice.save(update_fields=["state", "closed_by", "closed_at", "close_comment"])
    change_record(actor=actor, instance=notice, action=ObjectChange.Action.TRANSITION, before=before,
                  comment=notice.close_comment or "办结")
    return notice


# ---------------------------------------------------------------- completion


@transaction.atomic
def completion_claim(*, actor, assignment: Assignment, note: str) -> AssignmentCompletion:
    """A unit marks its part of a task complete, for the lead unit or coordinator to accept."""
    _require_open(assignment.task.plan)
    _require(rules.can_claim_completion(actor, assignment), "只有本单位人员可以申报完成。")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "请说明完成情况。"})
    live = AssignmentCompletion.objects.select_for_update().filter(
        assignment=assignment, state__in=[AssignmentCompletion.State.CLAIMED, AssignmentCompletion.State.ACCEPTED]
    ).first()
    if live is not None:
        raise StateConflict(f"本任务已{live.get_state_display()}，无需重复申报。")
    try:
        with transaction.atomic():
            completion = AssignmentCompletion.objects.create(
                assignment=assignment, note=note, claimed_by=actor, claimed_at=clock.now()
            )
    except IntegrityError:
        raise StateConflict("本任务的完成申报刚刚已由他人提交。") from None
    change_record(actor=actor, instance=completion, action=ObjectChange.Action.CREATE, comment="申报完成")
    return completion


def _decide(*, actor, completion: AssignmentCompletion, state: str, comment: str) -> AssignmentCompletion:
    completion = (
        AssignmentCompletion.objects.select_for_update(of=("self",))
        .select_related("assignment__task__plan").get(pk=completion.pk)
    )
    _require_open(completion.assignment.task.plan)
    _require(rules.can_decide_completion(actor, completion.assignment), "只有牵头单位审核人或督办管理员可以确认完成。")
    if completion.state != AssignmentCompletion.State.CLAIMED:
        who = f"由{completion.decided_by}于{_local(completion.decided_at)}" if completion.decided_at else ""
        raise StateConflict(f"操作未执行：该完成申报已{who}{completion.get_state_display()}。")
    before = snapshot(completion)
    completion.state, completion.decided_by, completion.decided_at = state, actor, clock.now()
    completion.decision_comment = comment
    completion.save(update_fields=["state", "decided_by", "decided_at", "decision_comment"])
    change_record(actor=actor, instance=completion, action=ObjectChange.Action.TRANSITION, before=before,
                  comment=comment or completion.get_state_display())
    return completion


@transaction.atomic
def completion_accept(*, actor, completion: AssignmentCompletion, comment: str = "") -> AssignmentCompletion:
    return _decide(actor=actor, completion=completion, state=AssignmentCompletion.State.ACCEPTED,
                   comment=(comment or "").strip())


@transaction.atomic
def completion_reject(*, actor, completion: AssignmentCompletion, reason: str) -> AssignmentCompletion:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写不予确认的原因。"})
    return _decide(actor=actor, completion=completion, state=AssignmentCompletion.State.REJECTED, comment=reason)


# ---------------------------------------------------------------- milestones


@transaction.atomic
def milestone_confirm(
    *,
    actor,
    milestone: Milestone,
    met_on: dt.date,
    evidence: str,
    current_value: Decimal | None = None,
    files: Sequence = (),
) -> Milestone:
    """The coordinator confirms a milestone met, on the evidence given."""
    _require_open(milestone.plan)
    _require(rules.can_confirm_milestone(actor), "只有督办管理员可以确认节点目标。")
    errors = {}
    evidence = (evidence or "").strip()
    if not evidence:
        errors["evidence"] = "请填写达成依据。"
    if met_on is None:
        errors["met_on"] = "请填写达成日期。"
    elif met_on > clock.today():
        errors["met_on"] = "达成日期不能晚于今天。"
    if current_value is not None and milestone.metric_source:
        errors["current_value"] = "该指标由平台数据自动计算，不能手工填写。"
    if errors:
        raise ValidationError(errors)
    kinds = _check_uploads(files, field="files")
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    before = snapshot(milestone)
    now = clock.now()
    fields = ["met_on", "evidence", "confirmed_by", "confirmed_at"]
    milestone.met_on, milestone.evidence, milestone.confirmed_by, milestone.confirmed_at = met_on, evidence, actor, now
    if current_value is not None:
        milestone.current_value = current_value
        fields.append("current_value")
    saved: list[str] = []
    with _files_removed_on_error(saved):
        milestone.save(update_fields=fields)
        MilestoneFile.objects.bulk_create(
            MilestoneFile(milestone=milestone, uploaded_by=actor, uploaded_at=now,
                          **_store(f, k, folder="milestones", saved=saved))
            for f, k in zip(files, kinds, strict=True)
        )
        change_record(actor=actor, instance=milestone, action=ObjectChange.Action.UPDATE, before=before,
                      comment="确认节点目标已达成" + ("；" + _files_comment(files, "佐证") if files else ""))
    return milestone


@transaction.atomic
def milestone_value_set(*, actor, milestone: Milestone, current_value: Decimal) -> Milestone:
    """The coordinator records a metric's current value (metrics the portal computes are never typed)."""
    _require_open(milestone.plan)
    _require(rules.can_confirm_milestone(actor), "只有督办管理员可以填写指标当前值。")
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.metric_source:
        raise ValidationError({"current_value": "该指标由平台数据自动计算，不能手工填写。"})
    if milestone.target_value is None:
        raise ValidationError({"current_value": "该节点目标没有量化指标。"})
    before = snapshot(milestone)
    milestone.current_value = current_value
    milestone.save(update_fields=["current_value"])
    change_record(actor=actor, instance=milestone, action=ObjectChange.Action.UPDATE, before=before,
                  comment="更新指标当前值")
    return milestone
