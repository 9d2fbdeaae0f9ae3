"""The unit dashboard: who may open which unit, and what it reads."""

import pytest
from django.http import Http404

from reports import department

from .conftest import D, report

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
    report(world.other_a, 2026, 2, state="draft")  # a draft of 乙单位 is nobody else's business
    d = department.department_dashboard(user=world.other_officer, department=world.other, on=D(2026, 3, 1))
    assert [row["fact"].pk for row in d.rows] == [world.second_a.pk, world.other_a.pk]  # lead first
    assert all(row["report"] is None for row in d.rows)
    assert d.light.code == "red"
