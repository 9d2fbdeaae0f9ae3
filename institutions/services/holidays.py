"""Writes to the working-day calendar (the house's services, kept beside
services.py, which is long already): loading a year's holiday arrangement, and
recomputing the deadlines of the filings awaiting a decision when the calendar
changes. Keyword-only, atomic, writing history; errors are ValidationError in
Chinese, raised before anything is written."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse

from accounts.roles import COORDINATES
from audit.models import ObjectChange
from audit.services import change_record, snapshot
from core import clock
from notifications.services import inbox_notify  # the inbox sits low, beside the history (ARCHITECTURE)

from .. import rules
from ..holidays import Arrangement, library_arrangement, parse_arrangement
from ..models import Filing, HolidayDay, HolidayYear
from ..workdays import WorkdayCalendar


def _cn(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "—"


@dataclass(frozen=True)
class DeadlineChange:
    filing_id: int
    label: str  # 机构 · 备案类型
    receipt: tuple[dt.date | None, dt.date | None]
    notice: tuple[dt.date | None, dt.date | None]

    def __str__(self) -> str:
        parts = []
        if self.receipt[0] != self.receipt[1]:
            parts.append(f"回执期限 {_cn(self.receipt[0])} → {_cn(self.receipt[1])}")
        if self.notice[0] != self.notice[1]:
            parts.append(f"告知期限 {_cn(self.notice[0])} → {_cn(self.notice[1])}")
        return f"{self.label}：" + "；".join(parts)


@dataclass
class LoadResult:
    years: list[int]
    days_off: int = 0
    make_up_days: int = 0
    changes: list[DeadlineChange] = field(default_factory=list)


def _require_calendar_keeper(actor) -> None:
    """A coordinator, or nobody (manage.py run by the operations staff)."""
    if rules.can_keep_calendar(actor):
        return
    raise PermissionDenied("只有区卫生健康委督办管理员可以维护节假日安排。")


@transaction.atomic
def holiday_arrangement_load(
    *, lines: Iterable[str], actor=None, source: str = HolidayYear.Source.FILE, label: str = ""
) -> LoadResult:
    """Load a holiday arrangement (holidays.py's text format), all or nothing.

    Every year of the file's 放假 days is replaced by the file's rows and marked
    loaded (`source`, now, `actor`); a 上班 day of a neighbouring year is written
    alone. The open filings whose deadlines this changes are recomputed, with
    history, and the reviewers are told in their inbox after commit."""
    _require_calendar_keeper(actor)
    arrangement: Arrangement = parse_arrangement(lines)  # ValidationError: nothing written
    years = arrangement.years
    HolidayDay.objects.filter(date__year__in=years).delete()
    HolidayDay.objects.filter(date__in=[d.date for d in arrangement.days]).delete()
    HolidayDay.objects.bulk_create(HolidayDay(date=d.date, kind=d.kind, name=d.name) for d in arrangement.days)
    result = LoadResult(years=years)
    where = f"（{label}）" if label else ""
    now = clock.now()
    for year in years:
        off, work = arrangement.counts(year)
        result.days_off += off
        result.make_up_days += work
        row = HolidayYear.objects.select_for_update().filter(year=year).first()
        before = snapshot(row)
        if row is None:
            row = HolidayYear(year=year)
        row.source, row.loaded_at = source, now
        row.loaded_by = actor if getattr(actor, "pk", None) else None
        row.save()
        change_record(
            actor=actor, instance=row,
            action=ObjectChange.Action.UPDATE if before else ObjectChange.Action.CREATE, before=before,
            comment=f"导入{year}年节假日安排{where}：放假{off}天，调休上班{work}天",
        )
    years_text = "、".join(f"{y}年" for y in years)
    result.changes = filing_deadlines_recompute(actor=actor, reason=f"导入{years_text}节假日安排{where}")
    return result


@transaction.atomic
def holiday_calendar_seed_from_library() -> int:
    """What the seeding migration does, on the current models: the library's
    years and days, where the table has none (idempotent). For a database
    emptied after migrating (a test flush); returns the days written."""
    years, rows = library_arrangement()
    kept = set(HolidayDay.objects.values_list("date", flat=True))
    days = HolidayDay.objects.bulk_create(
        [HolidayDay(date=day, kind=kind, name=name) for day, kind, name in rows if day not in kept], batch_size=500
    )
    loaded, now = HolidayYear.objects.loaded(), clock.now()
    HolidayYear.objects.bulk_create(
        [HolidayYear(year=y, source=HolidayYear.Source.LIBRARY, loaded_at=now) for y in years if y not in loaded]
    )
    return len(days)


@transaction.atomic
def filing_deadlines_recompute(*, actor=None, reason: str) -> list[DeadlineChange]:
    """Count again, on today's calendar table, the receipt and notice deadlines
    of every filing awaiting the decision (submitted); save those that change,
    each with its history, and after commit send each coordinator (not the
    actor) one inbox message listing them."""
    filings = list(
        Filing.objects.select_for_update().filter(status=Filing.Status.SUBMITTED, submitted_at__isnull=False)
        .select_related("institution").order_by("receipt_due_on", "pk")
    )
    if not filings:
        return []
    starts = [clock.date_of(f.submitted_at) for f in filings]
    span = max(settings.FILING_RECEIPT_WORKING_DAYS, settings.FILING_NOTICE_WORKING_DAYS)
    calendar = WorkdayCalendar(min(starts), max(starts) + dt.timedelta(days=2 * span + 30))
    changes = []
    for filing, start in zip(filings, starts):
        receipt = calendar.add_working_days(start, settings.FILING_RECEIPT_WORKING_DAYS)
        notice = calendar.add_working_days(start, settings.FILING_NOTICE_WORKING_DAYS)
        if (receipt, notice) == (filing.receipt_due_on, filing.notice_due_on):
            continue
        before = snapshot(filing)
        change = DeadlineChange(
            filing.pk, f"{filing.institution.name} · {filing.get_kind_display()}",
            (filing.receipt_due_on, receipt), (filing.notice_due_on, notice),
        )
        filing.receipt_due_on, filing.notice_due_on = receipt, notice
        filing.save(update_fields=["receipt_due_on", "notice_due_on", "updated_at"])
        change_record(actor=actor, instance=filing, action=ObjectChange.Action.UPDATE, before=before,
                      comment=f"{reason}，按工作日重算期限")
        changes.append(change)
    if changes:
        transaction.on_commit(lambda: _tell_reviewers(changes=changes, actor=actor, reason=reason))
    return changes


def _tell_reviewers(*, changes: list[DeadlineChange], actor, reason: str) -> None:
    """One inbox message per coordinator listing the changed filings."""
    reviewers = get_user_model().objects.filter(role__in=COORDINATES, is_active=True)
    if getattr(actor, "pk", None):
        reviewers = reviewers.exclude(pk=actor.pk)
    body = "\n".join([f"{reason}，以下{len(changes)}件待审核备案的期限已重算：", *(f"· {c}" for c in changes)])
    for reviewer in reviewers:
        inbox_notify(user=reviewer, title=f"节假日安排调整：{len(changes)}件待审核备案期限已变更", body=body,
                     url=reverse("institutions:review"), category="filing")
