"""The per-assignment facts: built from the lights' own evaluation, as of a date,
only approved reports, on-time rates."""

import pytest

from progress.lights import light_for
from reports import facts as report_facts
from reports import records
from tasks.models import Assignment
from tests.factories import AssignmentCompletionFactory, MilestoneFactory

from .conftest import D, at, report

pytestmark = pytest.mark.django_db


def facts_of(world, user=None, on=None):
    user = user or world.viewer
    return {f.pk: f for f in report_facts.assignment_facts(
        user=user, assignments=Assignment.objects.for_user(user), on=on)}


def test_facts_carry_the_lights_of_progress_lights(world):
    """Each clause of the lights shows on the dashboards as the lights decided it:
    the light and its reasons, and `overdue` only for the red *report* clause."""
    on = D(2026, 3, 23)
    MilestoneFactory(task=world.task, title="建立联席会议", due_date=D(2026, 3, 20))  # task 1: red for both units
    report(world.lead_a, 2026, 2, submitted_on=D(2026, 2, 20), approved_on=D(2026, 2, 21))
    report(world.lead_a, 2026, 3, state="submitted", submitted_on=D(2026, 3, 20))
    report(world.second_a, 2026, 2, submitted_on=D(2026, 2, 20), approved_on=D(2026, 2, 21))
    facts = facts_of(world, on=on)
    lead, other, second = facts[world.lead_a.pk], facts[world.other_a.pk], facts[world.second_a.pk]

    assert (lead.light.code, other.light.code, second.light.code) == ("red", "red", "yellow")
    for a in (world.lead_a, world.other_a, world.second_a):  # one assignment at a time: the same verdict
        assert facts[a.pk].light == light_for(assignment=a, on=on)
    # Red by the milestone alone is not "overdue"; red for February's missing report is.
    assert not lead.overdue and other.overdue and not second.overdue
    assert any("2026年2月进展（2026年2月25日截止）尚无审核通过的报告" in r for r in other.light.reasons)
    assert not any("尚无审核通过的报告" in r for r in lead.light.reasons)
    # This period: submitted by 甲单位, owed by 乙单位 on task 2 (yellow: due in 2 days).
    assert lead.current_submitted and not lead.needs_report
    assert second.needs_report and any("2026年3月进展2天后" in r for r in second.light.reasons)


def test_as_of_a_past_date_ignores_what_happened_after_it(world):
    # February's report (due 02-25) submitted 02-27, approved 03-05: late.
    report(world.lead_a, 2026, 2, submitted_on=D(2026, 2, 27), approved_on=D(2026, 3, 5))
    before = facts_of(world, on=D(2026, 3, 4))[world.lead_a.pk]
    assert before.overdue and not before.last_passed_approved
    assert before.light.code == "red"
    after = facts_of(world, on=D(2026, 3, 5))[world.lead_a.pk]
    assert not after.overdue and after.last_passed_approved
    # Approved, but late: it counts as reported, never as on time.
    assert after.approved_in_window == 1 and after.on_time == 0
    assert after.expected == 2  # January (due 01-25) and February (due 02-25)


def test_only_approved_reports_count(world):
    report(world.lead_a, 2026, 2, state="submitted", submitted_on=D(2026, 2, 20))
    report(world.other_a, 2026, 2, state="returned", submitted_on=D(2026, 2, 20), return_reason="请补充")
    facts = facts_of(world, on=D(2026, 3, 10))
    for a in (world.lead_a, world.other_a):
        assert facts[a.pk].overdue and facts[a.pk].on_time == 0 and facts[a.pk].approved_in_window == 0
    latest = records.latest_approved(user=world.viewer, assignments=Assignment.objects.all(), on=D(2026, 3, 10))
    assert latest == {}


def test_on_time_is_submitted_by_the_end_of_the_due_day(world):
    report(world.lead_a, 2026, 1, submitted_on=D(2026, 1, 25), approved_on=D(2026, 1, 28))  # on the day
    report(world.lead_a, 2026, 2, submitted_on=D(2026, 2, 26), approved_on=D(2026, 2, 27))  # one day late
    fact = facts_of(world, on=D(2026, 3, 1))[world.lead_a.pk]
    assert (fact.expected, fact.on_time, fact.approved_in_window) == (2, 1, 2)
    assert fact.on_time_rate == 50


def test_this_period_submitted_and_approved_flags(world):
    report(world.lead_a, 2026, 3, submitted_on=D(2026, 3, 20), approved_on=D(2026, 3, 22))
    report(world.other_a, 2026, 3, state="submitted", submitted_on=D(2026, 3, 21))
    facts = facts_of(world, on=D(2026, 3, 23))
    assert facts[world.lead_a.pk].current_approved and facts[world.lead_a.pk].current_submitted
    assert facts[world.other_a.pk].current_submitted and not facts[world.other_a.pk].current_approved
    assert facts[world.second_a.pk].needs_report
    assert facts[world.lead_a.pk].current.label == "2026年3月"
    # Before the plan's first period begins nothing is owed yet.
    assert not facts_of(world, on=D(2025, 12, 1))[world.lead_a.pk].due_now


def test_completed_parts_owe_no_reports_after_acceptance(world):
    AssignmentCompletionFactory(assignment=world.second_a, state="accepted", decided_at=at(D(2026, 2, 10)))
    fact = facts_of(world, on=D(2026, 5, 1))[world.second_a.pk]
    assert fact.done and not fact.overdue and not fact.due_now
    assert fact.expected == 1  # January only; February onwards were due after the acceptance


def test_on_time_by_period_rows(world):
    report(world.lead_a, 2026, 1, submitted_on=D(2026, 1, 20), approved_on=D(2026, 1, 21))
    report(world.other_a, 2026, 1, submitted_on=D(2026, 1, 27), approved_on=D(2026, 1, 28))
    assignments = Assignment.objects.all()
    facts = report_facts.assignment_facts(user=world.viewer, assignments=assignments, on=D(2026, 2, 1))
    rows = report_facts.on_time_by_period(user=world.viewer, assignments=assignments, facts=facts, on=D(2026, 2, 1))
    assert [(r["label"], r["due"], r["on_time"], r["late"], r["missing"]) for r in rows] == [
        ("2026年1月", 3, 1, 1, 1)
    ]
    assert str(rows[0]["rate"]) == "33.3"
