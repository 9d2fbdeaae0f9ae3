"""Keyboard only (GB/T 37668-2019 / WCAG 2.1.1, 2.4.7): an officer writes and submits a
report and a leader returns it with Tab, Shift+Tab, Enter, Space and typing — no click,
no fill. Every control reached shows a visible focus indicator."""
import pytest

from core import clock
from progress.models import ProgressReport
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
  return {tag: el.tagName, text: (el.innerText || el.value || "").trim().slice(0, 80), id: el.id, label: label,
          row: el.closest("tr") ? el.closest("tr").innerText : "",
          outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2};
}"""


def tab_to(page, matches, *, limit=120, back=False):
    """Press Tab until the focused element satisfies `matches`; it must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        el = page.evaluate(FOCUSED)
        if el and matches(el):
            assert el["outline"], f"no visible focus on {el}"
            return el
    raise AssertionError(f"not reachable by Tab on {page.url}")


def press(page, key):
    with page.expect_navigation():
        page.keyboard.press(key)
    page.wait_for_load_state("load")


def sign_in_by_keyboard(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    tab_to(page, lambda el: el["id"] == "id_username")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(TEST_PASSWORD)
    press(page, "Enter")


def test_report_written_submitted_and_returned_by_keyboard(plan_2020, live_server, page):
    UserFactory(username="kb-officer", full_name="李填报", role="officer", department__name="区人力社保局")
    UserFactory(username="kb-leader", full_name="张审核", role="leader", department__name="区人力社保局")
    today = clock.today()
    period = f"{today.year}年{today.month}月"
    base = live_server.url

    # The officer: skip link first, then the row of task 1 this month on 我的任务, 填报.
    sign_in_by_keyboard(page, base, "kb-officer")
    assert page.title().startswith("我的任务")
    first = tab_to(page, lambda el: True)
    assert first["text"] == "跳到正文", "the first Tab stop is the skip link"
    page.keyboard.press("Enter")  # the skip link moves focus to <main>, no navigation
    assert page.evaluate("document.activeElement.id") == "main"
    tab_to(page, lambda el: el["text"] == "填报" and "全面落实产假政策" in el["row"] and period in el["row"])
    press(page, "Enter")
    assert "填报进展" in page.title()

    tab_to(page, lambda el: el["id"] == "id_progress")
    page.keyboard.type("联合区总工会开展产假政策宣传进企业活动3场。")
    tab_to(page, lambda el: el["id"] == "id_percent")
    page.keyboard.press("Control+A")
    page.keyboard.type("40")
    tab_to(page, lambda el: el["id"] == "id_problems")
    page.keyboard.type("部分小微企业落实护理假不到位。")
    tab_to(page, lambda el: el["id"] == "id_next_steps")
    page.keyboard.type("联合劳动监察开展专项检查。")
    tab_to(page, lambda el: el["text"] == "保存并提交审核")
    press(page, "Space")
    assert "已提交" in page.inner_text(".messages"), page.inner_text("main")
    report = ProgressReport.objects.get()
    assert report.state == "submitted"

    # The leader: 待审核 → 审阅 → a reason → 退回, by keyboard.
    sign_in_by_keyboard(page, base, "kb-leader")
    assert page.title().startswith("待审核")
    tab_to(page, lambda el: el["text"] == "审阅" and "全面落实产假政策" in el["row"])
    press(page, "Enter")
    tab_to(page, lambda el: el["id"] == "id_reason")
    page.keyboard.type("请补充活动现场照片和签到表。")
    tab_to(page, lambda el: el["text"] == "退回")
    press(page, "Enter")
    assert page.inner_text("#report-state").startswith("已退回")
    report.refresh_from_db()
    assert report.state == "returned" and report.return_reason == "请补充活动现场照片和签到表。"


def test_larger_text_is_switched_on_by_keyboard_and_remembered(plan_2020, live_server, page):
    """大字模式 (适老化): one key press, every page after it in larger text, still fitting a phone."""
    UserFactory(username="kb-viewer", role="viewer", department=None)
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in_by_keyboard(page, live_server.url, "kb-viewer")
    normal = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    tab_to(page, lambda el: el["text"] == "菜单")
    page.keyboard.press("Enter")
    button = tab_to(page, lambda el: el["text"] == "大字模式")
    assert button["tag"] == "BUTTON"
    page.keyboard.press("Space")
    assert page.get_attribute(".text-size-toggle >> nth=0", "aria-pressed") == "true"

    page.goto(f"{live_server.url}/tasks/")
    large = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert large >= normal * 1.2, (normal, large)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
