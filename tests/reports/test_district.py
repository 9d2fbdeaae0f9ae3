"""The district overview's figures."""

import pytest

from reports import district

from .conftest import D, report

pytestmark = pytest.mark.django_db


def test_district_overview_figures(world):
    report(world.lead_a, 2026, 2, submitted_on=D(2026, 2, 20), approved_on=D(2026, 2, 21))
    report(world.other_a, 2026, 2, submitted_on=D(2026, 2, 20), approved_on=D(2026, 2, 21))
    o = district.district_overview(user=world.viewer, on=D(2026, 3, 1))
    assert o.plan["pk"] == world.plan.pk and o.group_kind == "section"
    assert o.tasks_total == 2
    assert o.task_counts == {"red": 1, "yellow": 0, "green": 1, "done": 0}  # task 2: February missing
    assert o.overdue == 1 and o.due_now == 3 and o.needs_report == 3
    units = {u.name: u for u in o.units}
    assert set(units) == {"甲单位", "乙单位"}
    assert units["乙单位"].counts["red"] == 1 and units["乙单位"].light.code == "red"
    assert units["甲单位"].light.code == "green" and units["甲单位"].leads == 1
    assert o.institutions is not None and o.institutions.registered == 0
