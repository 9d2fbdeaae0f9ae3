"""Task pages cost a fixed number of queries whatever the plan's size."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import Department
from tasks.models import Assignment, Responsibility, WorkItem
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


def _grow(plan_2020, count):
    """Add tasks to a second plan until the database holds `count` numbered tasks."""
    plan = PlanFactory()
    units = list(Department.objects.exclude(kind="group")[:6])
    have = WorkItem.objects.filter(kind=1).count()
    items = WorkItem.objects.bulk_create(
        WorkItem(plan=plan, number=n, title=f"扩展任务{n}", content="内容", lead_unit=units[n % 6])
        for n in range(1, count - have + 1)
    )
    Responsibility.objects.bulk_create(
        Responsibility(task=item, department=units[(item.number + k) % 6], position=k)
        for item in items for k in (1, 2)
    )
    Assignment.objects.bulk_create(
        [Assignment(task=item, department=item.lead_unit, role="lead") for item in items]
        + [Assignment(task=item, department=units[(item.number + 1) % 6], role="responsible") for item in items]
    )


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize("role", ["viewer", "officer"])
def test_task_list_queries_do_not_grow(users, client, plan_2020, role, django_assert_max_num_queries):
    client.force_login(users[role])
    client.get(reverse("tasks:list"))  # the session's first request also records the signed-in browser
    small = _queries(client, reverse("tasks:list"))
    _grow(plan_2020, 1500)
    large = _queries(client, reverse("tasks:list") + "?page=2")
    assert small == large
    with django_assert_max_num_queries(14):
        client.get(reverse("tasks:list"))


def test_task_detail_queries_do_not_grow(users, client, plan_2020, django_assert_max_num_queries):
    client.force_login(users["coordinator"])
    url = reverse("tasks:detail", args=[WorkItem.objects.get(plan=plan_2020, kind=1, number=7).pk])
    client.get(url)  # warm Django's content-type cache, as any running server has
    small = _queries(client, url)
    _grow(plan_2020, 1500)
    assert _queries(client, url) == small
    with django_assert_max_num_queries(14):
        client.get(url)


def test_filters_narrow_the_list(users, client, plan_2020):
    client.force_login(users["viewer"])
    hrss = Department.objects.get(name="区人力社保局")
    street = Department.objects.get(name="解放碑街道办事处")
    labels = lambda **q: {i.label for i in client.get(reverse("tasks:list"), q).context["items"]}  # noqa: E731
    assert labels(lead_unit=hrss.pk) == {"1.", "2."}
    assert labels(responsible_unit=street.pk) == {"6.", "7."}
    assert labels(q="托幼一体化") == {"14."}
    assert labels(kind=2) == {f"保障措施（{n}）" for n in "一二三四五"}
    section = plan_2020.sections.get(number=4)
    assert labels(section=section.pk) == {"14."}


def test_bad_filter_value_gets_a_message_not_an_error(users, client, plan_2020):
    client.force_login(users["viewer"])
    response = client.get(reverse("tasks:list"), {"lead_unit": "abc"})
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()


# ---------------------------------------------------------------- plan pages (lifecycle)


@pytest.fixture
def draft_plan(users):
    from tasks.services import assignments_sync

    plan = PlanFactory(status="draft", title="草案预览方案", document_number="")
    group = Department.objects.get(name="各街道办事处")
    task = WorkItem.objects.create(plan=plan, kind=1, number=1, title="草案任务", content="内容",
                                   lead_unit=users["officer"].department)
    Responsibility.objects.create(task=task, department=group, position=1)
    assignments_sync(task=task)
    return plan


def _plan_urls(plan):
    return [
        reverse("tasks:plans"), reverse("tasks:plan", args=[plan.pk]),
        reverse("tasks:plan-publish", args=[plan.pk]), reverse("tasks:plan-end", args=[plan.pk]),
    ]


def test_plan_pages_send_anonymous_visitors_to_the_login(client, draft_plan):
    for url in _plan_urls(draft_plan):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("role", ["officer", "leader", "registrar", "operator"])
def test_plan_pages_refuse_other_roles(client, users, draft_plan, role):
    client.force_login(users[role])
    for url in _plan_urls(draft_plan):
        assert client.get(url).status_code == 403, url


def test_the_viewer_reads_published_plans_but_not_drafts_and_never_acts(client, users, plan_2020, draft_plan):
    client.force_login(users["viewer"])
    listing = client.get(reverse("tasks:plans"))
    assert listing.status_code == 200
    assert "渝中府办〔2020〕28号" in listing.content.decode() and "草案预览方案" not in listing.content.decode()
    assert client.get(reverse("tasks:plan", args=[plan_2020.pk])).status_code == 200
    assert client.get(reverse("tasks:plan", args=[draft_plan.pk])).status_code == 404
    assert client.get(reverse("tasks:plan-end", args=[plan_2020.pk])).status_code == 403


def test_the_coordinator_previews_a_draft_with_groups_expanded(client, users, draft_plan):
    client.force_login(users["coordinator"])
    response = client.get(reverse("tasks:plan", args=[draft_plan.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "草案任务" in page and "发布实施" in page
    assert "单位组，11 个成员：" in page and "七星岗街道办事处" in page
    assert page.count('class="tag"') >= 11  # one reporting unit per street office, plus the lead


def test_publish_asks_for_confirmation_then_puts_the_plan_in_force(client, users, draft_plan):
    client.force_login(users["coordinator"])
    url = reverse("tasks:plan-publish", args=[draft_plan.pk])
    assert client.get(url).status_code == 200
    body = {"in_force_from": "2026-01-01", "period_months": "3", "report_due_day": "20"}
    unconfirmed = client.post(url, body)
    assert unconfirmed.status_code == 200 and "请勾选确认后再发布。" in unconfirmed.content.decode()
    draft_plan.refresh_from_db()
    assert draft_plan.status == "draft"
    done = client.post(url, {**body, "confirm": "on"})
    assert done.status_code == 302 and done["Location"] == reverse("tasks:plan", args=[draft_plan.pk])
    draft_plan.refresh_from_db()
    assert (draft_plan.status, str(draft_plan.in_force_from), draft_plan.period_months) == ("in_force", "2026-01-01", 3)
    # A second publish is refused with a message, the page is not offered again.
    assert client.get(url).status_code == 302


def test_end_needs_the_summary_and_confirmation(client, users, plan_2020):
    client.force_login(users["coordinator"])
    url = reverse("tasks:plan-end", args=[plan_2020.pk])
    page = client.get(url)
    assert page.status_code == 200 and "此操作不能撤销" in page.content.decode()
    missing = client.post(url, {"ended_on": "2025-12-31", "closing_summary": "", "confirm": "on"})
    assert missing.status_code == 200 and "请填写结束总结。" in missing.content.decode()
    done = client.post(url, {"ended_on": "2025-12-31", "closing_summary": "五年任务完成。", "confirm": "on"})
    assert done.status_code == 302
    plan_2020.refresh_from_db()
    assert plan_2020.status == "ended" and plan_2020.closing_summary == "五年任务完成。"
    detail = client.get(reverse("tasks:plan", args=[plan_2020.pk])).content.decode()
    assert "五年任务完成。" in detail and "结束实施" in detail  # the summary, and the history


def test_import_plan_command_creates_a_draft(tmp_path, plan_2020):
    from django.core.management import call_command
    from openpyxl import Workbook

    from tasks.models import Plan

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["某区任务分解表"])
    sheet.append(["序号", "工作内容", "具体任务", "牵头单位", "责任单位"])
    sheet.append([1, "全面落实产假政策", "内容。", "区人力社保局", "区总工会"])
    path = tmp_path / "table.xlsx"
    workbook.save(path)
    call_command("import_plan", str(path), "--title", "新方案", stdout=open(tmp_path / "out.txt", "w"))
    assert Plan.objects.get(title="新方案").status == "draft"
