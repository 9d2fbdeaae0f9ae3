"""The district's registry figures for the dashboards and the Excel report
(institutions.indicators computes them; this only shapes them)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from institutions import indicators
from institutions.models import Institution
from institutions.querysets import demonstration_by, filed_by

from .facts import rate


@dataclass
class InstitutionIndicators:
    registered: int
    filed: int
    completion_rate: Decimal
    demonstration: int
    capacity: int
    per_thousand: Decimal
    target: Decimal
    population: int

    @property
    def target_met(self) -> bool:
        return self.per_thousand >= self.target


def institution_indicators(*, on: dt.date) -> InstitutionIndicators:
    """The district's registry figures at D (institutions.indicators, the one
    place they are computed)."""
    counts = indicators.figures(on)
    return InstitutionIndicators(
        registered=counts.registered, filed=counts.filed,
        completion_rate=indicators.completion_rate_of(counts), demonstration=counts.demonstration,
        capacity=counts.filed_capacity, per_thousand=indicators.per_thousand_of(counts.filed_capacity),
        target=indicators.places_per_thousand_target(), population=indicators.population(),
    )


def institutions_by_street(*, user, on: dt.date) -> list[dict]:
    """Per street at D: registered, filed, filed capacity, 普惠性 and 示范性 (one query)."""
    filed = filed_by(on)
    rows = (
        Institution.objects.for_user(user).registered_as_of(on)
        .values("street_id", "street__name", "street__position")
        .annotate(
            registered=Count("pk"),
            filed=Count("pk", filter=filed),
            capacity=Sum("capacity", filter=filed, default=0),
            inclusive=Count("pk", filter=filed & Q(is_inclusive=True)),
            demonstration=Count("pk", filter=demonstration_by(on)),
        )
        .order_by("street__position", "street__name")
    )
    return [
        {
            "street": r["street__name"], "registered": r["registered"], "filed": r["filed"],
            "rate": rate(r["filed"], r["registered"]), "capacity": r["capacity"] or 0,
            "inclusive": r["inclusive"], "demonstration": r["demonstration"],
        }
        for r in rows
    ]
