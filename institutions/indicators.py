"""Registry indicators for dashboards and milestones (tasks 8 and 9 read them
live through `import_string`). Each takes an optional `as_of` date (default:
today in Asia/Shanghai) and counts the registry as it stood that day:

- registered: registered on or before the day and not cancelled by then;
- filed: registered as above and first filed on or before the day.

Capacity is the institution's current 托位数 (the registry keeps no history of
capacity), counted for institutions filed as of the day.
"""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from .models import Institution

TWO_PLACES = Decimal("0.01")


def _day(as_of: dt.date | None) -> dt.date:
    return as_of or timezone.localdate()


def registered_count(as_of: dt.date | None = None) -> int:
    return Institution.objects.registered_as_of(_day(as_of)).count()


def filed_count(as_of: dt.date | None = None) -> int:
    return Institution.objects.filed_as_of(_day(as_of)).count()


def filing_completion_rate(as_of: dt.date | None = None) -> Decimal:
    """Percent of registered institutions that are filed, e.g. Decimal("87.50");
    0.00 when nothing is registered."""
    day = _day(as_of)
    registered = registered_count(day)
    if not registered:
        return Decimal("0.00")
    return (Decimal(filed_count(day)) * 100 / registered).quantize(TWO_PLACES, ROUND_HALF_UP)


def demonstration_count(as_of: dt.date | None = None) -> int:
    """示范性 institutions recognised on or before the day and not cancelled by then."""
    day = _day(as_of)
    return (
        Institution.objects.registered_as_of(day)
        .filter(is_demonstration=True, demonstration_on__lte=day)
        .count()
    )


def filed_capacity(as_of: dt.date | None = None) -> int:
    total = Institution.objects.filed_as_of(_day(as_of)).aggregate(total=Sum("capacity"))["total"]
    return int(total or 0)


def population() -> int:
    return int(settings.PORTAL_POPULATION)


def places_per_thousand_target() -> Decimal:
    return Decimal(str(settings.PORTAL_PLACES_PER_THOUSAND_TARGET))


def places_per_thousand(as_of: dt.date | None = None) -> Decimal:
    """Filed 托位数 per 1,000 residents (district population: PORTAL_POPULATION)."""
    people = population()
    if people <= 0:
        return Decimal("0.00")
    return (Decimal(filed_capacity(as_of)) * 1000 / people).quantize(TWO_PLACES, ROUND_HALF_UP)
