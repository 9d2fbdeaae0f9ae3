"""The plan lifecycle's writes: import as a draft, publish, end (tasks.services)."""
import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from audit.models import ObjectChange
from tasks.models import Plan
from tasks.services import plan_end, plan_import, plan_publish

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = dt.datetime(2026, 3, 10, 2, tzinfo=dt.timezone.utc)  # 2026-03-10 10:00 in Chongqing


def _xlsx(rows) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["某区任务分解表"])
    sheet.append(["序号", "工作内容", "具体任务", "牵头单位", "责任单位"])
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


@pytest.fixture
def draft(users):
    return plan_import(source=_xlsx([
        (1, "落实产假政策", "全面落实产假政策。", "区人力社保局", "区总工会"),
        (2, "托幼一体化", "推进托幼一体化。", "区教委", "各街道办事处"),
    ]), actor=users["coordinator"], title="新方案", issued_on=D(2026, 1, 20))


def _changes(plan):
    return list(ObjectChange.objects.filter(object_id=str(plan.pk), content_type__model="plan").order_by("pk"))


def test_an_imported_plan_is_a_draft(draft):
    assert draft.status == Plan.Status.DRAFT and draft.in_force_from is None
    assert draft.items.count() == 2 and not Plan.objects.in_force(on=D(2026, 3, 1)).filter(pk=draft.pk).exists()


@time_machine.travel(TODAY, tick=False)
def test_publish_puts_a_draft_in_force_with_its_schedule_and_history(draft, users):
    plan = plan_publish(plan=draft, actor=users["coordinator"], in_force_from=D(2026, 2, 1), period_months=3,
                        report_due_day=20)
    plan.refresh_from_db()
    assert (plan.status, plan.in_force_from, plan.period_months, plan.report_due_day) == (
        Plan.Status.IN_FORCE, D(2026, 2, 1), 3, 20)
    last = _changes(plan)[-1]
    assert last.action == ObjectChange.Action.TRANSITION and "发布实施" in last.comment
    assert last.changes["状态"] == ["草案", "实施中"]
    assert Plan.objects.in_force(on=D(2026, 2, 1)).filter(pk=plan.pk).exists()
    assert not Plan.objects.in_force(on=D(2026, 1, 31)).filter(pk=plan.pk).exists()


def test_only_a_coordinator_publishes_and_only_a_draft(draft, users):
    with pytest.raises(PermissionDenied):
        plan_publish(plan=draft, actor=users["viewer"], in_force_from=D(2026, 2, 1))
    plan_publish(plan=draft, actor=users["coordinator"], in_force_from=D(2026, 2, 1))
    with pytest.raises(ValidationError, match="只有草案可以发布"):
        plan_publish(plan=draft, actor=users["coordinator"], in_force_from=D(2026, 2, 1))


def test_publish_checks_the_schedule_and_refuses_an_empty_plan(users):
    empty = Plan.objects.create(title="空方案")
    with pytest.raises(ValidationError) as caught:
        plan_publish(plan=empty, actor=users["coordinator"], in_force_from=None, report_due_day=31)
    errors = caught.value.message_dict
    assert errors["in_force_from"] == ["请填写实施起始日。"]
    assert errors["report_due_day"] == ["报送截止日应为 1 到 28 之间的整数。"]
    assert "没有任何任务分工" in errors["__all__"][0]
    empty.refresh_from_db()
    assert empty.status == Plan.Status.DRAFT


@time_machine.travel(TODAY, tick=False)
def test_end_needs_a_closing_summary_and_a_date_not_in_the_future(plan_2020, users):
    coordinator = users["coordinator"]
    with pytest.raises(ValidationError) as caught:
        plan_end(plan=plan_2020, actor=coordinator, ended_on=D(2026, 3, 11), closing_summary="  ")
    assert set(caught.value.message_dict) == {"closing_summary", "ended_on"}
    with pytest.raises(ValidationError, match="不能早于实施起始日"):
        plan_end(plan=plan_2020, actor=coordinator, ended_on=D(2020, 1, 1), closing_summary="总结")
    with pytest.raises(PermissionDenied):
        plan_end(plan=plan_2020, actor=users["officer"], ended_on=D(2025, 12, 31), closing_summary="总结")
    plan = plan_end(plan=plan_2020, actor=coordinator, ended_on=D(2025, 12, 31), closing_summary="五年目标全面完成。")
    plan.refresh_from_db()
    assert (plan.status, plan.ended_on, plan.closing_summary) == (Plan.Status.ENDED, D(2025, 12, 31), "五年目标全面完成。")
    assert "结束实施" in _changes(plan)[-1].comment
    with pytest.raises(ValidationError, match="只有实施中的方案可以结束"):
        plan_end(plan=plan, actor=coordinator, ended_on=D(2025, 12, 31), closing_summary="再次")


def test_end_refuses_a_draft(draft, users):
    with pytest.raises(ValidationError, match="只有实施中的方案可以结束"):
        plan_end(plan=draft, actor=users["coordinator"], ended_on=D(2026, 1, 1), closing_summary="总结")
