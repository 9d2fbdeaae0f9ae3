"""Working days in mainland China, from the district's own calendar table.

`HolidayDay` holds the exceptional days (放假, 调休上班); `HolidayYear` the
years whose arrangement is loaded. A day is a working day when it is
Monday–Friday and not 放假, or when it is 调休上班. For a year that is not
loaded the same rule gives plain Monday–Friday (plus whatever rows a
coordinator typed in), and whatever is counted across such a year is
"unverified": pages and reminders mark it with UNVERIFIED_TEXT.

Counting convention: `add_working_days(d, n)` is the n-th working day *after*
d (d itself never counts, whatever it is), so a filing submitted on any day is
due 5 working days later. `working_days_between(a, b)` counts working days in
(a, b]; it is negative when b is before a. `range_unverified(a, b)` asks about
the same days (a, b].
"""
from __future__ import annotations

import datetime as dt

from django.db.models import CharField, DateField, Value
from django.db.models.functions import Cast

from .models import HolidayDay, HolidayYear

ONE_DAY = dt.timedelta(days=1)

UNVERIFIED_TEXT = "该年度节假日安排尚未导入，期限待复核"


def _read(start: dt.date, end: dt.date) -> tuple[dict[dt.date, bool], set[int]]:
    """The exceptional days of [start, end] and the loaded years, in ONE query
    (a UNION ALL: the year rows come back with a NULL date and the year as text),
    so a page's calendar costs what it cost before years were tracked."""
    days = HolidayDay.objects.in_range(start, end).order_by().values_list("date", "kind")
    years = HolidayYear.objects.order_by().values_list(
        Value(None, output_field=DateField()), Cast("year", output_field=CharField())
    )
    exceptions: dict[dt.date, bool] = {}
    loaded: set[int] = set()
    for day, value in days.union(years, all=True):
        if day is None:
            loaded.add(int(value))
        else:
            exceptions[day] = value == HolidayDay.Kind.WORK
    return exceptions, loaded


class WorkdayCalendar:
    """Working days over a date range, read in one query (the range's
    exceptional days and the loaded years). Build one per page or job and ask
    it many questions; a question outside the range reads once more."""

    def __init__(self, start: dt.date, end: dt.date, *, exceptions: dict[dt.date, bool] | None = None,
                 loaded_years: set[int] | None = None):
        if exceptions is None or loaded_years is None:
            read_exceptions, read_years = _read(start, end)
            exceptions = read_exceptions if exceptions is None else exceptions
            loaded_years = read_years if loaded_years is None else loaded_years
        self.start, self.end = start, end
        self.exceptions = exceptions
        self.loaded_years = set(loaded_years)
        self._cache: dict[dt.date, bool] = {}

    def _load_more(self, day: dt.date) -> None:
        # A question outside the loaded range: read that stretch too.
        start, end = min(day, self.start), max(day, self.end)
        self.exceptions, self.loaded_years = _read(start, end)
        self.start, self.end = start, end

    def is_workday(self, day: dt.date) -> bool:
        if day in self._cache:
            return self._cache[day]
        if not (self.start <= day <= self.end):
            self._load_more(day)
        answer = self.exceptions[day] if day in self.exceptions else day.weekday() < 5
        self._cache[day] = answer
        return answer

    # --- which years are loaded -----------------------------------------------------------

    def is_year_loaded(self, year: int) -> bool:
        return year in self.loaded_years

    def unloaded_years(self, start: dt.date, end: dt.date) -> list[int]:
        """The years of the days in (start, end] (either order) whose arrangement
        is not loaded: what counting over that stretch assumed Monday–Friday for."""
        low, high = min(start, end), max(start, end)
        if low == high:
            return []
        first = (low + ONE_DAY).year
        return [y for y in range(first, high.year + 1) if y not in self.loaded_years]

    def range_unverified(self, start: dt.date, end: dt.date) -> bool:
        return bool(self.unloaded_years(start, end))

    def deadline_unverified(self, *, counted_from: dt.date, due: dt.date, today: dt.date | None = None) -> bool:
        """A deadline counted from `counted_from` to `due` (and, given `today`,
        the days left or late counted from today) touches a year not loaded."""
        if self.range_unverified(counted_from, due):
            return True
        return today is not None and self.range_unverified(today, due)

    # --- counting -------------------------------------------------------------------------

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


def calendar_for(start: dt.date, span: int = 0, end: dt.date | None = None) -> WorkdayCalendar:
    """A calendar from `start` wide enough for `span` working days even across
    Spring Festival (≈ 2n + 30 days), or up to `end` if that is later."""
    wide = start + dt.timedelta(days=2 * span + 30)
    return WorkdayCalendar(start, max(end or wide, wide))


def is_workday(day: dt.date) -> bool:
    return WorkdayCalendar(day, day).is_workday(day)


def add_working_days(day: dt.date, n: int) -> dt.date:
    return calendar_for(day, n).add_working_days(day, n)


def working_days_between(start: dt.date, end: dt.date) -> int:
    low, high = min(start, end), max(start, end)
    return WorkdayCalendar(low, high).working_days_between(start, end)
