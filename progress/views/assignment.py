"""One assignment: its reports, light, notices and completion; claiming and deciding completion."""
from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import TemplateView

from accounts.roles import ACTS_FOR_UNIT, READS_TASKS, REVIEWS_REPORTS
from core.confirm import confirm_page
from core.service_calls import service_call
from core.views import RoleRequiredMixin

from .. import forms, rules, selectors, services
from ..models import AssignmentCompletion


class AssignmentView(RoleRequiredMixin, TemplateView):
    """An assignment's reports (every version), light, completion and notices."""

    allowed_roles = READS_TASKS
    template_name = "progress/assignment.html"

    def get_assignment(self):
        return selectors.assignment_for_user(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        user = self.request.user
        assignment = kwargs.pop("assignment", None) or self.get_assignment()
        overview = selectors.assignment_overview(user=user, assignment=assignment)
        page = Paginator(selectors.assignment_reports(user=user, assignment=assignment), 24).get_page(
            self.request.GET.get("page")
        )
        completion = overview.completion
        live = completion is not None and completion.state in selectors.LIVE_COMPLETION
        can_claim = rules.can_claim_completion(user, assignment) and not live
        can_decide = (
            completion is not None and completion.state == AssignmentCompletion.State.CLAIMED
            and rules.can_decide_completion(user, assignment)
        )
        return {
            **super().get_context_data(**kwargs),
            "assignment": assignment, "overview": overview, "page_obj": page,
            "can_write": rules.can_write_report(user, assignment),
            "can_issue": rules.can_issue_notice(user, assignment.task.plan),
            "sees_lead_view": rules.sees_lead_view(user, assignment.task),
            "claim_form": kwargs.get("claim_form") or (forms.CompletionClaimForm() if can_claim else None),
            "decision_form": kwargs.get("decision_form") or (forms.CompletionDecisionForm() if can_decide else None),
        }


class CompletionClaimView(AssignmentView):
    allowed_roles = ACTS_FOR_UNIT
    http_method_names = ["post"]

    def post(self, request, pk):
        assignment = self.get_assignment()
        form = forms.CompletionClaimForm(request.POST)
        if form.is_valid():
            with service_call(request, form=form) as call:
                services.completion_claim(actor=request.user, assignment=assignment, note=form.cleaned_data["note"])
                messages.success(request, "已申报完成，等待牵头单位或督办管理员确认。")
            if call.ok or call.conflict:
                return redirect("progress:assignment", pk=assignment.pk)
        return self.render_to_response(self.get_context_data(assignment=assignment, claim_form=form))


class CompletionDecideView(AssignmentView):
    """The decision form is sent by GET to a confirmation page (a decision is final);
    its 确认 POSTs here, through the service."""

    allowed_roles = REVIEWS_REPORTS
    http_method_names = ["get", "post"]

    def _completion(self, request, pk):
        return get_object_or_404(
            AssignmentCompletion.objects.for_user(request.user).select_related("assignment__task", "assignment__department"),
            pk=pk,
        )

    def get(self, request, pk):
        completion = self._completion(request, pk)
        assignment = selectors.assignment_for_user(user=request.user, pk=completion.assignment_id)
        if not rules.can_decide_completion(request.user, assignment):
            raise PermissionDenied("只有牵头单位审核人或督办管理员可以确认完成。")
        if completion.state != AssignmentCompletion.State.CLAIMED:
            messages.error(request, f"该完成申报已{completion.get_state_display()}，无需再确认。")
            return redirect("progress:assignment", pk=assignment.pk)
        form = forms.CompletionDecisionForm(request.GET)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(assignment=assignment, decision_form=form))
        data = form.cleaned_data
        unit = assignment.department.name
        if data["decision"] == "accept":
            title, label = "确认任务完成", "完成"
            lines = [f"将确认{unit}承担的“{assignment.task.title}”已完成。",
                     "确认后该单位本任务不再需要报送进展，指示灯显示为已完成。"]
        else:
            title, label = "不予确认完成", "不予确认"
            lines = [f"将退回{unit}的完成申报，原因：{data['comment']}", "该单位可在整改后重新申报完成。"]
        if data["comment"] and data["decision"] == "accept":
            lines.append(f"意见：{data['comment']}")
        return confirm_page(request, title=title, confirm_label=label, lines=lines,
                            cancel_url=reverse("progress:assignment", args=[assignment.pk]),
                            hidden={"decision": data["decision"], "comment": data["comment"]})

    def post(self, request, pk):
        completion = self._completion(request, pk)
        assignment = selectors.assignment_for_user(user=request.user, pk=completion.assignment_id)
        form = forms.CompletionDecisionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            with service_call(request, form=form) as call:
                if data["decision"] == "accept":
                    services.completion_accept(actor=request.user, completion=completion, comment=data["comment"])
                    messages.success(request, "已确认该单位任务完成。")
                else:
                    services.completion_reject(actor=request.user, completion=completion, reason=data["comment"])
                    messages.success(request, "已退回完成申报。")
            if call.ok or call.conflict:
                return redirect("progress:assignment", pk=assignment.pk)
        return self.render_to_response(self.get_context_data(assignment=assignment, decision_form=form))
