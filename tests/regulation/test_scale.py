"""Regulation's part of the scale data: deterministic, and the indicators read it."""
from __future__ import annotations

from regulation import indicators, scale
from regulation.models import Finding, Inspection, StaffMember
from tests.factories import InstitutionFactory

from .conftest import DAY


def test_small_scale_run(users):
    for n in range(3):
        InstitutionFactory(name=f"【规模】托育{n}", status="filed", filed_on=DAY.replace(month=1))
    assert scale.generate(staff=50, inspections=20, seed=3, today=DAY) == {"staff": 50, "inspections": 20}
    assert StaffMember.objects.count() == 50 and Inspection.objects.count() == 20
    assert Finding.objects.count() >= 20
    assert 0 <= indicators.health_certificate_valid_rate(DAY) <= 100
