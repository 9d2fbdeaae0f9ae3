"""Reading a report and acting on it: submit, approve, return, correct."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.views.generic import TemplateView

from accounts.roles import APPROVES_FOR_UNIT, READS_TASKS, REVIEWS_REPORTS, WRITES_REPORTS
from audit.selectors import changes_for
from core.service_calls import service_call
from core.views import RoleRequiredMixin

from .. import forms, rules, selectors, services


class ReportDetailView(RoleRequiredMixin, TemplateView):
    allowed_roles = READS_TASKS
    template_name = "progress/report_detail.html"

    def get_report(self):
        return selectors.report_for_user(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        user = self.request.user
        report = kwargs.pop("report", None) or self.get_report()
        versions = list(selectors.report_versions(user=user, report=report))
        is_latest = not versions or versions[-1].pk == report.pk
        return {
            **super().get_context_data(**kwargs),
            "report": report, "assignment": report.assignment, "versions": versions,
            "history": changes_for(report),
            "can_edit": report.is_editable and rules.can_write_report(user, report.assignment),
            "can_approve": report.is_reviewable and rules.can_approve_report(user, report),
            "can_return": report.is_reviewable and rules.can_return_report(user, report),
            "can_correct": report.state == report.State.APPROVED and is_latest
            and rules.can_write_report(user, report.assignment),
            "return_form": kwargs.get("return_form") or forms.ReturnForm(),
            "correct_form": kwargs.get("correct_form") or forms.CorrectForm(),
        }


class _ReportAction(ReportDetailView):
    http_method_names = ["post"]
    form_class = None
    form_context = ""
    success_url_name = "progress:report"

    def post(self, request, pk):
        report = self.get_report()
        form = self.form_class(request.POST) if self.form_class else None
        if form is not None and not form.is_valid():
            return self.render_to_response(self.get_context_data(report=report, **{self.form_context: form}))
        with service_call(request, form=form) as call:
            result = self.act(report, form.cleaned_data if form else {})
        if call.ok:
            return redirect(self.success_url_name, pk=result.pk)
        if form is not None and not call.conflict:
            return self.render_to_response(self.get_context_data(report=report, **{self.form_context: form}))
        return redirect("progress:report", pk=report.pk)


class ReportSubmitView(_ReportAction):
    allowed_roles = WRITES_REPORTS

    def act(self, report, data):
        report = services.report_submit(actor=self.request.user, report=report)
        messages.success(self.request, "已提交，等待本单位审核人审核。")
        return report


class ReportApproveView(_ReportAction):
    allowed_roles = APPROVES_FOR_UNIT

    def act(self, report, data):
        report = services.report_approve(actor=self.request.user, report=report)
        messages.success(self.request, "已审核通过。")
        return report


class ReportReturnView(_ReportAction):
    allowed_roles = REVIEWS_REPORTS
    form_class = forms.ReturnForm
    form_context = "return_form"

    def act(self, report, data):
        report = services.report_return(actor=self.request.user, report=report, reason=data["reason"])
        messages.success(self.request, "已退回，填报人将在“我的任务”中优先看到。")
        return report


class ReportCorrectView(_ReportAction):
    allowed_roles = WRITES_REPORTS
    form_class = forms.CorrectForm
    form_context = "correct_form"
    success_url_name = "progress:report-edit"

    def act(self, report, data):
        correction = services.report_correct(actor=self.request.user, report=report, reason=data["reason"])
        messages.success(self.request, f"已生成第{correction.version}版更正稿，请修改后提交审核。")
        return correction
