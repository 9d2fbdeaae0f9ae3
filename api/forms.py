"""The coordinators' form for registering a client (input checks only; the rules are in services.py)."""
from __future__ import annotations

import datetime as dt

from django import forms

from accounts.models import User
from agencies.models import Department
from core import clock

from .models import ApiClient
from .scopes import SCOPE_CHOICES


class ClientForm(forms.Form):
    name = forms.CharField(label="系统名称", max_length=100, error_messages={"required": "请填写系统名称。"})
    owner_unit = forms.ModelChoiceField(
        label="所属单位", queryset=Department.objects.order_by("position", "name"), empty_label="请选择",
        error_messages={"required": "请选择所属单位。", "invalid_choice": "请选择有效的单位。"},
    )
    user = forms.ModelChoiceField(
        label="绑定账号", queryset=User.objects.filter(is_active=True).select_related("department"),
        empty_label="请选择", help_text="接口以该账号的身份和可见范围读写，与该账号登录页面看到的完全一致。",
        error_messages={"required": "请选择绑定账号。", "invalid_choice": "请选择有效的账号。"},
    )
    scopes = forms.MultipleChoiceField(
        label="授权范围", choices=SCOPE_CHOICES, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一项授权范围。"},
    )
    expires_on = forms.DateField(
        label="有效期至", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "请填写有效期。", "invalid": "请输入有效日期，如 2027-12-31。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].label_from_instance = lambda u: f"{u.username} · {u.display_name} · {u.get_role_display()}"
        self.initial.setdefault("expires_on", clock.today() + dt.timedelta(days=365))


class CallFilterForm(forms.Form):
    client = forms.ModelChoiceField(label="客户端", queryset=ApiClient.objects.all(), required=False, empty_label="全部")
    status = forms.ChoiceField(label="结果", required=False,
                               choices=[("", "全部"), ("ok", "成功（2xx/3xx）"), ("error", "失败（4xx/5xx）")])

    def apply(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data.get("client"):
            queryset = queryset.filter(client=data["client"])
        if data.get("status") == "ok":
            queryset = queryset.filter(status__lt=400)
        elif data.get("status") == "error":
            queryset = queryset.filter(status__gte=400)
        return queryset

