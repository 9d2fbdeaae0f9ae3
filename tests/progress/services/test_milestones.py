"""progress.services.milestones."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.selectors import changes_for
from core import clock
from progress import services
from progress.selectors import milestone_metric
from progress.timerules import milestone_met
from tasks.models import Milestone

from ..conftest import pdf

pytestmark = pytest.mark.django_db


def test_milestone_confirmation_by_the_coordinator(world):
    m = Milestone.objects.create(plan=world.plan, task=world.task, title="成立专家组", due_date=dt.date(2026, 12, 31))
    with pytest.raises(PermissionDenied):
        services.milestone_confirm(actor=world.leader, milestone=m, met_on=dt.date(2026, 11, 1), evidence="x")
    with pytest.raises(ValidationError) as excinfo:
        services.milestone_confirm(actor=world.coordinator, milestone=m, met_on=None, evidence="")
    assert set(excinfo.value.message_dict) == {"met_on", "evidence"}
    m = services.milestone_confirm(actor=world.coordinator, milestone=m, met_on=dt.date(2026, 11, 1),
                                   evidence="区卫生健康委发文成立专家组。", files=[pdf()])
    assert milestone_met(m, clock.today()) and m.confirmed_by == world.coordinator and m.evidence_files.count() == 1
    assert changes_for(m)[0].comment.startswith("确认节点目标已达成")


def test_metric_values_typed_or_computed(users, plan_2020):
    coordinator = users["coordinator"]
    typed = Milestone.objects.get(task__plan=plan_2020, task__number=3, target_value__isnull=False)
    services.milestone_value_set(actor=coordinator, milestone=typed, current_value=Decimal("37.5"))
    assert milestone_metric(Milestone.objects.get(pk=typed.pk)).value == Decimal("37.5")
    filing = Milestone.objects.get(task__plan=plan_2020, task__number=8)
    assert filing.metric_source == "institutions.filing_completion_rate"
    with pytest.raises(ValidationError):
        services.milestone_value_set(actor=coordinator, milestone=filing, current_value=Decimal(1))
    assert Milestone.objects.get(task__plan=plan_2020, task__number=9).metric_source == "institutions.demonstration_count"


def test_missing_indicator_module_is_not_yet_available(world):
    m = Milestone(plan=world.plan, title="x", due_date=dt.date(2026, 12, 31), target_value=1,
                  metric_source="nosuchapp.some_rate")
    value = milestone_metric(m)
    assert (value.available, value.computed, value.note) == (False, True, "数据来源模块尚未启用")
