"""Writing a progress report: a new one for a period, or editing and submitting a draft or returned one."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView

from accounts.roles import WRITES_REPORTS
from core import clock
from core.service_calls import service_call
from core.views import RoleRequiredMixin

from .. import forms, periods, rules, selectors, services
from .base import ClosedPlanMixin


class ReportCreateView(ClosedPlanMixin, RoleRequiredMixin, TemplateView):
    allowed_roles = WRITES_REPORTS
    template_name = "progress/report_form.html"

    def setup_objects(self):
        user = self.request.user
        self.assignment = selectors.assignment_for_user(user=user, pk=self.kwargs["pk"])
        self.closed_check(self.assignment.task.plan, reverse("progress:assignment", args=[self.assignment.pk]))
        if not rules.can_write_report(user, self.assignment):
            raise PermissionDenied("只有本单位的填报员可以填报本任务的进展。")
        try:
            start = dt.date(self.kwargs["year"], self.kwargs["month"], 1)
        except (ValueError, OverflowError):  # OverflowError: a year or month past C's int in the URL
            raise Http404("报送周期不存在。") from None
        self.spec = periods.period_for_start(self.assignment.task.plan, start)
        if self.spec is None or self.spec.start > clock.today():
            raise Http404("报送周期不存在或尚未开始。")
        return (
            self.assignment.reports.filter(period__start=self.spec.start).order_by("-version").first()
        )

    def get(self, request, *args, **kwargs):
        existing = self.setup_objects()
        if existing is not None:
            messages.info(request, f"{self.spec.label}已有进展报告，已为您打开。")
            return redirect("progress:report", pk=existing.pk)
        return self.render_to_response(self.get_context_data(form=forms.ReportForm()))

    def post(self, request, *args, **kwargs):
        existing = self.setup_objects()
        if existing is not None:
            messages.error(request, f"{self.spec.label}已有进展报告，请在原报告上修改。")
            return redirect("progress:report", pk=existing.pk)
        form = forms.ReportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            submit = request.POST.get("action") == "submit"
            with service_call(request, form=form) as call:
                report = services.report_create(
                    actor=request.user, assignment=self.assignment, period=self.spec.start,
                    progress=data["progress"], percent=data["percent"], problems=data["problems"],
                    next_steps=data["next_steps"], files=data["evidence"], submit=submit,
                )
                messages.success(request, "已提交，等待本单位审核人审核。" if submit else "已保存草稿。")
            if call.ok:
                return redirect("progress:report", pk=report.pk)
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "assignment": self.assignment, "spec": self.spec,
                "report": None}


class ReportUpdateView(ClosedPlanMixin, RoleRequiredMixin, TemplateView):
    allowed_roles = WRITES_REPORTS
    template_name = "progress/report_form.html"

    def setup_report(self):
        report = selectors.report_for_user(user=self.request.user, pk=self.kwargs["pk"])
        self.closed_check(report.assignment.task.plan, reverse("progress:report", args=[report.pk]))
        if not rules.can_write_report(self.request.user, report.assignment):
            raise PermissionDenied("只有本单位的填报员可以修改本报告。")
        return report

    def get(self, request, *args, **kwargs):
        report = self.setup_report()
        if not report.is_editable:
            messages.error(request, f"该报告当前状态为“{report.get_state_display()}”，不能修改。")
            return redirect("progress:report", pk=report.pk)
        form = forms.ReportForm(
            initial={"progress": report.progress, "percent": report.percent, "problems": report.problems,
                     "next_steps": report.next_steps},
            files_qs=report.files.all(),
        )
        return self.render_to_response(self.context_for(report, form))

    def post(self, request, *args, **kwargs):
        report = self.setup_report()
        form = forms.ReportForm(request.POST, request.FILES, files_qs=report.files.all())
        if form.is_valid():
            data = form.cleaned_data
            with service_call(request, form=form) as call:
                report = services.report_update(
                    actor=request.user, report=report, progress=data["progress"], percent=data["percent"],
                    problems=data["problems"], next_steps=data["next_steps"], add_files=data["evidence"],
                    remove_file_ids=[f.pk for f in data.get("remove_files") or []],
                )
                if request.POST.get("action") == "submit":
                    report = services.report_submit(actor=request.user, report=report)
                    messages.success(request, "已重新提交，等待本单位审核人审核。"
                                     if report.state == report.State.RESUBMITTED else "已提交，等待本单位审核人审核。")
                else:
                    messages.success(request, "已保存修改。")
            if call.ok or call.conflict:
                return redirect("progress:report", pk=report.pk)
        return self.render_to_response(self.context_for(report, form))

    def context_for(self, report, form):
        spec = periods.PeriodSpec(report.period.start, report.period.end, report.period.due_date, report.period.months)
        return self.get_context_data(form=form, report=report, assignment=report.assignment, spec=spec)
