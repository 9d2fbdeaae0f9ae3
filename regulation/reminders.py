"""The daily reminders of regulation (run by regulation.jobs.daily_reminders): each goes to
the inbox once per (recipient, kind, object, date) — ReminderLog's unique row is claimed in
the same transaction as the message, so a second run, or a concurrent one, sends nothing twice.

- a rectification due within 3 days, or overdue: the institution's accounts (daily while overdue);
- overdue rectifications: each coordinator, one summary a day;
- a 健康证明 or certificate expiring within REGULATION_EXPIRY_WARNING_DAYS: the institution's
  accounts, once per expiry date;
- a complaint past its reply deadline: the assigned unit's staff, daily.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.roles import ACTS_FOR_UNIT
from notifications.services import inbox_notify

from .models import Complaint, Finding, ReminderLog
from .selectors import rectifications_overdue, staff_expiring
from .services.common import coordinators, operators_of, unit_users

DUE_SOON_DAYS = 3


@dataclass
class Run:
    sent: int = 0
    kinds: dict = field(default_factory=dict)


def _remind(run: Run, *, user, kind: str, object_id: int, date: dt.date, title: str, body: str = "",
            url: str = "") -> None:
    try:
        with transaction.atomic():
            ReminderLog.objects.create(recipient=user, kind=kind, object_id=object_id, date=date)
            inbox_notify(user=user, title=title, body=body, url=url, category="regulation")
    except IntegrityError:
        return  # already sent
    run.sent += 1
    run.kinds[kind] = run.kinds.get(kind, 0) + 1


def remind(*, on: dt.date) -> Run:
    run = Run()
    soon = on + dt.timedelta(days=DUE_SOON_DAYS)
    findings = (Finding.objects.open().filter(deadline__lte=soon)
                .select_related("inspection", "inspection__institution").order_by("deadline", "pk"))
    for finding in findings:
        inspection = finding.inspection
        overdue = finding.deadline < on
        for user in operators_of(inspection.institution_id):
            _remind(run, user=user, kind="rectification_overdue" if overdue else "rectification_due",
                    object_id=finding.pk, date=on,
                    title=(f"整改已逾期（第{finding.position}项，期限{finding.deadline:%m月%d日}）" if overdue
                           else f"整改即将到期（第{finding.position}项，{finding.deadline:%m月%d日}）"),
                    body=finding.description[:200], url=reverse("regulation:inspection", args=[inspection.pk]))
    overdue_count = rectifications_overdue(on=on).count()
    if overdue_count:
        for user in coordinators():
            _remind(run, user=user, kind="overdue_summary", object_id=0, date=on,
                    title=f"{overdue_count}项检查整改逾期未销号", url=reverse("regulation:overdue"))
    for staff in staff_expiring(on=on).order_by("pk"):
        for label, expires in (("健康证明", staff.health_expires), ("资格证书", staff.certificate_expires)):
            if expires is None or not (on <= expires <= on + dt.timedelta(days=30)):
                continue
            for user in operators_of(staff.institution_id):
                _remind(run, user=user, kind=f"expiry_{'health' if label == '健康证明' else 'certificate'}",
                        object_id=staff.pk, date=expires, title=f"{staff.name}的{label}将于{expires:%Y-%m-%d}到期",
                        url=reverse("regulation:staff", args=[staff.institution_id]))
    late = Complaint.objects.filter(state=Complaint.State.ASSIGNED, reply_due__lt=on).select_related("institution")
    for complaint in late:
        for user in unit_users(complaint.unit_id, ACTS_FOR_UNIT):
            _remind(run, user=user, kind="complaint_overdue", object_id=complaint.pk, date=on,
                    title=f"投诉答复已逾期：{complaint.institution.name}",
                    url=reverse("regulation:complaint", args=[complaint.pk]))
    return run
