"""The viewer's walk through the dashboards in Chromium: the district overview,
an earlier as-of date, the Excel download (opened and checked), and the big
export's progress page polling its job until the download link appears."""
import datetime as dt
import os

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from progress import periods
from progress.lights import LABELS
from tasks.models import Assignment, Task
from tests.factories import TEST_PASSWORD, ProgressReportFactory, ReportingPeriodFactory, ReportTransitionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fresh_dashboard_cache():
    """Ids repeat between flushed tests: start each walk with an empty fragment cache."""
    from reports.cache import clear

    clear()
    yield
    clear()


def _at(day, hour=10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def demo_world(plan_2020):
    """Demo accounts; tasks 1 and 2 reported for the last passed period, approved
    two days before its due date — so an earlier as-of date shows them red."""
    from accounts.demo import demo_accounts_ensure

    demo_accounts_ensure(password=TEST_PASSWORD)
    today = timezone.localdate()
    last = periods.due_window(plan_2020, today).last_passed
    period = ReportingPeriodFactory(plan=plan_2020, start=last.start)
    for a in Assignment.objects.filter(task__plan=plan_2020, task__kind=1, task__number__in=[1, 2]):
        r = ProgressReportFactory(
            assignment=a, period=period, state="approved", percent=70, progress=f"{a.department.name}本期进展",
            submitted_at=_at(last.due_date - dt.timedelta(days=5)), approved_at=_at(last.due_date - dt.timedelta(days=2)),
        )
        ReportTransitionFactory(report=r, from_state="submitted", to_state="approved", at=r.approved_at)
    return {"today": today, "before": last.due_date - dt.timedelta(days=3)}


def test_viewer_changes_the_date_and_downloads_the_report(demo_world, login, screenshot_dir, live_server):
    page = login("demo-viewer")
    assert page.url.endswith("/dashboards/district/")  # the viewer lands on the overview
    assert page.inner_text("h1") == "全区总览"
    assert page.locator("svg.chart").count() >= 2 and page.locator(".donut-chart svg").count() == 1
    legend_now = page.inner_text(".donut-chart figcaption")
    assert "绿灯 2" in legend_now.replace("\n", " ")
    page.screenshot(path=os.path.join(screenshot_dir, "dashboard-district.png"), full_page=True)

    before = demo_world["before"]
    page.fill("#id_on", before.isoformat())
    page.click("#asof-submit")
    page.wait_for_load_state("networkidle")
    assert f"on={before.isoformat()}" in page.url
    assert page.inner_text("#asof-date") == f"{before.year}年{before.month}月{before.day}日"
    assert "绿灯 0" in page.inner_text(".donut-chart figcaption").replace("\n", " ")
    page.screenshot(path=os.path.join(screenshot_dir, "dashboard-district-earlier.png"), full_page=True)

    with page.expect_download() as info:
        page.click("#download-excel")
    download = info.value
    assert download.suggested_filename.endswith(f"_{before:%Y%m%d}.xlsx")
    path = os.path.join(screenshot_dir, "dashboard-download.xlsx")
    download.save_as(path)
    ws = load_workbook(path)["任务进展"]
    assert ws["A1"].value == "渝中区3岁以下婴幼儿照护服务工作任务进展情况表"
    assert ws["A2"].value == f"统计截至 {before.year}年{before.month}月{before.day}日"
    titles = [ws.cell(row=r, column=2).value for r in range(4, 19)]
    assert titles == [t.title for t in Task.objects.order_by("number")]
    assert ws["F4"].value == LABELS["red"] and ws["H4"].value is None  # not yet approved on that date

    # A unit from the table, then a task from the unit's page.
    page.click("#unit-table >> text=区人力社保局")
    page.wait_for_load_state("networkidle")
    assert "区人力社保局 · 单位看板" in page.inner_text("h1")
    page.screenshot(path=os.path.join(screenshot_dir, "dashboard-department.png"), full_page=True)
    page.click("#assignment-table >> text=全面落实产假政策")
    page.wait_for_load_state("networkidle")
    assert "各单位最新进展" in page.inner_text("main")
    page.screenshot(path=os.path.join(screenshot_dir, "dashboard-task.png"), full_page=True)


def test_big_export_page_shows_progress_then_the_link(demo_world, login, screenshot_dir):
    page = login("demo-viewer")
    page.click("text=数据导出")
    page.wait_for_load_state("networkidle")
    page.click("#start-export")
    page.wait_for_selector("#job-download:not([hidden])", timeout=20000)
    assert page.eval_on_selector("#job-progress", "el => el.value") == 100
    assert "已完成" in page.inner_text("#job-status")
    page.screenshot(path=os.path.join(screenshot_dir, "dashboard-export.png"), full_page=True)
    with page.expect_download() as info:
        page.click("#download-link")
    path = os.path.join(screenshot_dir, "dashboard-export.xlsx")
    info.value.save_as(path)
    rows = list(load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    assert rows[0][0] == "方案" and len(rows) == 1 + 6  # the header and the six approved reports
