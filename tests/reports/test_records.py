"""Reports and 督办单 as they stood at the end of a date."""

import pytest

from reports import records
from tasks.models import Assignment
from tests.factories import ReportTransitionFactory, SupervisionNoticeFactory

from .conftest import D, at, report

pytestmark = pytest.mark.django_db


def test_notices_open_as_of_a_date(world):
    SupervisionNoticeFactory(assignment=world.other_a, issued_by=world.coordinator, issued_at=at(D(2026, 3, 1)),
                             reply_due=D(2026, 3, 10), replied_at=at(D(2026, 3, 15)), state="answered")
    counts = lambda on: records.notice_counts(user=world.viewer, assignments=Assignment.objects.all(), on=on)  # noqa: E731
    assert counts(D(2026, 2, 28)) == {}
    assert counts(D(2026, 3, 5)) == {world.other.pk: {"open": 1, "overdue": 0}}
    assert counts(D(2026, 3, 12)) == {world.other.pk: {"open": 1, "overdue": 1}}
    assert counts(D(2026, 3, 15)) == {}


def test_returned_as_of_a_date(world):
    r = report(world.lead_a, 2026, 3, state="approved", submitted_on=D(2026, 3, 20), approved_on=D(2026, 3, 24))
    ReportTransitionFactory(report=r, from_state="submitted", to_state="returned", at=at(D(2026, 3, 21)))
    ReportTransitionFactory(report=r, from_state="returned", to_state="resubmitted", at=at(D(2026, 3, 23)))
    returned = lambda on: records.returned_as_of(user=world.viewer, on=on, department=world.lead)  # noqa: E731
    assert returned(D(2026, 3, 20)) == []
    assert returned(D(2026, 3, 22)) == [r]
    assert returned(D(2026, 3, 23)) == []
