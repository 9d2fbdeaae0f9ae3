"""Working days in mainland China: weekends, statutory holidays and make-up
workdays (调休) from the `chinese-calendar` library, with the admin-editable
`WorkdayOverride` table winning over it (a correction, or a year the library
does not know yet; for such a year without overrides, Monday–Friday).

Counting convention: `add_working_days(d, n)` is the n-th working day *after*
d (d itself never counts, whatever it is), so a filing submitted on any day is
due 5 working days later. `working_days_between(a, b)` counts working days in
(a, b]; it is negative when b is before a.
"""
from __future__ import annotations

import datetime as dt
import logging

import chinese_calendar

logger = logging.getLogger(__name__)

ONE_DAY = dt.timedelta(days=1)
_warned_years: set[int] = set()


def library_is_workday(day: dt.date) -> bool:
    """The library's answer; Monday–Friday for a year it does not cover."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        if day.year not in _warned_years:
            _warned_years.add(day.year)
            logger.warning(
                "chinese-calendar 不含 %s 年的节假日安排，按周一至周五计算（可在“工作日调整”中补充）", day.year
            )
        return day.weekday() < 5


class WorkdayCalendar:
    """Working days over a date range, with the overrides of that range read
    in one query. Build one per page or job and ask it many questions."""

    def __init__(self, start: dt.date, end: dt.date, *, overrides: dict[dt.date, bool] | None = None):
        if overrides is None:
            from .models import WorkdayOverride

            overrides = WorkdayOverride.objects.between(start, end)
        self.start, self.end = start, end
        self.overrides = overrides
        self._cache: dict[dt.date, bool] = {}

    def _load_more(self, day: dt.date) -> None:
        # A question outside the loaded range: read that stretch's overrides too.
        from .models import WorkdayOverride

        start, end = min(day, self.start), max(day, self.end)
        self.overrides = WorkdayOverride.objects.between(start, end)
        self.start, self.end = start, end

    def is_workday(self, day: dt.date) -> bool:
        if day in self._cache:
            return self._cache[day]
        if not (self.start <= day <= self.end):
            self._load_more(day)
        answer = self.overrides[day] if day in self.overrides else library_is_workday(day)
        self._cache[day] = answer
        return answer

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        if n < 0:
            raise ValueError("n 必须为非负整数")
        current = day
        while n > 0:
            current += ONE_DAY
            if self.is_workday(current):
                n -= 1
        return current

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        if end < start:
            return -self.working_days_between(end, start)
        count, current = 0, start
        while current < end:
            current += ONE_DAY
            if self.is_workday(current):
                count += 1
        return count

    def working_days_left(self, due: dt.date, today: dt.date) -> int:
        """0 on the due day itself, negative once overdue (working days late)."""
        return self.working_days_between(today, due)


def _calendar_for(start: dt.date, end: dt.date, span: int = 0) -> WorkdayCalendar:
    # Enough range for n working days even across Spring Festival (≈ 2n + 20 days).
    return WorkdayCalendar(start, max(end, start + dt.timedelta(days=2 * span + 30)))


def is_workday(day: dt.date) -> bool:
    return WorkdayCalendar(day, day).is_workday(day)


def add_working_days(day: dt.date, n: int) -> dt.date:
    return _calendar_for(day, day, n).add_working_days(day, n)


def working_days_between(start: dt.date, end: dt.date) -> int:
    low, high = min(start, end), max(start, end)
    return WorkdayCalendar(low, high).working_days_between(start, end)
