"""The report flow in Chromium, as the people of the issue meet it:
区人力社保局's officer writes task 1's report with a PDF and submits; the
leader returns it with a reason; the officer finds it first on 我的任务,
corrects and resubmits; the leader approves; the coordinator sees it approved
on task 1; an officer of 区教委 gets 404 for the report and for its file."""
import os
import re

import pytest

from core import clock
from progress.models import ProgressReport
from tasks.models import Task
from tests.factories import PDF_BYTES, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def switch_user(page, login, username):
    page.context.clear_cookies()
    return login(username)


def shot(page, screenshot_dir, name):
    page.screenshot(path=os.path.join(screenshot_dir, name), full_page=True)


def test_report_written_returned_corrected_approved(plan_2020, login, live_server, screenshot_dir, tmp_path):
    UserFactory(username="demo-officer", full_name="李填报", role="officer", department__name="区人力社保局")
    UserFactory(username="demo-leader", full_name="张审核", role="leader", department__name="区人力社保局")
    UserFactory(username="demo-coordinator", full_name="王督办", role="coordinator", department__name="区卫生健康委")
    UserFactory(username="edu-officer", full_name="周填报", role="officer", department__name="区教委")
    task1 = Task.objects.get(plan=plan_2020, number=1)
    evidence = tmp_path / "产假政策宣传活动.pdf"
    evidence.write_bytes(PDF_BYTES)

    # 1. The officer lands on 我的任务 and writes task 1's report with a PDF.
    page = login("demo-officer")
    assert page.title().startswith("我的任务")
    # Early in a month last month's report is owed too: write this month's, whatever today is.
    today = clock.today()
    due_row = page.locator("#due tr", has_text="全面落实产假政策").filter(has_text=f"{today.year}年{today.month}月")
    due_row.get_by_role("link", name="填报").click()
    page.wait_for_load_state("networkidle")
    assert "填报进展" in page.title()
    # An empty submit: the error appears in Chinese beside the field, nothing is saved.
    page.fill("#id_percent", "150")
    page.get_by_role("button", name="保存并提交审核").click()
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#id_progress-errors") == "请填写本期进展。"
    assert page.inner_text("#id_percent-errors") == "完成进度不能大于 100。"
    assert not ProgressReport.objects.exists()
    page.fill("#id_progress", "联合区总工会开展产假政策宣传进企业活动3场，覆盖职工1200人。")
    page.fill("#id_percent", "40")
    page.fill("#id_problems", "部分小微企业落实护理假不到位。")
    page.fill("#id_next_steps", "联合劳动监察开展专项检查。")
    page.set_input_files("#id_evidence", str(evidence))
    shot(page, screenshot_dir, "report-form.png")
    page.get_by_role("button", name="保存并提交审核").click()
    page.wait_for_load_state("networkidle")
    assert "已提交，等待本单位审核人审核。" in page.inner_text(".messages")
    assert page.inner_text("#report-state").startswith("待审核")
    assert "产假政策宣传活动.pdf" in page.inner_text("#report-files")
    report = ProgressReport.objects.get()
    report_url = page.url
    file_url = page.locator("#report-files a").get_attribute("href")

    # 2. The leader (landing on 待审核) returns it with a reason.
    page = switch_user(page, login, "demo-leader")
    assert page.title().startswith("待审核")
    page.locator("#review-table tr", has_text="全面落实产假政策").get_by_role("link", name="审阅").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="退回").click()  # without a reason first
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#id_reason-errors") == "退回时必须填写退回原因。"
    page.fill("#id_reason", "请补充活动现场照片和签到表。")
    page.get_by_role("button", name="退回").click()
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#report-state").startswith("已退回")
    shot(page, screenshot_dir, "report-returned.png")

    # 3. The officer sees it first on 我的任务, corrects and resubmits.
    page = switch_user(page, login, "demo-officer")
    sections = page.locator("main h2").all_inner_texts()
    assert sections[0] == "被退回的报告（请优先处理）"
    assert "请补充活动现场照片和签到表。" in page.inner_text("#returned")
    first_row = page.locator("#my-assignments tbody tr").first
    assert "全面落实产假政策" in first_row.inner_text() and "已退回" in first_row.inner_text()
    shot(page, screenshot_dir, "my-tasks-returned.png")
    page.locator("#returned").get_by_role("link", name="修改并重新提交").click()
    page.wait_for_load_state("networkidle")
    assert "请补充活动现场照片和签到表。" in page.inner_text("#return-reason")
    page.fill("#id_progress", "联合区总工会开展产假政策宣传进企业活动3场，覆盖职工1200人；已补充现场照片和签到表。")
    page.fill("#id_percent", "45")
    page.get_by_role("button", name="保存并重新提交").click()
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#report-state").startswith("重新提交待审核")

    # 4. The leader approves.
    page = switch_user(page, login, "demo-leader")
    page.locator("#review-table tr", has_text="全面落实产假政策").get_by_role("link", name="审阅").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="审核通过").click()
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#report-state").startswith("已审核通过")
    steps = page.locator("#transitions tbody tr td:nth-child(3)").all_inner_texts()
    assert steps == ["新建草稿", "提交", "退回", "修改后重新提交", "审核通过"]

    # 5. The coordinator sees it approved on task 1.
    page = switch_user(page, login, "demo-coordinator")
    page.goto(f"{live_server.url}/tasks/{task1.pk}/")
    row = page.locator("#assignment-progress tr", has_text="区人力社保局")
    assert re.search(r"\d{4}年\d+月 · 45%", row.inner_text())
    assert "通过" in row.inner_text()
    light = row.locator("span.light")
    assert light.inner_text() in {"红灯（滞后）", "黄灯（预警）", "绿灯（正常）", "已完成"}
    shot(page, screenshot_dir, "task1-approved.png")
    row.get_by_role("link", name=re.compile(r"\d{4}年\d+月")).click()
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#report-state").startswith("已审核通过")

    # 6. An officer of 区教委 gets 404 for the report and for its file by URL.
    page = switch_user(page, login, "edu-officer")
    assert page.goto(report_url).status == 404
    assert page.request.get(f"{live_server.url}{file_url}").status == 404
    report.refresh_from_db()
    assert report.state == "approved" and report.percent == 45
