from django import forms

from accounts.models import EmailPreference


class EmailPreferenceForm(forms.Form):
    email_preference = forms.ChoiceField(
        label="站内消息同时发送电子邮件", choices=EmailPreference.choices, widget=forms.RadioSelect,
        error_messages={"required": "请选择一种邮件通知方式。", "invalid_choice": "请选择一种邮件通知方式。"},
    )
