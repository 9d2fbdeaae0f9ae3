"""Forms of regulation pages. They only shape input; the services decide."""
from __future__ import annotations

from django import forms

from agencies.models import Department
from core.uploads import ACCEPT_ATTRIBUTE
from institutions.models import Institution

from .models import Complaint, Inspection, StaffDocument, StaffMember
from .rules import INSPECTION_UNITS

FINDING_ROWS = 6
# ISO: an <input type="date"> takes no other format (the zh-hans format is 2026/12/02).
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class IdNumberInput(forms.TextInput):
    """An ID number is typed, never echoed back: a form shown again (a refusal) leaves it empty,
    so no page carries a full number."""

    def __init__(self):
        super().__init__(attrs={"autocomplete": "off", "inputmode": "text", "spellcheck": "false"})

    def format_value(self, value):
        return None


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE})

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class InspectionForm(forms.Form):
    institution = forms.ModelChoiceField(label="被检查机构", queryset=Institution.objects.none())
    unit = forms.ModelChoiceField(label="检查单位", queryset=Department.objects.filter(name__in=INSPECTION_UNITS),
                                  required=False, help_text="督办管理员代为记录时选择；检查单位人员记录时为本单位。")
    inspected_on = forms.DateField(label="检查日期", widget=DATE)
    kind = forms.ChoiceField(label="检查类别", choices=Inspection.Kind.choices)
    inspectors = forms.CharField(label="检查人员", max_length=200)
    summary = forms.CharField(label="检查情况", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = Institution.objects.publicly_listed().order_by("name")
        for n in range(1, FINDING_ROWS + 1):
            self.fields[f"finding_{n}"] = forms.CharField(label=f"第{n}项发现", required=False, max_length=1000)
            self.fields[f"deadline_{n}"] = forms.DateField(
                label=f"第{n}项整改期限", required=False, widget=DATE, help_text="留空表示无需整改")

    def finding_rows(self):
        return [(self[f"finding_{n}"], self[f"deadline_{n}"]) for n in range(1, FINDING_ROWS + 1)]

    def findings(self):
        return [(self.cleaned_data.get(f"finding_{n}", ""), self.cleaned_data.get(f"deadline_{n}"))
                for n in range(1, FINDING_ROWS + 1)]


class AnswerForm(forms.Form):
    text = forms.CharField(label="整改情况", widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label="佐证材料", required=False)


class ReopenForm(forms.Form):
    reason = forms.CharField(label="退回理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class EscalateForm(forms.Form):
    assignment = forms.ModelChoiceField(label="督办单位", queryset=None)
    reply_due = forms.DateField(label="答复期限", widget=DATE)

    def __init__(self, *args, assignments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = assignments
        self.fields["assignment"].label_from_instance = lambda a: f"{a.department.name}（任务{a.task.number}）"


class StaffForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    post = forms.ChoiceField(label="岗位", choices=StaffMember.Post.choices)
    id_number = forms.CharField(label="身份证号码", max_length=18, widget=IdNumberInput(),
                                help_text="只保存加密摘要和遮盖后的号码，用于跨机构比对和终身禁入核查。")
    qualification = forms.CharField(label="资格证书", max_length=100, required=False)
    certificate_number = forms.CharField(label="证书编号", max_length=60, required=False)
    certificate_expires = forms.DateField(label="证书有效期至", required=False, widget=DATE)
    health_expires = forms.DateField(label="健康证明有效期至", required=False, widget=DATE)
    background_checked_on = forms.DateField(label="无犯罪记录查询日期", required=False, widget=DATE)
    started_on = forms.DateField(label="入职日期", required=False, widget=DATE)


class StaffDocumentForm(forms.Form):
    kind = forms.ChoiceField(label="证书类别", choices=StaffDocument.Kind.choices)
    file = forms.FileField(label="文件", widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))


class StaffEndForm(forms.Form):
    ended_on = forms.DateField(label="离职日期", required=False, widget=DATE)


class BanForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="身份证号码", max_length=18, widget=IdNumberInput())
    reason = forms.CharField(label="禁入事由", widget=forms.Textarea(attrs={"rows": 2}))
    decision_number = forms.CharField(label="决定文书编号", max_length=100)
    decided_on = forms.DateField(label="决定日期", widget=DATE)
    decision_file = forms.FileField(label="决定文书", widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))


class ComplaintForm(forms.Form):
    category = forms.ChoiceField(label="投诉类别", choices=Complaint.Category.choices)
    text = forms.CharField(label="投诉内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))
    contact_name = forms.CharField(label="您的称呼（选填）", max_length=50, required=False)
    contact_phone = forms.CharField(label="联系电话（选填，仅办理人员可见）", max_length=30, required=False)
    # A field people never see: a robot that fills every field is refused without a CAPTCHA service.
    website = forms.CharField(required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))


class AssignForm(forms.Form):
    unit = forms.ModelChoiceField(label="承办单位", queryset=Department.objects.reporting().order_by("position", "name"))


class ReplyForm(forms.Form):
    reply = forms.CharField(label="答复内容", widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(forms.Form):
    outcome = forms.CharField(label="办理结果", widget=forms.Textarea(attrs={"rows": 3}))
