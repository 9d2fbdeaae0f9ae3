"""Forms of 普惠 designation, the monthly enrolment and its import, the utilisation date, and the
quality self-assessment. They only parse input; rules live in services, rules and family_rules."""
from __future__ import annotations

import datetime as dt

from django import forms

from .models_enrolment import ENROLMENT_CLASS_FIELDS

DATE = {"type": "date"}


class InclusiveForm(forms.Form):
    inclusive_from = forms.DateField(label="普惠认定日期", widget=forms.DateInput(attrs=DATE))
    places = forms.IntegerField(label="普惠托位数", min_value=1, max_value=100_000)
    price = forms.DecimalField(label="普惠收费（元/月）", min_value=0, max_digits=9, decimal_places=2, required=False)


class EnrolmentForm(forms.Form):
    period = forms.CharField(label="月份", widget=forms.TextInput(attrs={"type": "month"}),
                             help_text="格式：2026-11。")
    infant = forms.IntegerField(label="乳儿班在托人数", min_value=0, max_value=10_000, initial=0)
    toddler = forms.IntegerField(label="托小班在托人数", min_value=0, max_value=10_000, initial=0)
    preschool = forms.IntegerField(label="托大班在托人数", min_value=0, max_value=10_000, initial=0)
    mixed = forms.IntegerField(label="混合班在托人数", min_value=0, max_value=10_000, initial=0)

    def clean_period(self) -> dt.date:
        return parse_month(self.cleaned_data["period"], field="月份")


def parse_month(text: str, *, field: str) -> dt.date:
    """"2026-11", "2026/11", "2026年11月" or a date → the month's first day."""
    value = str(text or "").strip().replace("/", "-").replace("年", "-").replace("月", "").replace(".", "-")
    parts = [p for p in value.split("-") if p][:2]
    try:
        year, month = int(parts[0]), int(parts[1])
        return dt.date(year, month, 1)
    except (ValueError, IndexError):
        raise forms.ValidationError(f"{field}“{text}”无效，应为“2026-11”的格式。") from None


class AsOfForm(forms.Form):
    on = forms.DateField(label="统计日期", required=False, widget=forms.DateInput(attrs=DATE))


ENROLMENT_COLUMNS = ["统一社会信用代码", "月份", *ENROLMENT_CLASS_FIELDS.values()]


class AssessmentReturnForm(forms.Form):
    reason = forms.CharField(label="退回理由", widget=forms.Textarea(attrs={"rows": 3}))
