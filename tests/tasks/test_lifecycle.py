"""Plans have a lifecycle (DESIGN.md → Time): a draft touches nobody, a plan in
force lights up 我的任务, periods, reminders and dashboards from its first day,
an ended plan is read-only and reads as it stood on its end date."""
import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from notifications import rules as reminder_rules
from progress import rules as progress_rules
from progress import selectors as progress_selectors
from progress import services as progress_services
from progress.models import ReportingPeriod
from reports import department as report_department
from reports import district as report_district
from reports import excel
from tasks.models import Assignment, Plan, Responsibility, WorkItem
from tasks.services import assignments_sync, plan_end, plan_publish
from tests.factories import AssignmentFactory, MilestoneFactory, PlanFactory, WorkItemFactory
from tests.reports.conftest import report

pytestmark = pytest.mark.django_db
D = dt.date


def moment(day: dt.date, hour: int = 10) -> dt.datetime:
    """Travel target: `hour` o'clock in Chongqing on `day`."""
    return dt.datetime(day.year, day.month, day.day, hour - 8, tzinfo=dt.timezone.utc)


@pytest.fixture(autouse=True)
def fresh_dashboard_cache():
    from reports.cache import clear

    clear()
    yield
    clear()


@pytest.fixture
def draft(users):
    """A new plan (as import_plan leaves it): one task 区人力社保局 leads, 区教委 shares."""
    hr, edu = users["officer"].department, users["other_officer"].department
    plan = PlanFactory(status="draft", title="（演示数据）新一轮方案", document_number="", issued_on=D(2026, 1, 20),
                       period_months=1, report_due_day=25)
    task = WorkItemFactory(plan=plan, number=1, title="新方案任务：托育服务示范", lead_unit=hr)
    Responsibility.objects.create(task=task, department=edu, position=1)
    assignments_sync(task=task)
    return plan


def _mine(officer, on):
    return {a.assignment.task.plan_id for a in progress_selectors.my_tasks(user=officer, on=on).rows}


# ---------------------------------------------------------------- a draft touches nobody


def test_a_draft_is_on_no_officer_s_list_and_hidden_from_all_but_coordinators(draft, plan_2020, users):
    officer = users["officer"]
    assert _mine(officer, D(2026, 3, 1)) == {plan_2020.pk}
    assert not WorkItem.objects.for_user(officer).filter(plan=draft).exists()
    assert not Assignment.objects.for_user(users["viewer"]).filter(task__plan=draft).exists()
    assert not Plan.objects.for_user(users["viewer"]).filter(pk=draft.pk).exists()
    assert Plan.objects.for_user(users["coordinator"]).filter(pk=draft.pk).exists()


@time_machine.travel(moment(D(2026, 3, 10)), tick=False)
def test_a_draft_s_task_does_not_appear_on_my_tasks_page(draft, plan_2020, users, client):
    client.force_login(users["officer"])
    page = client.get(reverse("progress:my-tasks")).content.decode()
    assert "新方案任务" not in page and "新一轮方案" not in page
    listing = client.get(reverse("tasks:list")).content.decode()
    assert "新方案任务" not in listing


@time_machine.travel(moment(D(2026, 3, 10)), tick=False)
def test_publishing_puts_the_plan_on_my_tasks_from_its_first_day_under_its_own_heading(draft, plan_2020, users,
                                                                                        client):
    plan_publish(plan=draft, actor=users["coordinator"], in_force_from=D(2026, 3, 1))
    officer = users["officer"]
    assert _mine(officer, D(2026, 2, 28)) == {plan_2020.pk}
    assert _mine(officer, D(2026, 3, 10)) == {plan_2020.pk, draft.pk}
    groups = progress_selectors.my_tasks(user=officer).groups
    assert [g.plan.pk for g in groups] == [draft.pk, plan_2020.pk]  # the newest plan first
    client.force_login(officer)
    page = client.get(reverse("progress:my-tasks")).content.decode()
    headings = re.findall(r'<h3 id="plan-\d+" class="plan-heading">([^<]+)', page)
    assert [h.strip() for h in headings] == ["（演示数据）新一轮方案", "渝中府办〔2020〕28号"]
    assert "新方案任务：托育服务示范" in page


def test_lists_that_mix_plans_name_each_row_s_plan(draft, plan_2020, users, client):
    plan_publish(plan=draft, actor=users["coordinator"], in_force_from=D(2026, 1, 20))
    client.force_login(users["viewer"])
    page = client.get(reverse("tasks:list")).content.decode()
    rows = re.findall(r"<tr>\s*<td>[^<]*</td>\s*<td><a[^>]*>([^<]+)</a>.*?<td class=\"small\">([^<]+)", page, re.S)
    plans = {title: plan.strip() for title, plan in rows}
    assert plans["新方案任务：托育服务示范"] == "（演示数据）新一轮方案"
    assert plans["全面落实产假政策"] == "渝中府办〔2020〕28号"


# ---------------------------------------------------------------- periods and reminders


def test_periods_open_only_for_a_live_plan_and_stop_at_its_end(draft, plan_2020, users):
    assert progress_services.periods_ensure(plan=draft, through=D(2026, 3, 1)) == 0
    with time_machine.travel(moment(D(2026, 3, 10)), tick=False):
        plan_end(plan=plan_2020, actor=users["coordinator"], ended_on=D(2025, 12, 31), closing_summary="总结。")
    progress_services.periods_ensure(plan=plan_2020, through=D(2026, 3, 1))  # the caller's copy is stale: no matter
    last = ReportingPeriod.objects.filter(plan=plan_2020).order_by("-start").first()
    assert last.start == D(2025, 12, 1)


def _reminded(plan, on) -> bool:
    """Does the daily digest of day `on` remind anyone of a report of `plan`?"""
    reminders = reminder_rules.collect(on, reminder_rules.Rules())
    ids = [r.item_id for r in reminders if r.item_type == "report"]
    return Assignment.objects.filter(pk__in=ids, task__plan=plan).exists()


def test_reminders_skip_drafts_and_ended_plans(users):
    from tests.notifications.conftest import make_world

    plan = make_world().plan
    Plan.objects.filter(pk=plan.pk).update(status="draft", in_force_from=None)
    assert not _reminded(plan, D(2026, 3, 25))  # due day, nothing handed in: a live plan would remind
    plan.refresh_from_db()
    plan_publish(plan=plan, actor=users["coordinator"], in_force_from=D(2026, 1, 5))
    assert _reminded(plan, D(2026, 3, 25))
    with time_machine.travel(moment(D(2026, 3, 10)), tick=False):
        plan_end(plan=plan, actor=users["coordinator"], ended_on=D(2026, 3, 1), closing_summary="提前结束。")
    assert not _reminded(plan, D(2026, 3, 25))
    assert _reminded(plan, D(2026, 2, 25))  # asked as of a day it was live: it was


# ---------------------------------------------------------------- an ended plan is read-only


@pytest.fixture
def ended(plan_2020, users):
    with time_machine.travel(moment(D(2026, 2, 1)), tick=False):
        return plan_end(plan=plan_2020, actor=users["coordinator"], ended_on=D(2025, 12, 31),
                        closing_summary="五年任务全面完成。")


def test_an_ended_plan_refuses_every_write_with_its_reason(ended, users):
    officer, coordinator = users["officer"], users["coordinator"]
    assignment = Assignment.objects.select_related("task__plan").get(
        task__plan=ended, task__number=1, task__kind=1, department=officer.department)
    with pytest.raises(PermissionDenied, match="已于2025年12月31日结束，其数据仅供查阅，不能再修改"):
        progress_services.report_create(actor=officer, assignment=assignment, period=D(2025, 12, 1),
                                        progress="x", percent=10)
    with pytest.raises(PermissionDenied, match="已于2025年12月31日结束"):
        progress_services.notice_issue(actor=coordinator, assignment=assignment, reason="请加快。",
                                       reply_due=D(2099, 1, 1))
    milestone = MilestoneFactory(plan=ended, task=assignment.task, due_date=D(2025, 6, 30))
    with pytest.raises(PermissionDenied, match="已于2025年12月31日结束"):
        progress_services.milestone_confirm(actor=coordinator, milestone=milestone, met_on=D(2025, 6, 1),
                                            evidence="已达成。")
    with pytest.raises(PermissionDenied, match="已于2025年12月31日结束"):
        progress_services.completion_claim(actor=officer, assignment=assignment, note="完成。")
    # The buttons go: every predicate answers no.
    assert not progress_rules.can_write_report(officer, assignment)
    assert not progress_rules.can_claim_completion(officer, assignment)
    assert not progress_rules.can_issue_notice(coordinator, ended)
    assert not progress_rules.can_confirm_milestone(coordinator, ended)
    assert not progress_rules.can_write_summary(users["leader"], assignment.task)


def test_an_ended_plan_s_report_page_offers_no_action(ended, users, client):
    assignment = Assignment.objects.get(task__plan=ended, task__number=1, task__kind=1,
                                        department=users["officer"].department)
    client.force_login(users["officer"])
    page = client.get(reverse("progress:assignment", args=[assignment.pk])).content.decode()
    assert reverse("progress:report-create", args=[assignment.pk, 2025, 12]) not in page
    assert _mine(users["officer"], D(2026, 2, 1)) == set()


# ---------------------------------------------------------------- as it stood on its end date


@pytest.fixture
def small(users):
    """A plan of our own in force from 2026-01-05 with some history by 2026-04-10."""
    plan = PlanFactory(issued_on=D(2026, 1, 5), period_months=1, report_due_day=25, title="测试方案（结束）")
    hr, edu = users["officer"].department, users["other_officer"].department
    task = WorkItemFactory(plan=plan, number=1, lead_unit=hr, title="测试任务甲")
    second = WorkItemFactory(plan=plan, number=2, lead_unit=edu, title="测试任务乙")
    a = AssignmentFactory(task=task, department=hr, role="lead")
    b = AssignmentFactory(task=task, department=edu, role="responsible")
    c = AssignmentFactory(task=second, department=edu, role="lead")
    report(a, 2026, 1, submitted_on=D(2026, 1, 20), approved_on=D(2026, 1, 21))
    report(a, 2026, 2, submitted_on=D(2026, 2, 27), approved_on=D(2026, 3, 1))
    report(b, 2026, 1, submitted_on=D(2026, 1, 24), approved_on=D(2026, 1, 26))
    report(c, 2026, 3, submitted_on=D(2026, 3, 20), approved_on=D(2026, 3, 22))
    report(a, 2026, 3, state="submitted", submitted_on=D(2026, 3, 24))
    MilestoneFactory(plan=plan, task=task, due_date=D(2026, 4, 15), title="甲节点")
    return plan


END = D(2026, 4, 10)


def _pages(client, user, plan):
    client.force_login(user)  # a fresh session at the travelled-to time
    task = plan.items.order_by("number").first()
    district = client.get(reverse("reports:district") + f"?plan={plan.pk}" + ("" if plan.is_ended else f"&on={END}"))
    task_page = client.get(reverse("reports:task", args=[task.pk]) + ("" if plan.is_ended else f"?on={END}"))
    return district.context_data["on"], district.context_data["body"], task_page.context_data["body"]


def test_an_ended_plan_s_dashboards_at_its_end_date_equal_what_they_showed_that_day(small, users, client):
    viewer = users["viewer"]
    with time_machine.travel(moment(END, 18), tick=False):
        before = report_district.district_overview(user=viewer, on=END, plan_id=small.pk)
        unit_before = report_department.department_dashboard(user=viewer, department=users["officer"].department,
                                                            on=END)
        on, district_before, task_before = _pages(client, viewer, small)
        assert on == END
    with time_machine.travel(moment(D(2026, 6, 1)), tick=False):
        plan_end(plan=small, actor=users["coordinator"], ended_on=END, closing_summary="阶段任务完成。")
        small.refresh_from_db()
        after = report_district.district_overview(user=viewer, on=END, plan_id=small.pk)
        unit_after = report_department.department_dashboard(user=viewer, department=users["officer"].department,
                                                           on=END)
        on, district_after, task_after = _pages(client, viewer, small)  # no date given: its end date
        assert on == END
        assert excel.resolve_filters(user=viewer, plan_id=small.pk).on == END
        # At a later date the plan is history: the district's current figures no longer count it.
        today = report_district.district_overview(user=viewer, on=D(2026, 6, 1))
    assert before == after
    assert unit_before == unit_after
    assert district_before == district_after
    assert task_before == task_after
    assert before.tasks_total == 2 and before.units
    assert small.pk not in {p["pk"] for p in today.plans}
    assert today.tasks_total == WorkItem.objects.exclude(plan=small).count()  # the 2020 plan's only


def test_a_write_page_of_an_ended_plan_says_why_and_goes_back(ended, users, client):
    assignment = Assignment.objects.get(task__plan=ended, task__number=1, task__kind=1,
                                        department=users["officer"].department)
    client.force_login(users["officer"])
    response = client.get(reverse("progress:report-create", args=[assignment.pk, 2025, 12]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("progress:assignment", args=[assignment.pk])
    assert "已于2025年12月31日结束，其数据仅供查阅，不能再修改。" in response.content.decode()
