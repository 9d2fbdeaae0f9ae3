"""Milestones: the coordinator confirms one met, or sets a metric's current value."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.models import ObjectChange
from audit.services import change_record, snapshot
from core import clock
from tasks.models import Milestone

from .. import rules
from ..models import MilestoneFile
from .evidence import check_uploads, files_attach, files_comment, files_removed_on_error
from .guards import require, require_open


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
    require_open(milestone.plan)
    require(rules.can_confirm_milestone(actor), "只有督办管理员可以确认节点目标。")
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
    kinds = check_uploads(files, field="files")
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    before = snapshot(milestone)
    now = clock.now()
    fields = ["met_on", "evidence", "confirmed_by", "confirmed_at"]
    milestone.met_on, milestone.evidence, milestone.confirmed_by, milestone.confirmed_at = met_on, evidence, actor, now
    if current_value is not None:
        milestone.current_value = current_value
        fields.append("current_value")
    with files_removed_on_error() as saved:
        milestone.save(update_fields=fields)
        files_attach(MilestoneFile, files, kinds, folder="milestones", saved=saved,
                     milestone=milestone, uploaded_by=actor, uploaded_at=now)
        change_record(actor=actor, instance=milestone, action=ObjectChange.Action.UPDATE, before=before,
                      comment=files_comment(files, "佐证", lead="确认节点目标已达成"))
    return milestone


@transaction.atomic
def milestone_value_set(*, actor, milestone: Milestone, current_value: Decimal) -> Milestone:
    """The coordinator records a metric's current value (metrics the portal computes are never typed)."""
    require_open(milestone.plan)
    require(rules.can_confirm_milestone(actor), "只有督办管理员可以填写指标当前值。")
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
