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
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, Sum

from core import clock

from .models import Institution
from .querysets import demonstration_by, filed_by

TWO_PLACES = Decimal("0.01")


def _day(as_of: dt.date | None) -> dt.date:
    return as_of or clock.today()


@dataclass(frozen=True)
class Figures:
    registered: int
    filed: int
    demonstration: int
    filed_capacity: int


def figures(as_of: dt.date | None = None) -> Figures:
    """The registry's counts at the day, in one pass over the table."""
    day = _day(as_of)
    row = Institution.objects.registered_as_of(day).aggregate(
        registered=Count("pk"),
        filed=Count("pk", filter=filed_by(day)),
        demonstration=Count("pk", filter=demonstration_by(day)),
        filed_capacity=Sum("capacity", filter=filed_by(day)),
    )
    return Figures(row["registered"], row["filed"], row["demonstration"], int(row["filed_capacity"] or 0))


def registered_count(as_of: dt.date | None = None) -> int:
    return figures(as_of).registered


def filed_count(as_of: dt.date | None = None) -> int:
    return figures(as_of).filed


def completion_rate_of(counts: Figures) -> Decimal:
    """Percent of registered institutions that are filed, e.g. Decimal("87.50");
    0.00 when nothing is registered."""
    if not counts.registered:
        return Decimal("0.00")
    return (Decimal(counts.filed) * 100 / counts.registered).quantize(TWO_PLACES, ROUND_HALF_UP)


def filing_completion_rate(as_of: dt.date | None = None) -> Decimal:
    return completion_rate_of(figures(as_of))


def demonstration_count(as_of: dt.date | None = None) -> int:
    """示范性 institutions recognised on or before the day and not cancelled by then."""
    return figures(as_of).demonstration


def filed_capacity(as_of: dt.date | None = None) -> int:
    return figures(as_of).filed_capacity


def population() -> int:
    return int(settings.PORTAL_POPULATION)


def places_per_thousand_target() -> Decimal:
    return Decimal(str(settings.PORTAL_PLACES_PER_THOUSAND_TARGET))


def per_thousand_of(capacity: int) -> Decimal:
    """Filed 托位数 per 1,000 residents (district population: PORTAL_POPULATION)."""
    people = population()
    if people <= 0:
        return Decimal("0.00")
    return (Decimal(capacity) * 1000 / people).quantize(TWO_PLACES, ROUND_HALF_UP)


def places_per_thousand(as_of: dt.date | None = None) -> Decimal:
    return per_thousand_of(filed_capacity(as_of))
