"""Reporting periods: the rows of a plan's periods (calendar arithmetic lives in progress.periods)."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from core import clock
from tasks.models import Plan

from .. import periods
from ..models import ReportingPeriod


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


def period_row(plan: Plan, period: ReportingPeriod | dt.date) -> ReportingPeriod:
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
