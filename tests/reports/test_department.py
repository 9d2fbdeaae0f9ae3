"""The unit dashboard: who may open which unit, and what it reads."""

import pytest
from django.http import Http404

from reports import department
from tests.factories import ReportTransitionFactory, SupervisionNoticeFactory

from .conftest import D, at, report

pytestmark = pytest.mark.django_db


def test_department_scope_rules(world):
    assert department.department_for_user(user=world.officer, pk=None) == world.lead
    assert department.department_for_user(user=world.officer, pk=world.lead.pk) == world.lead
    with pytest.raises(Http404):
        department.department_for_user(user=world.officer, pk=world.other.pk)
    assert department.department_for_user(user=world.viewer, pk=world.other.pk) == world.other
    with pytest.raises(Http404):
        department.department_for_user(user=world.viewer, pk=None)


def test_department_dashboard_reads_only_the_users_scope(world):
    """Asked directly (beneath department_for_user's 404), the dashboard still
    reads through the reader's scope: 甲单位's officer sees of 乙单位 only its part
    in the task 甲单位 leads (task 1), never 乙单位's own task 2, its reports,
    returns or notices; 乙单位's own officer sees both."""
    on = D(2026, 3, 23)
    report(world.other_a, 2026, 2, submitted_on=D(2026, 2, 20), approved_on=D(2026, 2, 21))
    second = report(world.second_a, 2026, 2, submitted_on=D(2026, 2, 20), approved_on=D(2026, 2, 21))
    report(world.other_a, 2026, 3, state="draft")  # a draft of 乙单位 is nobody else's business
    returned = report(world.second_a, 2026, 3, state="returned", submitted_on=D(2026, 3, 20))
    ReportTransitionFactory(report=returned, from_state="submitted", to_state="returned", at=at(D(2026, 3, 21)))
    SupervisionNoticeFactory(assignment=world.second_a, issued_by=world.coordinator, issued_at=at(D(2026, 3, 1)),
                             reply_due=D(2026, 3, 30))

    outside = department.department_dashboard(user=world.officer, department=world.other, on=on)
    assert [row["fact"].pk for row in outside.rows] == [world.other_a.pk]
    assert outside.rows[0]["report"].period.start == D(2026, 2, 1)  # the approved one, not the draft
    assert outside.returned == [] and outside.notices == []
    assert outside.counts == {"red": 0, "yellow": 1, "green": 0, "done": 0}

    own = department.department_dashboard(user=world.other_officer, department=world.other, on=on)
    assert [row["fact"].pk for row in own.rows] == [world.second_a.pk, world.other_a.pk]  # lead first
    assert own.rows[0]["report"] == second
    assert own.returned == [returned] and len(own.notices) == 1
