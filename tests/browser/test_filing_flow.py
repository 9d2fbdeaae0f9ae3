"""The filing (备案) flow in Chromium, as the issue's people meet it:

the operator of 小星星托育中心 fills the 备案书 and submits without the fire-safety
certificate → blocked with a message; uploads it and submits; the coordinator
returns it with a reason per item; the operator corrects and resubmits; the
coordinator files it; the receipt page shows 渝中托备〔YYYY〕001号; the institution
appears in the public directory; after a 注销 filing is filed it is gone."""
import os

import pytest
from django.utils import timezone

from institutions.models import Filing, Institution
from tests.factories import PDF_BYTES, InstitutionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MATERIALS = [
    ("license", "营业执照.pdf"),
    ("premises", "场地租赁合同.pdf"),
    ("staff", "保育人员资格及健康证明.pdf"),
    ("hygiene", "卫生评价报告.pdf"),
]


def switch_user(page, login, username):
    page.context.clear_cookies()
    return login(username)


def shot(page, screenshot_dir, name):
    page.screenshot(path=os.path.join(screenshot_dir, name), full_page=True)


def upload(page, kind, name):
    page.select_option("#id_kind", kind)
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": "application/pdf", "buffer": PDF_BYTES}])
    page.click("#upload-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已上传" in page.inner_text(".messages")


def click(page, selector):
    page.click(selector)
    page.wait_for_load_state("networkidle")


def test_filing_submitted_blocked_returned_corrected_filed_and_cancelled(
    plan_2020, login, live_server, page, screenshot_dir
):
    institution = InstitutionFactory(name="小星星托育中心", street__name="解放碑街道办事处", street__kind="street",
                                     address="渝中区民权路88号", capacity=0, offers_full_day=False)
    UserFactory(username="xxx-operator", full_name="刘园长", role="operator", department=None, institution=institution)
    UserFactory(username="demo-coordinator", full_name="王督办", role="coordinator", department__name="区卫生健康委")
    year = timezone.localdate().year

    # 1. The operator lands on its own institution and opens a new filing.
    page = login("xxx-operator")
    assert page.inner_text("h1").startswith("小星星托育中心")
    click(page, "text=办理新设备案")
    assert "新设备案备案书" in page.inner_text("h1")
    page.check("#id_offers_full_day")
    page.check("#id_offers_hourly")
    page.fill("#id_capacity", "45")
    page.fill("#id_principal_name", "刘园长")
    page.fill("#id_contact_phone", "023-63888888")
    page.fill("#id_public_phone", "023-63999999")
    page.select_option("#id_premises_ownership", "leased")
    page.fill("#id_lease_years", "5")
    page.fill("#id_premises_area", "620")
    page.fill("#id_staff_count", "9")
    page.select_option("#id_classes-0-kind", "toddler")
    page.fill("#id_classes-0-children", "15")
    page.fill("#id_classes-0-caregivers", "2")  # 1:7.5 — below 1:5, the reviewer will see a warning
    page.check("#id_commitment")
    click(page, "#save-filing")
    assert "备案书已保存。" in page.inner_text(".messages")

    # 2. Four of the five materials, then submit: blocked, with the missing one named.
    for kind, name in MATERIALS:
        upload(page, kind, name)
    click(page, "#submit-filing")
    click(page, "#confirm-action")  # the confirmation page: 确认提交
    messages = page.inner_text(".messages")
    assert "未能提交" in messages and "缺少必需材料：消防安全检查合格证明。" in messages
    assert page.inner_text("#filing-status") == "草稿"
    shot(page, screenshot_dir, "filing-blocked.png")

    # 3. The fire certificate completes it; submit.
    upload(page, "fire", "消防安全检查合格证明.pdf")
    click(page, "#submit-filing")
    click(page, "#confirm-action")  # the confirmation page: 确认提交
    assert "备案已提交" in page.inner_text(".messages")
    assert page.inner_text("#filing-status") == "已提交待审核"
    filing = Filing.objects.get(institution=institution)

    # 4. The coordinator finds it in the queue, sees the ratio warning, returns it with reasons.
    page = switch_user(page, login, "demo-coordinator")
    page.goto(f"{live_server.url}/filings/review/")
    row = page.locator("#queue-table tbody tr", has_text="小星星托育中心")
    assert "剩余5个工作日" in row.inner_text()
    shot(page, screenshot_dir, "filing-review-queue.png")
    row.get_by_role("link", name="小星星托育中心").click()
    page.wait_for_load_state("networkidle")
    assert "低于1:5的配比" in page.inner_text("#standard-warnings")
    click(page, "#return-filing")
    click(page, "#confirm-return")  # nothing written: the error shows on the form
    assert "请至少填写一项补正理由。" in page.inner_text("#return-form")
    page.fill("#id_classes", "托小班15名婴幼儿仅配2名保育人员，低于1:5，请增配保育人员。")
    page.fill("#id_fire", "请上传消防验收或检查合格证明的盖章件。")
    click(page, "#confirm-return")
    assert "已退回机构补正。" in page.inner_text(".messages")

    # 5. The operator sees the reasons, corrects and resubmits.
    page = switch_user(page, login, "xxx-operator")
    page.goto(f"{live_server.url}/filings/{filing.pk}/")
    corrections = page.inner_text("#corrections")
    assert "班级设置" in corrections and "请增配保育人员" in corrections
    shot(page, screenshot_dir, "filing-returned.png")
    click(page, "#edit-filing")
    page.fill("#id_classes-0-caregivers", "3")
    click(page, "#save-filing")
    upload(page, "fire", "消防安全检查合格证明（盖章）.pdf")
    click(page, "#submit-filing")
    click(page, "#confirm-action")  # the confirmation page: 确认提交
    assert page.inner_text("#filing-status") == "已提交待审核"

    # 6. The coordinator files it; the receipt shows the number.
    page = switch_user(page, login, "demo-coordinator")
    page.goto(f"{live_server.url}/filings/{filing.pk}/")
    assert page.locator("#standard-warnings").count() == 0
    click(page, "#approve-filing")
    click(page, "#confirm-action")  # the confirmation page: 确认予以备案
    number = f"渝中托备〔{year}〕001号"
    assert page.inner_text("#receipt-number") == number
    receipt = page.inner_text("#receipt")
    assert "托育机构备案回执" in receipt and "托育机构基本条件告知书" in receipt and "小星星托育中心" in receipt
    shot(page, screenshot_dir, "filing-receipt.png")

    # 7. The public directory (no login) lists it, with public facts only.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/directory/")
    assert "/accounts/login/" not in page.url
    table = page.inner_text("#directory-table")
    assert "小星星托育中心" in table and "023-63999999" in table and "023-63888888" not in table
    page.select_option("#id_street", label="解放碑街道办事处")
    page.select_option("#id_service_type", "hourly")
    click(page, "#directory-filter button[type=submit]")
    assert "小星星托育中心" in page.inner_text("#directory-table")
    shot(page, screenshot_dir, "public-directory.png")

    # 8. 注销: the operator files a cancellation, the coordinator files it, the directory drops it.
    page = login("xxx-operator")
    click(page, "text=办理注销备案")
    page.fill("#id_cancel_reason", "租赁期满，不再续租。")
    page.fill("#id_service_end_on", "2026-12-31")
    page.fill("#id_placement_note", "在托婴幼儿已全部转入附近托育机构，家长均已签字确认。")
    page.check("#id_commitment")
    click(page, "#save-filing")
    click(page, "#submit-filing")
    click(page, "#confirm-action")  # the confirmation page: 确认提交
    assert page.inner_text("#filing-status") == "已提交待审核"
    cancel = Filing.objects.get(institution=institution, kind="cancel")
    page = switch_user(page, login, "demo-coordinator")
    page.goto(f"{live_server.url}/filings/{cancel.pk}/")
    click(page, "#approve-filing")
    click(page, "#confirm-action")  # the confirmation page: 确认予以备案
    assert page.inner_text("#receipt-number") == f"渝中托备〔{year}〕002号"
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/directory/")
    assert "小星星托育中心" not in page.inner_text("#directory-table")
    assert Institution.objects.get(pk=institution.pk).status == "cancelled"
