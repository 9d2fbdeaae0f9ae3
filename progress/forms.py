"""Input checking only (Chinese messages beside each field); the writes are
in services.py."""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from core import clock
from core.uploads import ACCEPT_ATTRIBUTE, max_upload_bytes, validate_upload
from tasks.models import Assignment

REQUIRED = "此项为必填项。"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Zero or more files, each checked by core.uploads.validate_upload."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            f"可多选。支持 PDF、JPG/PNG 图片、Word（.docx）、Excel（.xlsx），单个文件不超过 {max_upload_bytes() // 1048576} MB。",
        )
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", ACCEPT_ATTRIBUTE)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if self.required and not files:
            raise ValidationError("请上传至少一个文件。", code="required")
        errors = []
        for upload in files:
            try:
                validate_upload(upload)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return files


def _text(label: str, *, required: bool = True, rows: int = 4, message: str = REQUIRED, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": message}, **kwargs,
    )


class ReportForm(forms.Form):
    progress = _text("本期进展", rows=6, message="请填写本期进展。")
    percent = forms.IntegerField(
        label="完成进度（%）", min_value=0, max_value=100, initial=0,
        error_messages={
            "required": "请填写完成进度。", "invalid": "完成进度应为整数。",
            "min_value": "完成进度不能小于 0。", "max_value": "完成进度不能大于 100。",
        },
    )
    problems = _text("存在问题", required=False, rows=3)
    next_steps = _text("下步打算", required=False, rows=3)
    evidence = EvidenceField(label="佐证材料")

    def __init__(self, *args, files_qs=None, **kwargs):
        super().__init__(*args, **kwargs)
        if files_qs is not None:
            self.fields["remove_files"] = forms.ModelMultipleChoiceField(
                label="删除已上传的材料", queryset=files_qs, required=False, widget=forms.CheckboxSelectMultiple,
            )
            self.fields["remove_files"].label_from_instance = lambda f: f.original_name


class ReasonForm(forms.Form):
    reason = _text("原因", rows=3, message="请填写原因。")


class ReturnForm(forms.Form):
    reason = _text("退回原因", rows=3, message="退回时必须填写退回原因。")


class CorrectForm(forms.Form):
    reason = _text("更正原因", rows=3, message="请填写更正原因。")


class LeadSummaryForm(forms.Form):
    text = _text("汇总情况", rows=6, message="请填写汇总情况。")


class NoticeForm(forms.Form):
    assignment = forms.ModelChoiceField(
        label="督办单位及任务", queryset=Assignment.objects.none(), empty_label="请选择",
        error_messages={"required": "请选择督办单位及任务。", "invalid_choice": "请选择有效的单位及任务。"},
    )
    reason = _text("督办事由", rows=5, message="请填写督办事由。")
    reply_due = forms.DateField(
        label="答复期限", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "请填写答复期限。", "invalid": "请输入有效日期，如 2026-12-10。"},
    )

    def __init__(self, *args, assignments=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["assignment"]
        field.queryset = assignments if assignments is not None else Assignment.objects.none()
        field.label_from_instance = lambda a: f"{a.task} — {a.department.name}（{a.get_role_display()}）"  # the whole title

    def clean_reply_due(self):
        value = self.cleaned_data["reply_due"]
        if value < clock.today():
            raise ValidationError("答复期限不能早于今天。")
        return value


class NoticeReplyForm(forms.Form):
    text = _text("答复内容", rows=5, message="请填写答复内容。")
    files = EvidenceField(label="附件")


class NoticeCloseForm(forms.Form):
    comment = _text("办结意见", required=False, rows=2)


class CompletionClaimForm(forms.Form):
    note = _text("完成情况", rows=4, message="请说明完成情况。")


class CompletionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="确认结果", choices=[("accept", "确认完成"), ("reject", "不予确认")],
        error_messages={"required": "请选择确认结果。"},
    )
    comment = _text("意见", required=False, rows=2)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("comment") or "").strip():
            self.add_error("comment", "不予确认时请填写原因。")
        return data


class MilestoneConfirmForm(forms.Form):
    met_on = forms.DateField(
        label="达成日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "请填写达成日期。", "invalid": "请输入有效日期，如 2020-12-20。"},
    )
    evidence = _text("达成依据", rows=4, message="请填写达成依据。")
    current_value = forms.DecimalField(
        label="当前值", required=False, max_digits=12, decimal_places=2,
        error_messages={"invalid": "请输入数字。"},
    )
    files = EvidenceField(label="佐证材料")

    def __init__(self, *args, milestone=None, **kwargs):
        super().__init__(*args, **kwargs)
        if milestone is None or not milestone.is_metric or milestone.metric_source:
            del self.fields["current_value"]

    def clean_met_on(self):
        value = self.cleaned_data["met_on"]
        if value > clock.today():
            raise ValidationError("达成日期不能晚于今天。")
        return value
