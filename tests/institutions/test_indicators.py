"""Indicators read live by dashboards and by tasks 8 and 9's milestones."""
import datetime as dt
from decimal import Decimal

import pytest
from django.utils.module_loading import import_string

from institutions import indicators
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def registry(plan_2020):
    InstitutionFactory(registered_on=D(2020, 3, 1), status="filed", filed_on=D(2020, 9, 1), capacity=100,
                       is_demonstration=True, demonstration_on=D(2020, 11, 30))
    InstitutionFactory(registered_on=D(2020, 5, 1), status="filed", filed_on=D(2020, 10, 15), capacity=60)
    InstitutionFactory(registered_on=D(2020, 6, 1), status="registered", capacity=40)
    InstitutionFactory(registered_on=D(2020, 6, 1), status="cancelled", filed_on=D(2020, 8, 1), cancelled_on=D(2021, 6, 1),
                       capacity=30)
    InstitutionFactory(registered_on=D(2026, 2, 1), status="filed", filed_on=D(2026, 4, 1), capacity=200,
                       is_demonstration=True, demonstration_on=D(2026, 5, 1))


def test_completion_rate_as_of_end_of_2020(registry):
    # Registered by 2020-12-31 and not cancelled by then: 4; filed: 3 → 75.00 %.
    assert indicators.filing_completion_rate(D(2020, 12, 31)) == Decimal("75.00")
    # Mid-2020: registered 4 (the last one on 6-1), filed none yet.
    assert indicators.filing_completion_rate(D(2020, 6, 30)) == Decimal("0.00")
    # Today (2026-11-28): the cancelled one is gone; 4 registered, 3 filed.
    assert indicators.filing_completion_rate(D(2026, 11, 28)) == Decimal("75.00")


def test_completion_rate_with_nothing_registered(db):
    assert indicators.filing_completion_rate(D(2020, 12, 31)) == Decimal("0.00")


def test_demonstration_count(registry):
    assert indicators.demonstration_count(D(2020, 12, 31)) == 1
    assert indicators.demonstration_count(D(2020, 10, 1)) == 0
    assert indicators.demonstration_count(D(2026, 11, 28)) == 2


def test_filed_capacity_and_places_per_thousand(registry, settings):
    assert indicators.filed_capacity(D(2020, 12, 31)) == 190
    assert indicators.filed_capacity(D(2026, 11, 28)) == 360
    settings.PORTAL_POPULATION = 660000
    assert indicators.places_per_thousand(D(2026, 11, 28)) == Decimal("0.55")
    settings.PORTAL_POPULATION = 80000
    assert indicators.places_per_thousand(D(2026, 11, 28)) == Decimal("4.50")
    assert indicators.places_per_thousand_target() == Decimal("4.5")


def test_callable_by_dotted_path_with_defaults(registry):
    for name in ("filing_completion_rate", "demonstration_count", "filed_capacity", "places_per_thousand"):
        value = import_string(f"institutions.indicators.{name}")()
        assert value is not None
    assert isinstance(indicators.filing_completion_rate(), Decimal)
    assert isinstance(indicators.demonstration_count(), int)
