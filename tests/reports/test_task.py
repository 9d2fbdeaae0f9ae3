"""The task dashboard."""

import pytest

from reports import task as task_dashboard

from .conftest import D, report

pytestmark = pytest.mark.django_db


def test_task_dashboard_matrix_and_timeline(world):
    report(world.lead_a, 2026, 1, submitted_on=D(2026, 1, 20), approved_on=D(2026, 1, 21))
    report(world.other_a, 2026, 1, submitted_on=D(2026, 1, 28), approved_on=D(2026, 1, 29))
    t = task_dashboard.task_dashboard(user=world.viewer, task=world.task, on=D(2026, 2, 10))
    assert [s.label for s in t.matrix_periods] == ["2026年1月", "2026年2月"]
    assert [row["cells"] for row in t.matrix] == [["on_time", "open"], ["late", "open"]]
    assert len(t.timeline) == 2 and "审核通过" in t.timeline[0]["text"]
    assert t.rows[0]["fact"].is_lead and t.rows[0]["report"].percent == 50
