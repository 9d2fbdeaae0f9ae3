from django import forms

from agencies.models import Department

from .models import MessengerChannel


class ChannelForm(forms.Form):
    """The secret and the address are write-only: the widgets never render a value back."""

    unit = forms.ModelChoiceField(
        label="单位", queryset=Department.objects.reporting(), empty_label="请选择",
        error_messages={"required": "请选择单位。", "invalid_choice": "请选择有效的单位。"},
    )
    kind = forms.ChoiceField(label="类型", choices=MessengerChannel.Kind.choices,
                             error_messages={"required": "请选择机器人类型。", "invalid_choice": "请选择机器人类型。"})
    name = forms.CharField(label="名称", max_length=100, initial="工作群",
                           error_messages={"required": "请填写名称（如“本单位工作群”）。",
                                           "max_length": "名称不能超过 100 个字符。"})
    webhook_url = forms.CharField(
        label="Webhook 地址", max_length=500, widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="群设置 → 机器人 → 复制 Webhook 地址。保存后加密存储，不再显示。",
        error_messages={"required": "请填写 Webhook 地址。", "max_length": "Webhook 地址不能超过 500 个字符。"},
    )
    secret = forms.CharField(
        label="加签密钥（仅钉钉）", required=False, max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="钉钉机器人安全设置选“加签”，填写以 SEC 开头的密钥；企业微信留空。保存后加密存储，不再显示。",
        error_messages={"max_length": "加签密钥不能超过 200 个字符。"},
    )
