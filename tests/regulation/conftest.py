"""A small regulated world: a filed institution with its operator, another institution,
an inspector of 区疾控中心 and one of 区妇幼保健院. Its tests run on 2026-12-02."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from tests.conftest import pinned_to

DAY = dt.date(2026, 12, 2)

_on_the_day = pinned_to(DAY)


def valid_id(n: int, *, birth: str = "19900101") -> str:
    from regulation.personid import make

    return make(f"500103{birth}{n:03d}")


@pytest.fixture
def reg(users):
    from regulation.units import inspection_units_ensure
    from tests.factories import InstitutionFactory, UserFactory

    health, cdc, police = inspection_units_ensure()
    inst = InstitutionFactory(name="小星星托育中心", status="filed", registered_on=dt.date(2026, 1, 5),
                              filed_on=dt.date(2026, 2, 1))
    other = InstitutionFactory(name="别家托育园", status="filed", registered_on=dt.date(2026, 1, 5),
                               filed_on=dt.date(2026, 2, 1))
    operator = users["operator"]
    operator.institution = inst
    operator.save(update_fields=["institution"])
    return SimpleNamespace(
        **users, inst=inst, other=other, health_unit=health, cdc=cdc, enforcement=police,
        inspector=UserFactory(role="officer", department=cdc),
        other_inspector=UserFactory(role="officer", department=health),
        other_operator=UserFactory(role="operator", department=None, institution=other),
    )
