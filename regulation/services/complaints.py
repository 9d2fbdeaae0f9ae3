"""Complaints (投诉) from the public: submitted without an account (rate-limited per
client address), assigned by a coordinator to a unit with a reply deadline in working
days, replied to by that unit, closed with the outcome by a coordinator."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from accounts.roles import ACTS_FOR_UNIT
from agencies.models import Department
from audit.models import ObjectChange
from audit.services import change_record, snapshot
from core import clock
from core.service_calls import StateConflict
from institutions.models import Institution
from institutions.workdays import calendar_for
from notifications.services import inbox_notify

from .. import rules
from ..models import Complaint
from .common import coordinators, require, unit_users

TEXT_MAX = 2000


def source_hash(client_address: str | None) -> str:
    """The client address as a keyed hash: enough to count, nothing to read back."""
    key = settings.PERSON_ID_KEY.encode()
    return hmac.new(key, f"complaint:{client_address or '-'}".encode(), hashlib.sha256).hexdigest()


def reply_due_from(day: dt.date) -> dt.date:
    days = int(settings.REGULATION_COMPLAINT_REPLY_WORKDAYS)
    return calendar_for(day, days).add_working_days(day, days)


def _url(complaint: Complaint) -> str:
    return reverse("regulation:complaint", args=[complaint.pk])


@transaction.atomic
def complaint_submit(
    *, institution: Institution, category: str, text: str, contact_name: str = "", contact_phone: str = "",
    client_address: str | None,
) -> Complaint:
    """Anyone may complain about a publicly listed institution. Complaints about safety
    or abuse reach every coordinator at once."""
    errors: dict[str, str] = {}
    if not Institution.objects.publicly_listed().filter(pk=institution.pk).exists():
        errors["institution"] = "只能投诉已公示的托育机构。"
    if category not in Complaint.Category.values:
        errors["category"] = "请选择投诉类别。"
    text = (text or "").strip()
    if not text:
        errors["text"] = "请填写投诉内容。"
    elif len(text) > TEXT_MAX:
        errors["text"] = f"投诉内容最多{TEXT_MAX}字。"
    if errors:
        raise ValidationError(errors)
    source = source_hash(client_address)
    now = clock.now()
    recent = Complaint.objects.filter(source_hash=source, received_at__gte=now - dt.timedelta(hours=1)).count()
    if recent >= int(settings.REGULATION_COMPLAINTS_PER_HOUR):
        raise ValidationError("提交过于频繁，请一小时后再试；紧急情况请拨打110或区卫生健康委电话。")
    complaint = Complaint.objects.create(
        institution=institution, category=category, text=text, contact_name=(contact_name or "").strip()[:50],
        contact_phone=(contact_phone or "").strip()[:30], source_hash=source, received_at=now,
    )
    change_record(actor=None, instance=complaint, action=ObjectChange.Action.CREATE, comment="公众投诉")
    urgent = complaint.is_urgent
    for coordinator in coordinators():
        inbox_notify(
            user=coordinator,
            title=f"{'【紧急】' if urgent else ''}投诉：{institution.name}（{complaint.get_category_display()}）",
            body=text[:200], url=_url(complaint), category="regulation",
        )
    return complaint


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


@transaction.atomic
def complaint_assign(*, actor, complaint: Complaint, unit: Department | None) -> Complaint:
    complaint = _locked(complaint)
    require(rules.can_direct_complaints(actor), "只有督办管理员可以分办投诉。")
    if complaint.state not in (Complaint.State.RECEIVED, Complaint.State.ASSIGNED):
        raise StateConflict(f"该投诉当前状态为“{complaint.get_state_display()}”，不能分办。")
    if unit is None or unit.is_group:
        raise ValidationError({"unit": "请选择承办单位。"})
    before = snapshot(complaint)
    today = clock.today()
    complaint.state, complaint.unit, complaint.assigned_by = Complaint.State.ASSIGNED, unit, actor
    complaint.reply_due = reply_due_from(today)
    complaint.save(update_fields=["state", "unit", "assigned_by", "reply_due"])
    change_record(actor=actor, instance=complaint, action=ObjectChange.Action.TRANSITION, before=before,
                  comment=f"分办至{unit.name}")
    for user in unit_users(unit.pk, ACTS_FOR_UNIT):
        inbox_notify(user=user, title=f"投诉待办理：{complaint.institution.name}",
                     body=f"请于{complaint.reply_due:%Y-%m-%d}前答复。", url=_url(complaint), category="regulation")
    return complaint


@transaction.atomic
def complaint_reply(*, actor, complaint: Complaint, reply: str) -> Complaint:
    complaint = _locked(complaint)
    require(rules.can_reply_complaint(actor, complaint), "只有承办单位或督办管理员可以答复投诉。")
    if complaint.state != Complaint.State.ASSIGNED:
        raise StateConflict(f"该投诉当前状态为“{complaint.get_state_display()}”，不能答复。")
    reply = (reply or "").strip()
    if not reply:
        raise ValidationError({"reply": "请填写答复内容。"})
    before = snapshot(complaint)
    complaint.state, complaint.reply, complaint.replied_by = Complaint.State.REPLIED, reply, actor
    complaint.replied_on = clock.today()
    complaint.save(update_fields=["state", "reply", "replied_by", "replied_on"])
    change_record(actor=actor, instance=complaint, action=ObjectChange.Action.TRANSITION, before=before, comment="答复")
    return complaint


@transaction.atomic
def complaint_close(*, actor, complaint: Complaint, outcome: str) -> Complaint:
    complaint = _locked(complaint)
    require(rules.can_direct_complaints(actor), "只有督办管理员可以办结投诉。")
    if complaint.state != Complaint.State.REPLIED:
        raise StateConflict(f"该投诉当前状态为“{complaint.get_state_display()}”，答复后才能办结。")
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": "请填写办理结果。"})
    before = snapshot(complaint)
    complaint.state, complaint.outcome, complaint.closed_on = Complaint.State.CLOSED, outcome, clock.today()
    complaint.save(update_fields=["state", "outcome", "closed_on"])
    change_record(actor=actor, instance=complaint, action=ObjectChange.Action.TRANSITION, before=before, comment="办结")
    return complaint
