"""Supervision notices (督办单): issue, reply, close."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from audit.models import ObjectChange
from audit.services import change_record, snapshot
from core import clock
from core.service_calls import StateConflict  # in core: the views' one helper tells it apart
from tasks.models import Assignment

from .. import rules
from . import events
from ..models import NoticeFile, SupervisionNotice
from .evidence import check_uploads, files_attach, files_comment, files_removed_on_error
from .guards import require, require_open


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
    require_open(assignment.task.plan)
    require(rules.can_issue_notice(actor), "只有督办管理员可以签发督办单。")
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
    events.notice_issued(notice=notice, actor=actor)
    return notice


@transaction.atomic
def notice_reply(*, actor, notice: SupervisionNotice, text: str, files: Sequence = ()) -> SupervisionNotice:
    """The unit answers a 督办单 with text and files."""
    notice = (
        SupervisionNotice.objects.select_for_update(of=("self",)).select_related("assignment__task__plan")
        .get(pk=notice.pk)
    )
    require_open(notice.assignment.task.plan)
    require(rules.can_answer_notice(actor, notice), "只有被督办单位可以答复本督办单。")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写答复内容。"})
    if notice.state != SupervisionNotice.State.OPEN:
        raise StateConflict(f"操作未执行：该督办单当前状态为“{notice.get_state_display()}”，不能再答复。")
    kinds = check_uploads(files, field="files")
    before = snapshot(notice)
    now = clock.now()
    with files_removed_on_error() as saved:
        notice.state, notice.reply_text, notice.replied_by, notice.replied_at = (
            SupervisionNotice.State.ANSWERED, text, actor, now,
        )
        notice.save(update_fields=["state", "reply_text", "replied_by", "replied_at"])
        files_attach(NoticeFile, files, kinds, folder="notices", saved=saved,
                     notice=notice, uploaded_by=actor, uploaded_at=now)
        change_record(actor=actor, instance=notice, action=ObjectChange.Action.TRANSITION, before=before,
                      comment=files_comment(files, "附件", lead="答复督办单"))
    events.notice_replied(notice=notice, actor=actor)
    return notice


@transaction.atomic
def notice_close(*, actor, notice: SupervisionNotice, comment: str = "") -> SupervisionNotice:
    """The coordinator closes a 督办单 (办结)."""
    require(rules.can_issue_notice(actor), "只有督办管理员可以办结督办单。")
    notice = (
        SupervisionNotice.objects.select_for_update(of=("self",)).select_related("assignment__task__plan")
        .get(pk=notice.pk)
    )
    require_open(notice.assignment.task.plan)
    if notice.state == SupervisionNotice.State.CLOSED:
        raise StateConflict("操作未执行：该督办单已办结。")
    before = snapshot(notice)
    notice.state, notice.closed_by, notice.closed_at = SupervisionNotice.State.CLOSED, actor, clock.now()
    notice.close_comment = (comment or "").strip()
    notice.save(update_fields=["state", "closed_by", "closed_at", "close_comment"])
    change_record(actor=actor, instance=notice, action=ObjectChange.Action.TRANSITION, before=before,
                  comment=notice.close_comment or "办结")
    return notice
