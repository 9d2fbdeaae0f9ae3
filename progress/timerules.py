"""The portal's time rules, in one place. Every page, light, dashboard, export
and reminder asks these; none restates them.

At a date D (events count if they happened before the end of D, Asia/Shanghai):

- end of D ......................... core.clock.day_end(D)
- month arithmetic ................. add_months(day, n) (day kept, clamped to the month's end)
- this period ...................... this_period(plan, D): the one containing D (the plan's first before it starts)
- current / last passed period ..... due_window(plan, D): the first due on or after D / the latest due before D
- milestone met by D ............... milestone_met(m, D); filter: Milestone.objects.unmet_by(on=D)
- milestone due soon ............... milestone_status(m, D) with milestone_due_soon_days() (setting)
- report due soon .................. report_due_soon_days() (setting)
- 督办单 open / overdue at D ....... notice_status(n, D); filters: SupervisionNotice.objects.open_at / overdue_at
"""
from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings

from core.clock import day_end

RED, YELLOW, GREEN, DONE = "red", "yellow", "green", "done"


# ---------------------------------------------------------------- thresholds (settings)


def thresholds() -> dict[str, int]:
    configured = getattr(settings, "PORTAL_LIGHTS", {}) or {}
    return {
        "MILESTONE_DUE_SOON_DAYS": int(configured.get("MILESTONE_DUE_SOON_DAYS", 7)),
        "REPORT_DUE_SOON_DAYS": int(configured.get("REPORT_DUE_SOON_DAYS", 3)),
    }


def milestone_due_soon_days() -> int:
    return thresholds()["MILESTONE_DUE_SOON_DAYS"]


def report_due_soon_days() -> int:
    return thresholds()["REPORT_DUE_SOON_DAYS"]


# ---------------------------------------------------------------- months


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier), clamped to the month's last
    day: 03-31 − 1 month = 02-28 (02-29 in a leap year)."""
    index = day.year * 12 + (day.month - 1) + months
    first = dt.date(index // 12, index % 12 + 1, 1)
    return first.replace(day=min(day.day, month_end(first).day))


# ---------------------------------------------------------------- periods


def this_period(plan, on: dt.date):
    """The period containing D, or the plan's first before it starts."""
    from . import periods  # inside: progress.periods imports this module (cycle)

    first = periods.first_period(plan)
    spec = periods.period_containing(plan, on)
    return first if first is not None and spec.start < first.start else spec


def due_window(plan, on: dt.date):
    """(last passed, current): the latest period due before D, the first due on or after D."""
    from . import periods  # inside: progress.periods imports this module (cycle)

    return periods.due_window(plan, on)


# ---------------------------------------------------------------- milestones


def milestone_met(m, on: dt.date) -> bool:
    """Met by the end of D: achieved on or before D and confirmed by then."""
    return m.met_on is not None and m.met_on <= on and m.confirmed_at is not None and m.confirmed_at < day_end(on)


def milestone_due_soon_until(on: dt.date) -> dt.date:
    """The last due date that counts as "due soon" at D."""
    return on + dt.timedelta(days=milestone_due_soon_days())


def milestone_status(m, on: dt.date) -> tuple[str, str]:
    """(word, light code) of a milestone at D: 已达成 / 逾期未达成 / 即将到期 / 推进中."""
    if milestone_met(m, on):
        return "已达成", DONE
    if m.due_date < on:
        return "逾期未达成", RED
    if m.due_date <= milestone_due_soon_until(on):
        return "即将到期", YELLOW
    return "推进中", GREEN


# ---------------------------------------------------------------- 督办单


def notice_status(n, on: dt.date) -> str:
    """已办结 / 已答复 / 逾期未答复 / 待答复 at the end of D."""
    end = day_end(on)
    if n.closed_at and n.closed_at < end:
        return "已办结"
    if n.replied_at and n.replied_at < end:
        return "已答复"
    if n.reply_due < on:
        return "逾期未答复"
    return "待答复"


# ---------------------------------------------------------------- plans


def read_date(plan, on: dt.date) -> dt.date:
    """The date a plan is read at: an ended plan as it stood on its end date
    (its default, and the latest date it can be read at)."""
    ended_on = getattr(plan, "ended_on", None)
    return ended_on if ended_on is not None and on > ended_on else on
