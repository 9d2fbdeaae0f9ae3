"""Inspections (监督检查) to closure: record → the institution answers each
rectification → the inspector closes it or reopens it → overdue ones may become a 督办单."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from accounts.roles import ACTS_FOR_UNIT, is_coordinator
from agencies.models import Department
from audit.models import ObjectChange
from audit.services import change_record, snapshot
from core import clock
from core.service_calls import StateConflict
from institutions.models import Institution
from notifications.services import inbox_notify
from progress.services import notice_issue
from tasks.models import Assignment

from .. import rules
from ..models import Finding, FindingEvidence, Inspection
from .common import check_files, operators_of, remove_files, require, stored, unit_users

MAX_EVIDENCE_FILES = 5


def _url(inspection: Inspection) -> str:
    return reverse("regulation:inspection", args=[inspection.pk])


@transaction.atomic
def inspection_record(
    *,
    actor,
    institution: Institution,
    inspected_on: dt.date | None,
    kind: str,
    inspectors: str,
    summary: str = "",
    findings: Sequence[tuple[str, dt.date | None]] = (),
    unit: Department | None = None,
) -> Inspection:
    """An inspecting unit (its own) or the coordinator (any inspecting unit) records an
    inspection with its findings; a finding with a deadline is a rectification the
    institution is told about."""
    require(rules.can_record_inspection(actor), "只有区妇幼保健院、区疾控中心、区卫生健康执法支队或督办管理员可以记录监督检查。")
    errors: dict[str, str] = {}
    if not is_coordinator(actor):
        unit = actor.department
    if unit is None or unit.name not in rules.INSPECTION_UNITS:
        errors["unit"] = "请选择检查单位（区妇幼保健院、区疾控中心或区卫生健康执法支队）。"
    today = clock.today()
    if institution.status != Institution.Status.FILED:
        errors["institution"] = "只能检查已备案的托育机构。"
    if inspected_on is None:
        errors["inspected_on"] = "请填写检查日期。"
    elif inspected_on > today:
        errors["inspected_on"] = "检查日期不能晚于今天。"
    if kind not in Inspection.Kind.values:
        errors["kind"] = "请选择检查类别。"
    inspectors = (inspectors or "").strip()
    if not inspectors:
        errors["inspectors"] = "请填写检查人员。"
    cleaned = []
    for index, (text, deadline) in enumerate(findings, start=1):
        text = (text or "").strip()
        if not text and deadline is None:
            continue
        if not text:
            errors[f"finding_{index}"] = f"第{index}项发现：请填写问题描述。"
        elif deadline is not None and inspected_on is not None and deadline < inspected_on:
            errors[f"finding_{index}"] = f"第{index}项发现：整改期限不能早于检查日期。"
        cleaned.append((text, deadline))
    if errors:
        raise ValidationError(errors)
    inspection = Inspection.objects.create(
        institution=institution, unit=unit, inspected_on=inspected_on, kind=kind, inspectors=inspectors,
        summary=(summary or "").strip(), recorded_by=actor, recorded_at=clock.now(),
    )
    Finding.objects.bulk_create(
        Finding(inspection=inspection, position=n, description=text, deadline=deadline,
                state=Finding.State.OPEN if deadline else Finding.State.NOTED)
        for n, (text, deadline) in enumerate(cleaned, start=1)
    )
    change_record(actor=actor, instance=inspection, action=ObjectChange.Action.CREATE,
                  comment=f"检查发现{len(cleaned)}项")
    to_fix = sum(1 for _, deadline in cleaned if deadline)
    if to_fix:
        for operator in operators_of(institution.pk):
            inbox_notify(user=operator, title=f"监督检查整改通知：{to_fix}项问题待整改",
                         body=f"{unit.name}于{inspected_on:%Y-%m-%d}对本机构进行{inspection.get_kind_display()}检查。",
                         url=_url(inspection), category="regulation")
    return inspection


def _locked(finding: Finding) -> Finding:
    return Finding.objects.select_related("inspection", "inspection__institution").select_for_update(
        of=("self",)).get(pk=finding.pk)


@transaction.atomic
def finding_answer(*, actor, finding: Finding, text: str, files: Sequence = ()) -> Finding:
    """The institution reports what it did, with evidence; the inspecting unit is told."""
    finding = _locked(finding)
    require(rules.can_answer(actor, finding.inspection), "只有被检查机构可以反馈整改情况。")
    if finding.state != Finding.State.OPEN:
        raise StateConflict(f"该问题当前状态为“{finding.get_state_display()}”，不能反馈整改。")
    text = (text or "").strip()
    errors = {}
    if not text:
        errors["text"] = "请填写整改情况。"
    if len(files) > MAX_EVIDENCE_FILES:
        errors["files"] = f"佐证材料最多{MAX_EVIDENCE_FILES}个文件。"
    if errors:
        raise ValidationError(errors)
    kinds = check_files(files, field="files")
    before = snapshot(finding)
    saved: list[str] = []
    try:
        now = clock.now()
        FindingEvidence.objects.bulk_create(
            FindingEvidence(finding=finding, uploaded_by=actor, uploaded_at=now,
                            **stored(f, k, folder="regulation/evidence", saved=saved))
            for f, k in zip(files, kinds, strict=True)
        )
        finding.state, finding.answer, finding.answered_by, finding.answered_at = Finding.State.ANSWERED, text, actor, now
        finding.save(update_fields=["state", "answer", "answered_by", "answered_at"])
        change_record(actor=actor, instance=finding, action=ObjectChange.Action.TRANSITION, before=before,
                      comment="反馈整改情况" + (f"，附件{len(files)}个" if files else ""))
        inspection = finding.inspection
        for user in unit_users(inspection.unit_id, ACTS_FOR_UNIT):
            inbox_notify(user=user, title=f"{inspection.institution.name}已反馈整改（第{finding.position}项）",
                         body=text[:200], url=_url(inspection), category="regulation")
    except BaseException:
        remove_files(saved)
        raise
    return finding


@transaction.atomic
def finding_close(*, actor, finding: Finding) -> Finding:
    """The inspector verifies the rectification: closed (销号) on today's date."""
    finding = _locked(finding)
    require(rules.can_verify(actor, finding.inspection), "只有检查单位或督办管理员可以核验整改。")
    if finding.state not in (Finding.State.OPEN, Finding.State.ANSWERED):
        raise StateConflict(f"该问题当前状态为“{finding.get_state_display()}”，不能销号。")
    before = snapshot(finding)
    finding.state, finding.closed_by, finding.closed_on = Finding.State.CLOSED, actor, clock.today()
    finding.save(update_fields=["state", "closed_by", "closed_on"])
    change_record(actor=actor, instance=finding, action=ObjectChange.Action.TRANSITION, before=before, comment="整改销号")
    for operator in operators_of(finding.inspection.institution_id):
        inbox_notify(user=operator, title=f"整改已销号（第{finding.position}项）", url=_url(finding.inspection),
                     category="regulation")
    return finding


@transaction.atomic
def finding_reopen(*, actor, finding: Finding, reason: str) -> Finding:
    """The inspector does not accept the answer: back to 待整改, with the reason, the deadline unchanged."""
    finding = _locked(finding)
    require(rules.can_verify(actor, finding.inspection), "只有检查单位或督办管理员可以核验整改。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写退回理由。"})
    if finding.state != Finding.State.ANSWERED:
        raise StateConflict(f"该问题当前状态为“{finding.get_state_display()}”，只有已反馈的整改可以退回。")
    before = snapshot(finding)
    finding.state, finding.reopen_reason = Finding.State.OPEN, reason
    finding.reopen_count += 1
    finding.save(update_fields=["state", "reopen_reason", "reopen_count"])
    change_record(actor=actor, instance=finding, action=ObjectChange.Action.TRANSITION, before=before,
                  comment=f"退回重新整改：{reason}")
    for operator in operators_of(finding.inspection.institution_id):
        inbox_notify(user=operator, title=f"整改未通过核验（第{finding.position}项）", body=reason,
                     url=_url(finding.inspection), category="regulation")
    return finding


def escalation_assignments(finding: Finding, *, on: dt.date):
    """The units a 督办单 about this rectification may go to: the assignments, in the plan in
    force, of the task the inspection's kind belongs to (安全/消防/食品 → task 11, 卫生保健 → 12, 综合 → 13)."""
    number = {"health": 12, "general": 13}.get(finding.inspection.kind, 11)
    return (Assignment.objects.in_force(on=on).filter(task__kind=1, task__number=number)
            .select_related("department", "task").order_by("department__position", "department__name"))


@transaction.atomic
def finding_escalate(*, actor, finding: Finding, assignment: Assignment, reply_due: dt.date) -> Finding:
    """An overdue rectification becomes a 督办单 to the responsible unit (progress.services.notice_issue)."""
    finding = _locked(finding)
    require(rules.can_escalate(actor), "只有督办管理员可以签发督办单。")
    today = clock.today()
    if not finding.is_overdue(today):
        raise StateConflict("只有逾期未销号的整改可以转督办。")
    if finding.notice_id:
        raise StateConflict("该整改已转督办。")
    if not escalation_assignments(finding, on=today).filter(pk=assignment.pk).exists():
        raise ValidationError({"assignment": "请选择该检查类别对应任务的责任单位。"})
    inspection = finding.inspection
    notice = notice_issue(
        actor=actor, assignment=assignment, reply_due=reply_due,
        reason=(f"{inspection.institution.name}{inspection.inspected_on:%Y年%m月%d日}{inspection.get_kind_display()}检查"
                f"第{finding.position}项问题“{finding.description[:100]}”整改期限{finding.deadline:%Y年%m月%d日}已过，"
                f"至今未销号，请督促整改并答复。"),
    )
    before = snapshot(finding)
    finding.notice = notice
    finding.save(update_fields=["notice"])
    change_record(actor=actor, instance=finding, action=ObjectChange.Action.UPDATE, before=before,
                  comment=f"逾期转督办：{notice.number}")
    return finding
