"""Reporting periods as arithmetic: a plan reports monthly (or quarterly), each
period due on the plan's `report_due_day` of the period's last month. The
ReportingPeriod rows (created by `services.periods_ensure`) are built from
these same functions, and the lights use them directly, so "what was due on
2020-10-01" never depends on a scheduled job having run."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .timerules import add_months, month_end


@dataclass(frozen=True, order=True)
class PeriodSpec:
    start: dt.date
    end: dt.date
    due_date: dt.date
    months: int

    @property
    def label(self) -> str:
        if self.months == 3:
            return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
        return f"{self.start.year}年{self.start.month}月"

    @property
    def key(self) -> str:
        return f"{self.start:%Y-%m}"


def _aligned_start(day: dt.date, months: int) -> dt.date:
    month = day.month - (day.month - 1) % months
    return dt.date(day.year, month, 1)


def spec_for(*, start: dt.date, months: int, due_day: int) -> PeriodSpec:
    start = _aligned_start(start, months)
    last_month = add_months(start, months - 1)
    end = month_end(last_month)
    due = last_month.replace(day=min(max(due_day, 1), end.day))
    return PeriodSpec(start=start, end=end, due_date=due, months=months)


def _plan_params(plan) -> tuple[int, int, dt.date | None]:
    """Periods count from the day the plan came into force (older stand-ins
    without that field: its issue date)."""
    start = getattr(plan, "in_force_from", None) or plan.issued_on
    return int(plan.period_months or 1), int(plan.report_due_day or 25), start


def first_period(plan) -> PeriodSpec | None:
    months, due_day, issued = _plan_params(plan)
    if issued is None:
        return None
    return spec_for(start=issued, months=months, due_day=due_day)


def period_containing(plan, day: dt.date) -> PeriodSpec:
    months, due_day, _ = _plan_params(plan)
    return spec_for(start=day, months=months, due_day=due_day)


def next_period(plan, spec: PeriodSpec) -> PeriodSpec:
    months, due_day, _ = _plan_params(plan)
    return spec_for(start=add_months(spec.start, spec.months), months=months, due_day=due_day)


def previous_period(plan, spec: PeriodSpec) -> PeriodSpec:
    months, due_day, _ = _plan_params(plan)
    return spec_for(start=add_months(spec.start, -months), months=months, due_day=due_day)


def periods_through(plan, day: dt.date) -> list[PeriodSpec]:
    """Every period from the plan's first through the one containing `day`
    (an ended plan's periods stop with the one containing its end date)."""
    first = first_period(plan)
    ended_on = getattr(plan, "ended_on", None)
    if ended_on is not None and day > ended_on:
        day = ended_on
    if first is None or day < first.start:
        return []
    last = period_containing(plan, day)
    specs, spec = [], first
    while spec.start <= last.start:
        specs.append(spec)
        spec = next_period(plan, spec)
    return specs


def period_for_start(plan, start: dt.date) -> PeriodSpec | None:
    """The plan's period beginning on `start`, if it is one (aligned, not before the plan)."""
    months, due_day, _ = _plan_params(plan)
    spec = spec_for(start=start, months=months, due_day=due_day)
    first = first_period(plan)
    if spec.start != start or first is None or spec.start < first.start:
        return None
    return spec


@dataclass(frozen=True)
class DueWindow:
    """At a date D: the latest period whose due date has passed (before D), and
    the current one (the first due on or after D)."""

    last_passed: PeriodSpec | None
    current: PeriodSpec


def due_window(plan, day: dt.date) -> DueWindow:
    spec = period_containing(plan, day)
    if spec.due_date >= day:
        current, passed = spec, previous_period(plan, spec)
    else:
        current, passed = next_period(plan, spec), spec
    first = first_period(plan)
    if first is None or passed.start < first.start:
        passed = None
    if first is not None and current.start < first.start:
        current = first
    return DueWindow(last_passed=passed, current=current)
