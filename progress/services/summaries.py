"""The lead unit's summary of a period across every unit's reports on its task."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from audit.models import ObjectChange
from audit.services import change_record, snapshot
from core import clock
from tasks.models import WorkItem

from .. import rules
from ..models import LeadSummary, ReportingPeriod
from .guards import require, require_open
from .reporting_periods import period_row


@transaction.atomic
def lead_summary_save(*, actor, task: WorkItem, period: ReportingPeriod | dt.date, text: str) -> LeadSummary:
    """The lead unit's one consolidated summary of a task for a period (created or revised)."""
    require_open(task.plan)
    require(rules.can_write_summary(actor, task), "只有牵头单位可以撰写汇总情况。")
    period = period_row(task.plan, period)
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
