"""Working days across the 2026 National Day holiday (10-1…10-7, with 9-25…9-27
for Mid-Autumn) and the make-up workdays 9-20 (Sunday) and 10-10 (Saturday),
as the seeding migration copied them from chinese-calendar into the district's
table; a coordinator's edit of the table; a year not loaded."""
import datetime as dt

import pytest

from institutions.models import HolidayDay, HolidayYear
from institutions.workdays import WorkdayCalendar, add_working_days, is_workday, working_days_between

D = dt.date
pytestmark = pytest.mark.django_db


def test_holidays_and_make_up_days_of_2026():
    assert not is_workday(D(2026, 10, 1)) and not is_workday(D(2026, 10, 7))
    assert is_workday(D(2026, 10, 10))  # Saturday, 调休上班
    assert is_workday(D(2026, 9, 20))  # Sunday, 调休上班
    assert not is_workday(D(2026, 9, 25))  # 中秋
    assert not is_workday(D(2026, 10, 11))  # ordinary Sunday


def test_five_working_days_across_national_day_and_the_make_up_saturday():
    # Wednesday 9-30 → 10-8 (Thu), 10-9 (Fri), 10-10 (Sat, make-up), 10-12 (Mon), 10-13 (Tue).
    assert add_working_days(D(2026, 9, 30), 5) == D(2026, 10, 13)
    assert add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)


def test_submission_on_a_holiday_counts_from_the_next_working_day():
    assert add_working_days(D(2026, 10, 3), 1) == D(2026, 10, 8)
    assert add_working_days(D(2026, 10, 3), 5) == D(2026, 10, 13)


def test_fifteen_working_days_across_mid_autumn_and_national_day():
    start = D(2026, 9, 18)
    due = add_working_days(start, 15)
    assert working_days_between(start, due) == 15
    # 9-20(Sun make-up),21,22,23,24,28,29,30 = 8; 10-8,9,10(Sat),12,13,14,15 = 7 → 10-15.
    assert due == D(2026, 10, 15)


def test_working_days_between_and_days_left():
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 13)) == 5
    assert working_days_between(D(2026, 10, 13), D(2026, 9, 30)) == -5
    assert working_days_between(D(2026, 10, 1), D(2026, 10, 7)) == 0
    cal = WorkdayCalendar(D(2026, 9, 1), D(2026, 10, 31))
    assert cal.working_days_left(D(2026, 10, 13), D(2026, 10, 13)) == 0
    assert cal.working_days_left(D(2026, 10, 9), D(2026, 10, 12)) == -2  # 10-10 and 10-12 late


def test_a_coordinators_edit_of_the_table_counts():
    HolidayDay.objects.filter(date=D(2026, 10, 10)).delete()  # 假设取消调休: an ordinary Saturday again
    HolidayDay.objects.filter(date=D(2026, 10, 5)).update(kind="work", name="假设改为上班")
    assert not is_workday(D(2026, 10, 10))
    assert is_workday(D(2026, 10, 5))
    # 10-5 (now a workday), 10-8, 10-9; 10-10 no longer counts.
    assert add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 9)
    assert add_working_days(D(2026, 9, 30), 4) == D(2026, 10, 12)


def test_a_year_not_loaded_is_monday_to_friday_plus_the_rows_typed_in():
    assert not HolidayYear.objects.filter(year=2027).exists()
    assert is_workday(D(2027, 3, 1))  # Monday
    assert not is_workday(D(2027, 3, 6))  # Saturday
    assert is_workday(D(2027, 1, 1))  # New Year's Day counted as a Friday: what the mark warns of
    HolidayDay.objects.create(date=D(2027, 2, 8), kind="off", name="2027年春节（待国务院公布）")
    assert not is_workday(D(2027, 2, 8))


def test_the_seed_covers_the_librarys_years_and_names_the_holidays_in_chinese():
    years = HolidayYear.objects.loaded()
    assert set(range(2004, 2027)) <= years and 2027 not in years
    assert set(HolidayYear.objects.values_list("source", flat=True)) == {"library"}
    assert HolidayDay.objects.get(date=D(2026, 10, 1)).name == "国庆节"
    assert HolidayDay.objects.get(date=D(2026, 10, 10)).kind == "work"
    assert "春节" in HolidayDay.objects.get(date=D(2026, 2, 16)).name


def test_the_calendar_tells_which_counted_years_are_not_loaded():
    cal = WorkdayCalendar(D(2026, 12, 1), D(2027, 1, 31))
    assert cal.is_year_loaded(2026) and not cal.is_year_loaded(2027)
    assert cal.unloaded_years(D(2026, 12, 30), D(2027, 1, 6)) == [2027]
    assert not cal.range_unverified(D(2026, 12, 1), D(2026, 12, 31))
    assert not cal.range_unverified(D(2027, 1, 6), D(2027, 1, 6))
    # (a, b]: submitted on 2027-12-31 of an unloaded year, counted only in a loaded one → fine.
    cal2 = WorkdayCalendar(D(2027, 12, 1), D(2028, 1, 31), exceptions={}, loaded_years={2028})
    assert not cal2.range_unverified(D(2027, 12, 31), D(2028, 1, 7))
    assert cal.deadline_unverified(counted_from=D(2026, 12, 1), due=D(2026, 12, 8), today=D(2027, 1, 4))


def test_calendar_reads_days_and_loaded_years_in_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        cal = WorkdayCalendar(D(2026, 9, 1), D(2026, 12, 31))
        for offset in range(100):
            cal.is_workday(D(2026, 9, 1) + dt.timedelta(days=offset))
        assert cal.is_year_loaded(2026) and not cal.is_year_loaded(2027)
