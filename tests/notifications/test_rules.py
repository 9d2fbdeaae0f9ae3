"""Every rule at its boundary dates (rules.collect on a given day D)."""
import datetime as dt

import pytest
from django.utils import timezone

from notifications import rules
from notifications.models import ReminderSettings
from tests.factories import (
    AssignmentCompletionFactory,
    FilingFactory,
    HolidayDayFactory,
    MilestoneFactory,
    ProgressReportFactory,
    ReportingPeriodFactory,
    SupervisionNoticeFactory,
)

from .conftest import who

D = dt.date
pytestmark = pytest.mark.django_db

NOV_DUE = D(2026, 11, 25)  # the November report of the world's plan is due on the 25th


def reports(found):
    return {x for x in who(found) if x[1] == "report"}


def of_period(found, due):
    return {(u, rule, day) for u, kind, rule, day in who(r for r in found if r.due_date == due) if kind == "report"}


# ---------------------------------------------------------------- pure stages


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (D(2026, 11, 21), None),                                # 4 days before: nothing
        (D(2026, 11, 22), ("before_3", D(2026, 11, 22))),
        (D(2026, 11, 23), ("before_3", D(2026, 11, 22))),       # same key: sent late if 11-22 was missed
        (D(2026, 11, 24), ("before_1", D(2026, 11, 24))),
        (D(2026, 11, 25), ("due_today", D(2026, 11, 25))),
        (D(2026, 11, 26), None),                                # past: the overdue rules take over
    ],
)
def test_before_stage_boundaries(on, expected):
    assert rules.before_stage(NOV_DUE, on, (0, 1, 3), catch_up=3) == expected


def test_a_missed_stage_is_caught_up_only_within_the_window():
    due = D(2026, 12, 15)
    assert rules.before_stage(due, D(2026, 12, 4), (1, 7, 14), catch_up=3) == ("before_14", D(2026, 12, 1))
    assert rules.before_stage(due, D(2026, 12, 5), (1, 7, 14), catch_up=3) is None  # 4 days late: given up


def test_escalation_stages_boundaries():
    r = rules.Rules()
    assert rules.escalation_stages(NOV_DUE, D(2026, 11, 25), r) == []
    assert rules.escalation_stages(NOV_DUE, D(2026, 11, 26), r) == [
        ("escalate_leader", D(2026, 11, 26), "leader")
    ]
    assert rules.escalation_stages(NOV_DUE, D(2026, 11, 27), r) == [
        ("escalate_leader", D(2026, 11, 26), "leader")
    ]
    assert rules.escalation_stages(NOV_DUE, D(2026, 11, 28), r) == [
        ("escalate_leader", D(2026, 11, 26), "leader"),
        ("escalate_coordinator", D(2026, 11, 28), "coordinator"),
    ]
    assert rules.escalation_stages(NOV_DUE, D(2026, 12, 2), r) == []  # both older than the catch-up window


# ---------------------------------------------------------------- reports


def test_report_reminders_before_on_and_after_the_due_date(world):
    officers = {"a-officer", "a-officer2", "b-officer"}
    assert of_period(rules.collect(D(2026, 11, 21)), NOV_DUE) == set()
    assert of_period(rules.collect(D(2026, 11, 22)), NOV_DUE) == {(u, "before_3", D(2026, 11, 22)) for u in officers}
    assert of_period(rules.collect(D(2026, 11, 24)), NOV_DUE) == {(u, "before_1", D(2026, 11, 24)) for u in officers}
    assert of_period(rules.collect(D(2026, 11, 25)), NOV_DUE) == {(u, "due_today", D(2026, 11, 25)) for u in officers}
    # One day late: daily to the unit, escalated to each unit's leader.
    assert of_period(rules.collect(D(2026, 11, 26)), NOV_DUE) == {
        (u, "overdue", D(2026, 11, 26)) for u in officers
    } | {("a-leader", "escalate_leader", D(2026, 11, 26)), ("b-leader", "escalate_leader", D(2026, 11, 26))}
    # Three days late: and to the coordinator.
    day3 = of_period(rules.collect(D(2026, 11, 28)), NOV_DUE)
    assert ("coordinator", "escalate_coordinator", D(2026, 11, 28)) in day3
    assert {(u, "overdue", D(2026, 11, 28)) for u in officers} <= day3
    # Daily while overdue, until the next period's due date passes.
    assert {(u, "overdue", D(2026, 12, 20)) for u in officers} == {
        x for x in of_period(rules.collect(D(2026, 12, 20)), NOV_DUE) if x[1] == "overdue"
    }
    assert of_period(rules.collect(D(2026, 12, 26)), NOV_DUE) == set()


def test_submitted_or_approved_reports_are_not_chased(world):
    period = ReportingPeriodFactory(plan=world.plan, start=D(2026, 11, 1))
    ProgressReportFactory(assignment=world.lead, period=period, state="submitted",
                          created_by=world.people.a_officer)
    ProgressReportFactory(assignment=world.resp, period=period, state="approved",
                          created_by=world.people.b_officer)
    assert of_period(rules.collect(D(2026, 11, 24)), NOV_DUE) == set()
    assert of_period(rules.collect(D(2026, 11, 28)), NOV_DUE) == set()


def test_draft_and_returned_reports_are_still_chased(world):
    period = ReportingPeriodFactory(plan=world.plan, start=D(2026, 11, 1))
    ProgressReportFactory(assignment=world.lead, period=period, state="draft", created_by=world.people.a_officer)
    ProgressReportFactory(assignment=world.resp, period=period, state="returned", created_by=world.people.b_officer)
    found = of_period(rules.collect(D(2026, 11, 24)), NOV_DUE)
    assert {u for u, _rule, _day in found} == {"a-officer", "a-officer2", "b-officer"}


def test_an_accepted_completion_ends_the_reminders(world):
    AssignmentCompletionFactory(assignment=world.resp, state="accepted", claimed_by=world.people.b_officer)
    found = of_period(rules.collect(D(2026, 11, 24)), NOV_DUE)
    assert {u for u, _rule, _day in found} == {"a-officer", "a-officer2"}


def test_a_unit_without_officers_is_reminded_through_its_leader(world):
    world.people.b_officer.is_active = False
    world.people.b_officer.save()
    found = of_period(rules.collect(D(2026, 11, 24)), NOV_DUE)
    assert ("b-leader", "before_1", D(2026, 11, 24)) in found


def test_coordinators_change_the_days_without_a_deploy(world):
    settings = ReminderSettings.current()
    settings.report_days_before = "5"
    settings.report_on_due_day = False
    settings.escalate_leader_days = 0
    settings.escalate_coordinator_days = 2
    settings.save()
    assert of_period(rules.collect(D(2026, 11, 20)), NOV_DUE) == {
        (u, "before_5", D(2026, 11, 20)) for u in ("a-officer", "a-officer2", "b-officer")
    }
    # 3 days before is no longer a rule (11-22 only repeats the 5-day key), nor the day itself.
    assert {rule for _u, rule, _d in of_period(rules.collect(D(2026, 11, 22)), NOV_DUE)} == {"before_5"}
    assert of_period(rules.collect(D(2026, 11, 25)), NOV_DUE) == set()
    late = of_period(rules.collect(D(2026, 11, 27)), NOV_DUE)
    assert not any(rule == "escalate_leader" for _u, rule, _d in late)
    assert ("coordinator", "escalate_coordinator", D(2026, 11, 27)) in late


def test_reminders_can_be_switched_off(world):
    settings = ReminderSettings.current()
    settings.enabled = False
    settings.save()
    assert rules.collect(D(2026, 11, 28)) == []


def test_settings_start_from_the_deployment_defaults(db, settings):
    settings.PORTAL_REMINDERS = {**settings.PORTAL_REMINDERS, "REPORT_DAYS_BEFORE": [5, 2], "ESCALATE_LEADER_DAYS": 2}
    current = ReminderSettings.current()
    assert current.report_days_before == "5,2" and current.report_days == (0, 2, 5)
    assert current.escalate_leader_days == 2 and current.milestone_days == (1, 7, 14)


# ---------------------------------------------------------------- milestones


def milestone_rows(found):
    return {x for x in who(found) if x[1] == "milestone"}


def test_milestone_reminders_14_7_1_days_before_and_overdue(world):
    MilestoneFactory(task=world.task, due_date=D(2026, 12, 15), title="成立科学育儿专家组")
    lead_unit = {"a-officer", "a-officer2"}  # the task's lead unit
    expected = {
        D(2026, 11, 30): set(),
        D(2026, 12, 1): {(u, "milestone", "before_14", D(2026, 12, 1)) for u in lead_unit},
        D(2026, 12, 8): {(u, "milestone", "before_7", D(2026, 12, 8)) for u in lead_unit},
        D(2026, 12, 14): {(u, "milestone", "before_1", D(2026, 12, 14)) for u in lead_unit},
        D(2026, 12, 15): {(u, "milestone", "before_1", D(2026, 12, 14)) for u in lead_unit},  # same key: nothing new
        D(2026, 12, 16): {(u, "milestone", "overdue", D(2026, 12, 16)) for u in lead_unit}
        | {("a-leader", "milestone", "escalate_leader", D(2026, 12, 16))},
    }
    for day, rows in expected.items():
        assert milestone_rows(rules.collect(day)) == rows, day
    assert ("coordinator", "milestone", "escalate_coordinator", D(2026, 12, 18)) in milestone_rows(
        rules.collect(D(2026, 12, 18))
    )
    # Overdue is said once, not every day: after the catch-up window, silence.
    assert milestone_rows(rules.collect(D(2026, 12, 25))) == set()


def test_met_milestones_are_not_reminded(world):
    MilestoneFactory(task=world.task, due_date=D(2026, 12, 15), met_on=D(2026, 11, 20),
                     confirmed_at=timezone.make_aware(dt.datetime(2026, 11, 21, 10)), confirmed_by=world.people.coordinator)
    assert milestone_rows(rules.collect(D(2026, 12, 14))) == set()


def test_plan_wide_milestones_go_to_the_coordinators(world):
    MilestoneFactory(plan=world.plan, task=None, due_date=D(2026, 12, 15), title="每千人口托位数达到4.5个")
    assert milestone_rows(rules.collect(D(2026, 12, 8))) == {("coordinator", "milestone", "before_7", D(2026, 12, 8))}
    # Overdue: told once, and not "escalated" to the people who already own it.
    assert milestone_rows(rules.collect(D(2026, 12, 18))) == {
        ("coordinator", "milestone", "overdue", D(2026, 12, 16))
    }


def test_a_milestone_of_a_task_without_lead_unit_reaches_every_assigned_unit(world):
    from tests.factories import AssignmentFactory, WorkItemFactory

    measure = WorkItemFactory(plan=world.plan, kind=2, number=1, lead_unit=None, title="加强组织领导")
    AssignmentFactory(task=measure, department=world.unit_a)
    AssignmentFactory(task=measure, department=world.unit_b)
    MilestoneFactory(task=measure, due_date=D(2026, 12, 15))
    assert {u for u, *_ in milestone_rows(rules.collect(D(2026, 12, 14)))} == {"a-officer", "a-officer2", "b-officer"}


# ---------------------------------------------------------------- notices


def notice_rows(found):
    return {x for x in who(found) if x[1] == "notice"}


def test_notice_past_its_reply_deadline(world):
    notice = SupervisionNoticeFactory(assignment=world.resp, reply_due=D(2026, 11, 20),
                                      issued_by=world.people.coordinator)
    assert notice_rows(rules.collect(D(2026, 11, 20))) == set()   # the deadline day itself: not yet late
    assert notice_rows(rules.collect(D(2026, 11, 21))) == {
        ("b-officer", "notice", "overdue", D(2026, 11, 21)),
        ("b-leader", "notice", "escalate_leader", D(2026, 11, 21)),
    }
    assert ("coordinator", "notice", "escalate_coordinator", D(2026, 11, 23)) in notice_rows(
        rules.collect(D(2026, 11, 23))
    )
    assert ("b-officer", "notice", "overdue", D(2026, 11, 30)) in notice_rows(rules.collect(D(2026, 11, 30)))
    notice.state = "answered"
    notice.save()
    assert notice_rows(rules.collect(D(2026, 11, 30))) == set()


# ---------------------------------------------------------------- filings (working days)


def filing_rows(found):
    return {x for x in who(found) if x[1] == "filing"}


def submitted_filing(receipt_due):
    return FilingFactory(status="submitted", receipt_due_on=receipt_due, submitted_at=timezone.now())


def test_filings_waiting_for_review_counted_in_working_days(world):
    soon = submitted_filing(D(2026, 12, 1))      # Fri 11-27 → Mon 11-30, Tue 12-01: 2 working days left
    later = submitted_filing(D(2026, 12, 2))     # 3 working days left: not yet
    found = rules.collect(D(2026, 11, 27))
    assert filing_rows(found) == {("coordinator", "filing", "filing_review", D(2026, 11, 27))}
    assert {r.item_id for r in found if r.item_type == "filing"} == {soon.pk}
    assert "还剩2个工作日" in next(r.detail for r in found if r.item_type == "filing")
    assert filing_rows(rules.collect(D(2026, 11, 28))) == set()   # Saturday: no working-day reminders
    assert {r.item_id for r in rules.collect(D(2026, 11, 30)) if r.item_type == "filing"} == {soon.pk, later.pk}
    overdue = [r for r in rules.collect(D(2026, 12, 3)) if r.item_type == "filing" and r.item_id == soon.pk]
    assert "已超过回执期限" in overdue[0].detail


def test_filing_working_days_skip_the_national_day_holiday(world):
    # 2026: 10-01…10-07 off; 10-08 and 10-09 are working days.
    submitted_filing(D(2026, 10, 9))
    assert filing_rows(rules.collect(D(2026, 9, 30))) == {("coordinator", "filing", "filing_review", D(2026, 9, 30))}
    assert filing_rows(rules.collect(D(2026, 10, 3))) == set()  # a holiday


def test_filing_reminders_follow_the_calendar_table(world):
    submitted_filing(D(2026, 12, 1))
    HolidayDayFactory(date=D(2026, 11, 28), kind="work", name="调休上班")
    assert filing_rows(rules.collect(D(2026, 11, 28))) == {("coordinator", "filing", "filing_review", D(2026, 11, 28))}


def test_filing_deadline_alert_only_on_the_deadline_or_after(world):
    submitted_filing(D(2026, 12, 1))
    assert rules.collect_filing_deadlines(D(2026, 11, 30)) == []
    assert {r.rule for r in rules.collect_filing_deadlines(D(2026, 12, 1))} == {"filing_deadline"}


# ---------------------------------------------------------------- wording


def test_lines_are_worded_for_the_day_they_are_sent(world):
    found = [r for r in rules.collect(D(2026, 11, 23)) if r.due_date == NOV_DUE]  # before_3 dated 11-22, sent 11-23
    text = rules.describe(found[0], D(2026, 11, 23))
    assert "2026年11月25日截止（还剩2天），尚未提交" in text
    assert "1. 开展婴幼儿照护服务指导 · 2026年11月进展报告" in text
