"""The task dashboard; and the milestone threshold read as one rule by the
light, the task page and the dashboard."""
import datetime as dt
import re

import pytest
from django.urls import reverse

from progress.lights import light_for
from reports import task as task_dashboard
from reports.cache import clear
from tests.conftest import on_day
from tests.factories import MilestoneFactory

from .conftest import D, report

pytestmark = pytest.mark.django_db


def test_task_dashboard_matrix_and_timeline(world):
    report(world.lead_a, 2026, 1, submitted_on=D(2026, 1, 20), approved_on=D(2026, 1, 21))
    report(world.other_a, 2026, 1, submitted_on=D(2026, 1, 28), approved_on=D(2026, 1, 29))
    t = task_dashboard.task_dashboard(user=world.viewer, task=world.task, on=D(2026, 2, 10))
    assert [s.label for s in t.matrix_periods] == ["2026年1月", "2026年2月"]
    assert [row["cells"] for row in t.matrix] == [["on_time", "open"], ["late", "open"]]
    assert len(t.timeline) == 2 and "审核通过" in t.timeline[0]["text"]
    assert t.rows[0]["fact"].is_lead and t.rows[0]["report"].percent == 50


def _milestone_status(html: str) -> str:
    """The status word in the milestone table's row of 出台配套文件."""
    rows = [r for r in re.findall(r"<tr>.*?</tr>", html, re.S) if "出台配套文件" in r]
    words = {w for r in rows for w in ("即将到期", "推进中", "逾期未达成", "已达成") if w in r}
    assert len(words) == 1, rows
    return words.pop()


def test_the_due_soon_threshold_moves_the_light_the_task_page_and_the_dashboard_together(world, client, settings):
    """One rule (progress.timerules.milestone_status): a milestone due in 10 days
    is 即将到期 with the threshold at 14 days, 推进中 at 7, on all three at once."""
    for a in (world.lead_a, world.other_a):
        report(a, 2026, 2, submitted_on=D(2026, 2, 20), approved_on=D(2026, 2, 21))
    on = D(2026, 3, 5)  # February approved, March due 03-25: nothing else colours task 1
    MilestoneFactory(task=world.task, title="出台配套文件", due_date=on + dt.timedelta(days=10))

    def seen(days: int) -> tuple[str, str, str]:
        settings.PORTAL_LIGHTS = {"MILESTONE_DUE_SOON_DAYS": days, "REPORT_DUE_SOON_DAYS": 3}
        clear()
        with on_day(on):
            client.force_login(world.viewer)
            page = client.get(reverse("tasks:detail", args=[world.task.pk])).content.decode()
            board = client.get(reverse("reports:task", args=[world.task.pk]) + f"?on={on.isoformat()}")
        return light_for(task=world.task, on=on).code, _milestone_status(page), _milestone_status(board.content.decode())

    assert seen(14) == ("yellow", "即将到期", "即将到期")
    assert seen(7) == ("green", "推进中", "推进中")
