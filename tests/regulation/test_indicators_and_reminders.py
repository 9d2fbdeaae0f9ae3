"""The indicators of tasks 10–13 move with the facts, read at an as-of date; the daily
reminders go out once."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.module_loading import import_string

from notifications.models import Notification
from regulation import indicators, services
from regulation.jobs import daily_reminders
from tasks.models import Milestone
from tests.conftest import on_day

from .conftest import DAY, valid_id

D = dt.date


def inspect(reg, institution, day, findings=()):
    with on_day(day):
        return services.inspection_record(actor=reg.inspector, institution=institution, inspected_on=day,
                                          kind="safety", inspectors="王敏", findings=findings)


def test_metric_sources_name_the_functions():
    for choice in (Milestone.MetricSource.INSPECTION_COVERAGE_RATE, Milestone.MetricSource.RECTIFICATION_ON_TIME_RATE,
                   Milestone.MetricSource.HEALTH_CERTIFICATE_VALID_RATE):
        app, _, name = choice.value.partition(".")
        assert import_string(f"{app}.indicators.{name}") is getattr(indicators, name)


def test_inspection_coverage_counts_this_years_inspections_by_the_day(reg):
    # Two filed institutions; one inspected on 2026-06-10.
    assert indicators.inspection_coverage_rate(D(2026, 6, 30)) == Decimal("0.00")
    inspect(reg, reg.inst, D(2026, 6, 10))
    assert indicators.inspection_coverage_rate(D(2026, 6, 9)) == Decimal("0.00")
    assert indicators.inspection_coverage_rate(D(2026, 6, 10)) == Decimal("50.00")
    assert indicators.inspection_coverage_rate(D(2027, 1, 2)) == Decimal("0.00")  # a new year starts at zero
    inspect(reg, reg.other, D(2026, 7, 1))
    assert indicators.inspection_coverage_rate(D(2026, 12, 1)) == Decimal("100.00")


def test_rectifications_closed_on_time(reg):
    inspection = inspect(reg, reg.inst, D(2026, 11, 20),
                         findings=(("甲", D(2026, 11, 25)), ("乙", D(2026, 11, 30)), ("备注", None)))
    first, second = inspection.findings.filter(deadline__isnull=False).order_by("position")
    assert indicators.rectification_on_time_rate(D(2026, 11, 24)) == Decimal("0.00")  # nothing due yet
    with on_day(D(2026, 11, 24)):
        services.finding_close(actor=reg.inspector, finding=first)
    assert indicators.rectification_on_time_rate(D(2026, 11, 25)) == Decimal("100.00")
    assert indicators.rectification_on_time_rate(D(2026, 11, 30)) == Decimal("50.00")  # second due, open
    with on_day(D(2026, 12, 1)):
        services.finding_close(actor=reg.inspector, finding=second)  # late: stays off time
    assert indicators.rectification_on_time_rate(D(2026, 12, 2)) == Decimal("50.00")


def test_staff_with_valid_health_certificates(reg):
    services.staff_add(actor=reg.operator, institution=reg.inst, name="甲", post="caregiver", id_number=valid_id(21),
                       started_on=D(2026, 1, 1), health_expires=D(2026, 12, 31))
    services.staff_add(actor=reg.operator, institution=reg.inst, name="乙", post="cook", id_number=valid_id(22),
                       started_on=D(2026, 1, 1), health_expires=D(2026, 10, 31))
    assert indicators.health_certificate_valid_rate(D(2025, 12, 31)) == Decimal("0.00")  # nobody active yet
    assert indicators.health_certificate_valid_rate(D(2026, 10, 31)) == Decimal("100.00")
    assert indicators.health_certificate_valid_rate(D(2026, 11, 1)) == Decimal("50.00")
    assert indicators.health_certificate_valid_rate(D(2027, 1, 1)) == Decimal("0.00")


def test_daily_reminders_once(reg):
    inspect(reg, reg.inst, D(2026, 11, 20), findings=(("灭火器过期", D(2026, 12, 1)),))
    services.staff_add(actor=reg.operator, institution=reg.inst, name="甲", post="caregiver", id_number=valid_id(23),
                       started_on=D(2026, 1, 1), health_expires=DAY + dt.timedelta(days=20))
    before = Notification.objects.count()
    first = daily_reminders(DAY.isoformat())
    assert first["rectification_overdue"] == 1 and first["overdue_summary"] == 1 and first["expiry_health"] == 1
    assert Notification.objects.filter(recipient=reg.operator, title__startswith="整改已逾期").exists()
    assert Notification.objects.filter(recipient=reg.coordinator, title="1项检查整改逾期未销号").exists()
    assert daily_reminders(DAY.isoformat())["sent"] == 0
    assert Notification.objects.count() == before + first["sent"]
