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
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum

from core import clock

from .models import Assessment, EnrolmentReport, Institution
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


# --- 普惠, quality assessment, utilisation (tasks 10–13; issue 15) ----------------------------
#
# As of D: 普惠 places count from the designation date (a withdrawn designation is gone from the
# registry, so it counts on no day); an institution is assessed from the day its assessment was
# confirmed; enrolment is each filed institution's latest monthly report for a month up to D,
# entered by the end of D, and no older than ENROLMENT_FRESH_MONTHS months (older says nothing
# about today's children).

ENROLMENT_FRESH_MONTHS = 3


def inclusive_by(day) -> Q:
    return Q(is_inclusive=True, inclusive_from__lte=day)


def inclusive_places(as_of: dt.date | None = None) -> int:
    """普惠托位数: places designated 普惠 by the day, in institutions filed by then."""
    day = _day(as_of)
    row = Institution.objects.registered_as_of(day).filter(filed_by(day)).aggregate(
        places=Sum("inclusive_places", filter=inclusive_by(day)))
    return int(row["places"] or 0)


def inclusive_count(as_of: dt.date | None = None) -> int:
    day = _day(as_of)
    return Institution.objects.registered_as_of(day).filter(filed_by(day) & inclusive_by(day)).count()


def inclusive_share(as_of: dt.date | None = None) -> Decimal:
    """普惠托位 as a percent of filed 托位, e.g. Decimal("62.50"); 0.00 with no filed places."""
    day = _day(as_of)
    row = Institution.objects.registered_as_of(day).filter(filed_by(day)).aggregate(
        places=Sum("inclusive_places", filter=inclusive_by(day)), capacity=Sum("capacity"))
    if not row["capacity"]:
        return Decimal("0.00")
    return (Decimal(row["places"] or 0) * 100 / row["capacity"]).quantize(TWO_PLACES, ROUND_HALF_UP)


def assessed_count(as_of: dt.date | None = None) -> int:
    """Institutions (registered at the day) with a quality assessment confirmed by then."""
    day = _day(as_of)
    confirmed = Assessment.objects.filter(
        institution=OuterRef("pk"), status=Assessment.Status.CONFIRMED, confirmed_on__lte=day)
    return Institution.objects.registered_as_of(day).filter(Exists(confirmed)).count()


def family_point_count(as_of: dt.date | None = None) -> int:
    day = _day(as_of)
    return Institution.objects.registered_as_of(day).filter(filed_by(day), category="family").count()


@dataclass(frozen=True)
class UtilisationRow:
    institution_id: int
    name: str
    street_id: int
    street: str
    capacity: int
    children: int | None  # None: no report fresh at the day
    period: dt.date | None

    @property
    def rate(self) -> Decimal | None:
        return _rate(self.children, self.capacity) if self.children is not None else None


@dataclass(frozen=True)
class Utilisation:
    children: int
    capacity: int  # of the institutions that reported
    reporting: int
    filed: int

    @property
    def rate(self) -> Decimal | None:
        return _rate(self.children, self.capacity)


def _rate(children: int, capacity: int) -> Decimal | None:
    if not capacity:
        return None
    return (Decimal(children) * 100 / capacity).quantize(TWO_PLACES, ROUND_HALF_UP)


def _months_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def utilisation_rows(as_of: dt.date | None = None, *, queryset=None) -> list[UtilisationRow]:
    """Each institution filed at the day with its latest fresh 在托人数: one query."""
    day = _day(as_of)
    latest = EnrolmentReport.objects.filter(
        institution=OuterRef("pk"), period__lte=day, period__gte=_months_before(day, ENROLMENT_FRESH_MONTHS - 1),
        reported_at__lte=clock.day_end(day),
    ).order_by("-period")
    base = queryset if queryset is not None else Institution.objects.all()
    rows = base.registered_as_of(day).filter(filed_by(day)).annotate(
        enrolled=Subquery(latest.values("children")[:1]), enrolled_period=Subquery(latest.values("period")[:1]),
    ).order_by("street__position", "name", "pk").values_list(
        "pk", "name", "street_id", "street__name", "capacity", "enrolled", "enrolled_period")
    return [UtilisationRow(*row) for row in rows]


def utilisation_of(rows: list[UtilisationRow]) -> Utilisation:
    reported = [r for r in rows if r.children is not None]
    return Utilisation(children=sum(r.children for r in reported), capacity=sum(r.capacity for r in reported),
                       reporting=len(reported), filed=len(rows))


def utilisation_by_street(rows: list[UtilisationRow]) -> list[tuple[str, Utilisation]]:
    streets: dict[int, tuple[str, list[UtilisationRow]]] = {}
    for row in rows:
        streets.setdefault(row.street_id, (row.street, []))[1].append(row)
    return [(name, utilisation_of(members)) for name, members in streets.values()]


def utilisation_rate(as_of: dt.date | None = None) -> Decimal | None:
    """在托/托位 of the district, percent, over the filed institutions that reported (None: none did)."""
    return utilisation_of(utilisation_rows(as_of)).rate


def enrolled_children(as_of: dt.date | None = None) -> int:
    return utilisation_of(utilisation_rows(as_of)).children
