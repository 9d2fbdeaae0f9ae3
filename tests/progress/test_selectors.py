"""What the pages read: the unit's 我的任务 and the reports that count."""
import datetime as dt

import pytest
import time_machine

from progress import selectors, services
from tests.conftest import on_day
from tests.factories import ProgressReportFactory

from .conftest import approved_report, at, period

pytestmark = pytest.mark.django_db
D = dt.date


def test_early_in_a_month_the_missed_last_period_is_still_owed(world):
    approved_report(world.lead_a, 2026, 10, approved_on=D(2026, 10, 20))
    mine = selectors.my_tasks(user=world.officer, on=D(2026, 12, 2))
    owed = [(row.assignment.pk, status.spec.label, status.text) for row, status in mine.due]
    # November (due 11-25) was never reported: listed first, then December.
    assert owed == [(world.lead_a.pk, "2026年11月", "逾期未报"), (world.lead_a.pk, "2026年12月", "未填报")]
    assert mine.rows[0].light.code == "red"


def test_due_list_drops_what_was_submitted(world):
    approved_report(world.lead_a, 2026, 10, approved_on=D(2026, 10, 20))
    ProgressReportFactory(assignment=world.lead_a, period=period(world.plan, 2026, 11), state="submitted",
                          submitted_at=at(D(2026, 11, 20)))
    mine = selectors.my_tasks(user=world.officer, on=D(2026, 11, 22))
    assert mine.due == []
    assert mine.rows[0].this_period.text == "待审核"


@time_machine.travel(dt.datetime(2026, 11, 20, 2, tzinfo=dt.timezone.utc), tick=False)
def test_returned_reports_lead_the_page(world):
    # November's report, read in November (pinned: it is this period's report only then).
    p = period(world.plan, 2026, 11)
    with on_day(D(2026, 11, 20)):  # November is this period: its returned report leads
        report = services.report_create(actor=world.officer, assignment=world.lead_a, period=p,
                                        progress="x", percent=10, submit=True)
        services.report_return(actor=world.leader, report=report, reason="请补充。")
        mine = selectors.my_tasks(user=world.officer)
    assert [r.pk for r in mine.returned] == [report.pk]
    assert mine.rows[0].returned


def test_other_units_reports_stay_out_of_my_tasks(world):
    ProgressReportFactory(assignment=world.other_a, period=period(world.plan, 2026, 11), state="returned")
    assert selectors.my_tasks(user=world.officer).returned == []
    assert len(selectors.my_tasks(user=world.other_officer).returned) == 1


def test_my_tasks_holds_only_plans_in_force(world):
    from tasks.models import Plan

    on = D(2026, 3, 10)
    assert {r.assignment.pk for r in selectors.my_tasks(user=world.officer, on=on).rows} == {world.lead_a.pk}
    Plan.objects.filter(pk=world.plan.pk).update(status="draft")
    assert selectors.my_tasks(user=world.officer, on=on).rows == []
    Plan.objects.filter(pk=world.plan.pk).update(status="ended", ended_on=D(2026, 2, 28))
    assert selectors.my_tasks(user=world.officer, on=on).rows == []
    # Asked as of a day it was in force, it was there.
    assert len(selectors.my_tasks(user=world.officer, on=D(2026, 2, 10)).rows) == 1


def test_the_review_queue_leaves_out_reports_of_an_ended_plan(world):
    from tasks.models import Plan

    ProgressReportFactory(assignment=world.lead_a, period=period(world.plan, 2026, 2), state="submitted",
                          submitted_at=at(D(2026, 2, 20)), last_submitted_at=at(D(2026, 2, 20)))
    assert selectors.review_queue(user=world.leader).count() == 1
    Plan.objects.filter(pk=world.plan.pk).update(status="ended", ended_on=D(2026, 2, 28))
    assert selectors.review_queue(user=world.leader).count() == 0
