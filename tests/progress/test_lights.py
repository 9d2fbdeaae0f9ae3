"""Traffic lights at their boundaries (DESIGN.md), for an assignment, a task
and a unit, today and as of a past date."""
import datetime as dt

import pytest
from django.test import override_settings

from progress.lights import light_for, lights_for_assignments, lights_for_departments, lights_for_tasks
from tasks.models import Milestone
from tests.factories import (
    AssignmentCompletionFactory,
    ProgressReportFactory,
    ReportTransitionFactory,
    SupervisionNoticeFactory,
)

from .conftest import approve_everything, approved_report, at, period

pytestmark = pytest.mark.django_db

D = dt.date


def colour(**kwargs):
    return light_for(**kwargs).code


# ---- milestones: due today, in 7 days, in 8 days, one day overdue ---------------


@pytest.fixture
def quiet(world):
    """October approved for everyone: on 2026-11-01…11-21 no report rule fires."""
    approve_everything(world, 2026, 10, on=D(2026, 10, 20))
    return world


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (D(2026, 11, 10), "yellow"),  # due today
        (D(2026, 11, 3), "yellow"),  # due in 7 days
        (D(2026, 11, 2), "green"),  # due in 8 days
        (D(2026, 11, 11), "red"),  # one day overdue
    ],
)
def test_milestone_boundaries_for_assignment_task_and_unit(quiet, on, expected):
    Milestone.objects.create(plan=quiet.plan, task=quiet.task, title="成立专家组", due_date=D(2026, 11, 10))
    assert colour(assignment=quiet.lead_a, on=on) == expected
    assert colour(assignment=quiet.other_a, on=on) == expected  # every unit of the task
    assert colour(task=quiet.task, on=on) == expected
    assert colour(department=quiet.lead, on=on) == expected
    assert colour(task=quiet.second, on=on) == "green"  # another task is untouched


def test_met_milestone_is_no_longer_red_but_only_from_its_confirmation(quiet):
    m = Milestone.objects.create(plan=quiet.plan, task=quiet.task, title="成立专家组", due_date=D(2026, 11, 10))
    Milestone.objects.filter(pk=m.pk).update(met_on=D(2026, 11, 9), confirmed_at=at(D(2026, 11, 14)))
    assert colour(task=quiet.task, on=D(2026, 11, 12)) == "red"  # not yet confirmed on the 12th
    assert colour(task=quiet.task, on=D(2026, 11, 14)) == "green"


def test_milestone_reason_is_spelled_out(quiet):
    Milestone.objects.create(plan=quiet.plan, task=quiet.task, title="成立专家组", due_date=D(2026, 11, 10))
    light = light_for(assignment=quiet.lead_a, on=D(2026, 11, 11))
    assert light.label == "红灯（滞后）" and light.css == "light red"
    assert "节点目标“成立专家组”已于2026年11月10日到期" in light.reasons_text


# ---- reports: the last passed period and the current one ------------------------


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (D(2026, 11, 25), "yellow"),  # November due today, not submitted
        (D(2026, 11, 22), "yellow"),  # due in 3 days
        (D(2026, 11, 21), "green"),  # due in 4 days
        (D(2026, 11, 26), "red"),  # one day overdue, nothing approved
    ],
)
def test_report_due_boundaries(quiet, on, expected):
    assert colour(assignment=quiet.lead_a, on=on) == expected
    assert colour(task=quiet.task, on=on) == expected
    assert colour(department=quiet.other, on=on) == expected


def test_submitted_report_clears_the_due_soon_warning(quiet):
    ProgressReportFactory(
        assignment=quiet.lead_a, period=period(quiet.plan, 2026, 11), state="submitted",
        submitted_at=at(D(2026, 11, 20)), last_submitted_at=at(D(2026, 11, 20)),
    )
    assert colour(assignment=quiet.lead_a, on=D(2026, 11, 23)) == "green"
    assert colour(assignment=quiet.other_a, on=D(2026, 11, 23)) == "yellow"
    assert colour(task=quiet.task, on=D(2026, 11, 23)) == "yellow"  # worst of its units
    # Submitted is not approved: once the due date passes it is red until approved.
    assert colour(assignment=quiet.lead_a, on=D(2026, 11, 26)) == "red"


def test_only_the_latest_passed_period_counts(world):
    # Nothing for October, November approved: on 11-26 the October gap is history, not red.
    approved_report(world.lead_a, 2026, 11, approved_on=D(2026, 11, 24))
    assert colour(assignment=world.lead_a, on=D(2026, 11, 26)) == "green"
    assert colour(assignment=world.lead_a, on=D(2026, 11, 1)) == "red"  # …but it was red on Nov 1


def test_as_of_a_past_date_uses_what_was_known_then(world):
    approved_report(world.lead_a, 2026, 10, approved_on=D(2026, 10, 27))  # approved two days late
    assert colour(assignment=world.lead_a, on=D(2026, 10, 26)) == "red"
    assert colour(assignment=world.lead_a, on=D(2026, 10, 27)) == "green"
    assert colour(assignment=world.lead_a, on=D(2026, 10, 1)) == "red"  # September never reported
    approved_report(world.lead_a, 2026, 9, approved_on=D(2026, 9, 24))
    assert colour(assignment=world.lead_a, on=D(2026, 10, 1)) == "green"
    assert colour(assignment=world.lead_a, on=D(2026, 10, 25)) == "yellow"  # due that day, not submitted
    assert colour(assignment=world.lead_a, on=D(2026, 9, 24)) == "red"  # August never reported


def test_before_the_first_period_is_due_nothing_is_late(world):
    assert colour(assignment=world.lead_a, on=D(2026, 1, 6)) == "green"
    assert colour(assignment=world.lead_a, on=D(2026, 1, 23)) == "yellow"


def test_latest_step_returned_is_yellow_until_resubmitted(quiet):
    report = ProgressReportFactory(
        assignment=quiet.lead_a, period=period(quiet.plan, 2026, 11), state="returned",
        submitted_at=at(D(2026, 11, 5)), last_submitted_at=at(D(2026, 11, 5)),
    )
    ReportTransitionFactory(report=report, from_state="draft", to_state="submitted", at=at(D(2026, 11, 5)))
    ReportTransitionFactory(report=report, from_state="submitted", to_state="returned", at=at(D(2026, 11, 6)))
    ReportTransitionFactory(report=report, from_state="returned", to_state="resubmitted", at=at(D(2026, 11, 9)))
    assert colour(assignment=quiet.lead_a, on=D(2026, 11, 5)) == "green"
    assert colour(assignment=quiet.lead_a, on=D(2026, 11, 7)) == "yellow"
    assert colour(assignment=quiet.lead_a, on=D(2026, 11, 9)) == "green"


# ---- notices ----------------------------------------------------------------------


def test_unanswered_notice_past_deadline_turns_red(quiet):
    notice = SupervisionNoticeFactory(
        assignment=quiet.other_a, reply_due=D(2026, 11, 10), issued_at=at(D(2026, 11, 3)),
    )
    assert colour(assignment=quiet.other_a, on=D(2026, 11, 10)) == "green"  # deadline day
    assert colour(assignment=quiet.other_a, on=D(2026, 11, 11)) == "red"
    assert colour(assignment=quiet.lead_a, on=D(2026, 11, 11)) == "green"
    assert colour(task=quiet.task, on=D(2026, 11, 11)) == "red"
    assert colour(department=quiet.other, on=D(2026, 11, 11)) == "red"
    notice.replied_at, notice.state = at(D(2026, 11, 12)), "answered"
    notice.save()
    assert colour(assignment=quiet.other_a, on=D(2026, 11, 11)) == "red"  # as of then: unanswered
    assert colour(assignment=quiet.other_a, on=D(2026, 11, 12)) == "green"


# ---- done and roll-ups --------------------------------------------------------------


def test_done_needs_acceptance_and_wins_over_lateness(world):
    completion = AssignmentCompletionFactory(assignment=world.other_a, claimed_at=at(D(2026, 11, 1)))
    assert colour(assignment=world.other_a, on=D(2026, 11, 26)) == "red"  # claimed only
    completion.state, completion.decided_at = "accepted", at(D(2026, 11, 3))
    completion.save()
    assert colour(assignment=world.other_a, on=D(2026, 11, 26)) == "done"
    assert colour(assignment=world.other_a, on=D(2026, 11, 2)) == "red"  # as of before acceptance
    assert colour(task=world.task, on=D(2026, 11, 26)) == "red"  # the lead unit is still late
    AssignmentCompletionFactory(assignment=world.lead_a, state="accepted", decided_at=at(D(2026, 11, 4)))
    assert colour(task=world.task, on=D(2026, 11, 26)) == "done"
    assert colour(department=world.other, on=D(2026, 11, 26)) == "red"  # its task 2 is late


def test_department_is_worst_of_its_own(quiet):
    ProgressReportFactory(
        assignment=quiet.second_a, period=period(quiet.plan, 2026, 11), state="submitted",
        submitted_at=at(D(2026, 11, 20)),
    )
    # On 11-23: 乙单位 task 1 is yellow (not submitted), task 2 green → yellow.
    light = light_for(department=quiet.other, on=D(2026, 11, 23))
    assert light.code == "yellow"
    assert any(reason.startswith("1. 测试任务一：") for reason in light.reasons)  # the item heading (tasks.labels)
    assert lights_for_departments([quiet.other.pk, quiet.lead.pk], on=D(2026, 11, 23)) == {
        quiet.other.pk: light, quiet.lead.pk: light_for(department=quiet.lead, on=D(2026, 11, 23)),
    }


@override_settings(PORTAL_LIGHTS={"MILESTONE_DUE_SOON_DAYS": 14, "REPORT_DUE_SOON_DAYS": 5})
def test_thresholds_are_settings(quiet):
    Milestone.objects.create(plan=quiet.plan, task=quiet.second, title="节点", due_date=D(2026, 11, 16))
    assert colour(assignment=quiet.second_a, on=D(2026, 11, 2)) == "yellow"  # 14 days
    assert colour(assignment=quiet.lead_a, on=D(2026, 11, 20)) == "yellow"  # 5 days


def test_query_count_is_fixed(quiet, django_assert_num_queries):
    for month in range(1, 10):
        approve_everything(quiet, 2026, month, on=D(2026, month, 20))
    with django_assert_num_queries(4):
        lights_for_tasks([quiet.task.pk, quiet.second.pk], on=D(2026, 11, 26))
    with django_assert_num_queries(4):
        lights_for_assignments([quiet.lead_a.pk, quiet.other_a.pk, quiet.second_a.pk], on=D(2026, 11, 26))
    with django_assert_num_queries(4):
        light_for(department=quiet.other, on=D(2026, 11, 26))
