"""progress.services.reporting_periods."""
import datetime as dt

import pytest

from progress import services
from progress.models import ReportingPeriod

pytestmark = pytest.mark.django_db


def test_periods_ensure_creates_the_calendar_once(plan_2020):
    created = services.periods_ensure(plan=plan_2020, through=dt.date(2026, 11, 28))
    # 2020-07 … 2026-11 is 77 months, plus the coming one (2026-12).
    assert created == 78
    assert services.periods_ensure(plan=plan_2020, through=dt.date(2026, 11, 28)) == 0
    first = ReportingPeriod.objects.filter(plan=plan_2020).first()
    assert (first.label, first.start, first.due_date) == ("2020年7月", dt.date(2020, 7, 1), dt.date(2020, 7, 25))
    last = ReportingPeriod.objects.filter(plan=plan_2020).last()
    assert (last.label, last.due_date) == ("2026年12月", dt.date(2026, 12, 25))


def test_quarterly_plans_report_by_quarter(plan_2020):
    plan_2020.period_months = 3
    plan_2020.save()
    services.periods_ensure(plan=plan_2020, through=dt.date(2021, 2, 1))
    labels = list(ReportingPeriod.objects.filter(plan=plan_2020).values_list("label", "due_date"))
    assert labels == [
        ("2020年第3季度", dt.date(2020, 9, 25)), ("2020年第4季度", dt.date(2020, 12, 25)),
        ("2021年第1季度", dt.date(2021, 3, 25)), ("2021年第2季度", dt.date(2021, 6, 25)),
    ]


