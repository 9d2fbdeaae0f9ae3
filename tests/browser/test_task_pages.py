"""First browser walk: unit staff see their unit's tasks, the viewer sees all 15."""
import os

import pytest

from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Tasks 区人力社保局 leads (1, 2) or shares (13) in the annex.
HRSS_TASKS = {"1.", "2.", "13."}


def _task_labels(page) -> set[str]:
    return {cell.strip() for cell in page.locator("#task-table tbody tr td:first-child").all_inner_texts()}


def test_officer_sees_exactly_own_units_tasks(plan_2020, login, live_server, screenshot_dir):
    UserFactory(username="demo-officer", role="officer", department__name="区人力社保局")
    page = login("demo-officer")  # officers land on 我的任务 (issue 3); the list is one click away
    page.goto(f"{live_server.url}/tasks/")
    assert "任务清单" in page.title()
    labels = _task_labels(page)
    # 保障措施（一）and（三）list 区人力社保局 too; numbered tasks must be exactly its own.
    assert {label for label in labels if label.endswith(".")} == HRSS_TASKS
    page.screenshot(path=os.path.join(screenshot_dir, "officer-task-list.png"), full_page=True)

    page.click("text=全面落实产假政策")
    page.wait_for_load_state("networkidle")
    assert "继续执行我市延长产假和护理假的相关规定" in page.inner_text("#task-content")
    assert "区人力社保局" in page.inner_text("main")


def test_viewer_sees_all_fifteen(plan_2020, login, live_server):
    UserFactory(username="demo-viewer", role="viewer", department=None)
    page = login("demo-viewer")
    page.goto(f"{live_server.url}/tasks/")  # the viewer lands on the district overview
    page.wait_for_load_state("networkidle")
    page.select_option("#id_kind", "1")
    page.click("text=筛选")
    page.wait_for_load_state("networkidle")
    assert _task_labels(page) == {f"{n}." for n in range(1, 16)}
    assert "共 15 项" in page.inner_text("main")
