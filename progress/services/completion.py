"""Completion: a unit claims its part done; the lead unit or the coordinator accepts or rejects it."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from audit.models import ObjectChange
from audit.services import change_record, snapshot
from core import clock
from core.service_calls import StateConflict  # in core: the views' one helper tells it apart
from tasks.models import Assignment

from .. import rules
from ..models import AssignmentCompletion
from .guards import local_time, require, require_open


@transaction.atomic
def completion_claim(*, actor, assignment: Assignment, note: str) -> AssignmentCompletion:
    """A unit marks its part of a task complete, for the lead unit or coordinator to accept."""
    require_open(assignment.task.plan)
    require(rules.can_claim_completion(actor, assignment), "只有本单位人员可以申报完成。")
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
    require_open(completion.assignment.task.plan)
    require(rules.can_decide_completion(actor, completion.assignment), "只有牵头单位审核人或督办管理员可以确认完成。")
    if completion.state != AssignmentCompletion.State.CLAIMED:
        who = f"由{completion.decided_by}于{local_time(completion.decided_at)}" if completion.decided_at else ""
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
