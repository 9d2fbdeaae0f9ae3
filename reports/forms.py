"""Filters of the dashboards and exports (GET forms: a link reproduces the view)."""
from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from agencies.models import Department
from core import clock
from tasks.models import Plan

from .excel import parse_period

EARLIEST = dt.date(2000, 1, 1)


class PlanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.label}（{obj.get_status_display()}）" if obj.is_ended else obj.label


class AsOfForm(forms.Form):
    on = forms.DateField(
        label="统计截至", required=False, input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="查看该日结束时的灯色与数据。",
    )

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        kwargs.setdefault("initial", {"on": clock.today()})
        super().__init__(*args, **kwargs)
        today = clock.today()
        self.fields["on"].widget.attrs.update({"max": today.isoformat(), "min": EARLIEST.isoformat()})

    def clean_on(self):
        on = self.cleaned_data.get("on")
        if on is None:
            return None
        if on > clock.today():
            raise ValidationError("统计日期不能晚于今天。")
        if on < EARLIEST:
            raise ValidationError("统计日期过早。")
        return on

    def as_of(self) -> dt.date:
        """The chosen date, or today when none (or an invalid one) was given."""
        if self.is_valid() and self.cleaned_data.get("on"):
            return self.cleaned_data["on"]
        return clock.today()

    def value(self, name):
        return self.cleaned_data.get(name) if self.is_valid() else None


class DistrictForm(AsOfForm):
    plan = PlanChoiceField(label="实施方案", queryset=Plan.objects.none(), required=False, empty_label="全部实施方案")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = Plan.objects.for_user(self.user).published()


class ExcelForm(AsOfForm):
    plan = PlanChoiceField(label="实施方案", queryset=Plan.objects.none(), required=False,
                           empty_label="实施中的最新方案", help_text="已结束的方案默认统计至其结束日。")
    period = forms.CharField(
        label="报送周期", required=False, widget=forms.DateInput(attrs={"type": "month"}),
        help_text="留空：各单位截至统计日最新的审核通过报告。",
    )
    department = forms.ModelChoiceField(
        label="单位", queryset=Department.objects.none(), required=False, empty_label="全部单位"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = Plan.objects.for_user(self.user).published()
        self.fields["department"].queryset = Department.objects.for_user(self.user).reporting()

    def clean_period(self):
        try:
            return parse_period(self.cleaned_data.get("period", ""))
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None


class ExportJobForm(forms.Form):
    plan = PlanChoiceField(label="实施方案", queryset=Plan.objects.none(), required=False, empty_label="全部实施方案")
    department = forms.ModelChoiceField(
        label="单位", queryset=Department.objects.none(), required=False, empty_label="全部单位"
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = Plan.objects.for_user(user).published()
        self.fields["department"].queryset = Department.objects.for_user(user).reporting()
