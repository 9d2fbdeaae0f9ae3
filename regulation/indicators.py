"""Regulation indicators for milestones of tasks 10–13 (named "regulation.<name>" in
tasks.models.Milestone.MetricSource, read live by progress.milestones through
`import_string`). Each takes an optional `as_of` date (default: today in Asia/Shanghai)
and counts the facts as they stood that day; each returns a percent, e.g. Decimal("87.50"),
and 0.00 when there is nothing to count.

- inspection_coverage_rate: filed institutions (as of the day) inspected at least once in
  that calendar year, on or before the day;
- rectification_on_time_rate: rectifications due on or before the day that were closed on
  or before their deadline;
- health_certificate_valid_rate: staff active on the day whose 健康证明 is valid that day.
"""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, OuterRef, Q

from core import clock
from institutions.models import Institution
from institutions.querysets import filed_by

from .models import Finding, Inspection, StaffMember

TWO_PLACES = Decimal("0.01")


def _day(as_of: dt.date | None) -> dt.date:
    return as_of or clock.today()


def _percent(part: int, whole: int) -> Decimal:
    if not whole:
        return Decimal("0.00")
    return (Decimal(part) * 100 / whole).quantize(TWO_PLACES, ROUND_HALF_UP)


def inspection_coverage_rate(as_of: dt.date | None = None) -> Decimal:
    day = _day(as_of)
    inspected = Inspection.objects.filter(institution=OuterRef("pk"), inspected_on__gte=dt.date(day.year, 1, 1),
                                          inspected_on__lte=day)
    row = (Institution.objects.registered_as_of(day).filter(filed_by(day))
           .aggregate(filed=Count("pk"), inspected=Count("pk", filter=Q(Exists(inspected)))))
    return _percent(row["inspected"], row["filed"])


def rectification_on_time_rate(as_of: dt.date | None = None) -> Decimal:
    day = _day(as_of)
    row = Finding.objects.filter(deadline__isnull=False, deadline__lte=day).aggregate(
        due=Count("pk"),
        on_time=Count("pk", filter=Q(closed_on__lte=F("deadline")) & Q(closed_on__lte=day)),
    )
    return _percent(row["on_time"], row["due"])


def health_certificate_valid_rate(as_of: dt.date | None = None) -> Decimal:
    day = _day(as_of)
    row = StaffMember.objects.active_on(day).aggregate(
        active=Count("pk"), valid=Count("pk", filter=Q(health_expires__gte=day)))
    return _percent(row["valid"], row["active"])
