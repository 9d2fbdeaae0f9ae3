"""Milestones as pages show them: a metric's current value (computed live from
an indicator, or as typed in) and each milestone's status at D (the rule is
progress.timerules.milestone_status)."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.module_loading import import_string

from core import clock
from tasks.models import Milestone

from . import timerules
from .models import MilestoneFile

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MetricValue:
    value: Decimal | None
    computed: bool
    available: bool
    note: str = ""


def milestone_metric(milestone: Milestone, *, on: dt.date | None = None) -> MetricValue:
    """The current value of a metric milestone: computed live when it names an
    indicator (`<app>.<name>` → `<app>.indicators.<name>`), else as typed in."""
    if not milestone.metric_source:
        return MetricValue(milestone.current_value, computed=False, available=milestone.current_value is not None)
    app, _, name = milestone.metric_source.partition(".")
    try:
        function = import_string(f"{app}.indicators.{name}")
    except ImportError:
        return MetricValue(None, computed=True, available=False, note="数据来源模块尚未启用")
    try:
        value = function(as_of=on) if on is not None else function()
    except Exception:  # an indicator's failure must not take the task page down
        logger.exception("指标 %s 计算失败", milestone.metric_source)
        return MetricValue(None, computed=True, available=False, note="指标计算失败")
    return MetricValue(Decimal(str(value)) if value is not None else None, computed=True, available=value is not None)


@dataclass
class MilestoneRow:
    milestone: Milestone
    metric: MetricValue | None
    files: list = field(default_factory=list)
    today: dt.date | None = None

    @property
    def status(self) -> str:
        return timerules.milestone_status(self.milestone, self.today)[0]

    @property
    def css(self) -> str:
        return timerules.milestone_status(self.milestone, self.today)[1]

    @property
    def met(self) -> bool:
        return timerules.milestone_met(self.milestone, self.today)


def milestone_rows(milestones, *, on: dt.date | None = None, with_files: bool = True) -> list[MilestoneRow]:
    # A computed metric is read at the same day as the status beside it (it was read at today).
    today = on or clock.today()
    milestones = list(milestones)
    files: dict[int, list] = {}
    if milestones and with_files:
        for f in MilestoneFile.objects.filter(milestone_id__in=[m.pk for m in milestones]):
            files.setdefault(f.milestone_id, []).append(f)
    return [
        MilestoneRow(m, milestone_metric(m, on=today) if m.is_metric else None, files.get(m.pk, []), today)
        for m in milestones
    ]
