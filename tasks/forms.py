"""The plan lifecycle's confirmation forms: each ends with a box the
coordinator must tick (publishing and ending are not undone lightly)."""
from __future__ import annotations

from django import forms

from .models import Plan

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanPublishForm(forms.Form):
    in_force_from = forms.DateField(
        label="实施起始日", input_formats=["%Y-%m-%d"], widget=DATE_WIDGET,
        help_text="自该日起开始报送周期、提醒和灯色；各单位“我的任务”自该日起显示本方案的任务。",
    )
    period_months = forms.TypedChoiceField(label="报送周期", choices=Plan.Period.choices, coerce=int)
    report_due_day = forms.IntegerField(
        label="报送截止日", min_value=1, max_value=28, help_text="每个报送周期最后一个月的第几日截止（1–28）。"
    )
    confirm = forms.BooleanField(
        label="我已核对本方案的任务、牵头单位和责任单位，确认发布实施。", required=True,
        error_messages={"required": "请勾选确认后再发布。"},
    )


class PlanEndForm(forms.Form):
    ended_on = forms.DateField(label="结束日期", input_formats=["%Y-%m-%d"], widget=DATE_WIDGET)
    closing_summary = forms.CharField(
        label="结束总结", widget=forms.Textarea(attrs={"rows": 8}),
        help_text="方案实施情况的总结：主要成效、未完成事项及其去向。",
        error_messages={"required": "请填写结束总结。"},
    )
    confirm = forms.BooleanField(
        label="我确认结束本方案：结束后其进展报告、督办单和节点目标均不能再修改，灯色和数据保持结束日的情况。",
        required=True, error_messages={"required": "请勾选确认后再结束。"},
    )
