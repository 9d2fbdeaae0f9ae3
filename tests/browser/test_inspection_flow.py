"""监督检查 to closure in Chromium: an inspector of 区疾控中心 records an inspection with two
findings → the institution answers both (one with evidence) → the inspector closes the first
and reopens the second with a reason → three days later the second is past its deadline: the
coordinator's 逾期整改 lists it and the institution's light is red."""
import datetime as dt
import os

import pytest

from core import clock
from regulation.models import Finding
from regulation.units import inspection_units_ensure
from tests.conftest import on_day
from tests.factories import PDF_BYTES, InstitutionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def switch_user(page, login, username):
    page.context.clear_cookies()
    return login(username)


def click(page, selector):
    page.click(selector)
    page.wait_for_load_state("networkidle")


def test_inspection_answered_closed_reopened_and_overdue(plan_2020, login, live_server, page, screenshot_dir):
    cdc = inspection_units_ensure()[1]
    institution = InstitutionFactory(name="小星星托育中心", status="filed", filed_on=dt.date(2026, 2, 1),
                                     registered_on=dt.date(2026, 1, 5))
    UserFactory(username="cdc-inspector", full_name="周检查", role="officer", department=cdc)
    UserFactory(username="xxx-operator", full_name="刘园长", role="operator", department=None, institution=institution)
    UserFactory(username="demo-coordinator", full_name="王督办", role="coordinator", department__name="区卫生健康委")
    today = clock.today()
    soon, later = today + dt.timedelta(days=2), today + dt.timedelta(days=10)

    # 1. The inspector records the inspection with two findings to rectify.
    page = login("cdc-inspector")
    page.goto(f"{live_server.url}/regulation/inspections/new/")
    page.select_option("#id_institution", label="小星星托育中心")
    page.select_option("#id_kind", "health")
    page.fill("#id_inspectors", "周检查、吴敏")
    page.fill("#id_finding_1", "消毒记录缺少11月上旬内容")
    page.fill("#id_deadline_1", later.isoformat())
    page.fill("#id_finding_2", "保健室药品柜未上锁")
    page.fill("#id_deadline_2", soon.isoformat())
    click(page, "#inspection-form button[type=submit]")
    assert "已记录监督检查" in page.inner_text(".messages")
    inspection_url = page.url
    assert page.inner_text("#finding-1-state") == "待整改" and page.inner_text("#finding-2-state") == "待整改"

    # 2. The institution answers both, the first with a photo of the record.
    page = switch_user(page, login, "xxx-operator")
    page.goto(inspection_url)
    page.fill("#finding-1 textarea[name=text]", "已补记并安排专人每日登记")
    page.set_input_files("#finding-1 input[type=file]",
                         files=[{"name": "消毒记录.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}])
    click(page, "#finding-1 .answer-form button[type=submit]")
    assert "已反馈第1项整改情况" in page.inner_text(".messages")
    page.fill("#finding-2 textarea[name=text]", "已购买新锁")
    click(page, "#finding-2 .answer-form button[type=submit]")
    assert page.inner_text("#finding-2-state") == "已反馈待核验"
    assert page.is_visible("#finding-1 a:has-text('消毒记录.pdf')")

    # 3. The inspector closes the first and reopens the second.
    page = switch_user(page, login, "cdc-inspector")
    page.goto(inspection_url)
    click(page, "#finding-1 button[value=close]")
    assert page.inner_text("#finding-1-state") == "已整改销号"
    page.fill("#finding-2 input[name=reason]", "现场照片显示仍未上锁")
    click(page, "#finding-2 button[value=reopen]")
    assert page.inner_text("#finding-2-state") == "待整改"
    assert "现场照片显示仍未上锁" in page.inner_text("#finding-2")
    assert list(Finding.objects.order_by("position").values_list("state", flat=True)) == ["closed", "open"]

    # 4. Three days on, the second is overdue: the coordinator's to-do and the institution's light show it.
    with on_day(today + dt.timedelta(days=3)):
        page = switch_user(page, login, "demo-coordinator")
        page.goto(f"{live_server.url}/regulation/rectifications/overdue/")
        rows = page.inner_text("#overdue-table tbody")
        assert "小星星托育中心" in rows and "保健室药品柜未上锁" in rows
        assert "消毒记录缺少" not in rows
        page.screenshot(path=os.path.join(screenshot_dir, "regulation-overdue.png"), full_page=True)
        click(page, "#overdue-table tbody a:has-text('小星星托育中心')")
        assert page.inner_text("#institution-light") == "红灯"
        assert "1项整改逾期未销号" in page.inner_text("#light-reasons")
        page = switch_user(page, login, "xxx-operator")
        page.goto(f"{live_server.url}/regulation/mine/")
        page.wait_for_load_state("networkidle")
        assert page.inner_text("#institution-light") == "红灯"
