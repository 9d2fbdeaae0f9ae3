"""Confirming a milestone met (with evidence, and the value of a metric milestone)."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import TemplateView

from accounts.roles import COORDINATES
from core.service_calls import service_call
from core.views import RoleRequiredMixin
from tasks.models import Milestone

from .. import forms, selectors, services
from .base import ClosedPlanMixin


class MilestoneConfirmView(ClosedPlanMixin, RoleRequiredMixin, TemplateView):
    allowed_roles = COORDINATES
    template_name = "progress/milestone_confirm.html"

    def get_milestone(self):
        milestone = get_object_or_404(Milestone.objects.for_user(self.request.user).select_related("task", "plan"),
                                      pk=self.kwargs["pk"])
        back = reverse("tasks:detail", args=[milestone.task_id]) if milestone.task_id else reverse("tasks:plans")
        self.closed_check(milestone.plan, back)
        return milestone

    def get(self, request, *args, **kwargs):
        milestone = self.get_milestone()
        form = forms.MilestoneConfirmForm(
            milestone=milestone,
            initial={"met_on": milestone.met_on, "evidence": milestone.evidence,
                     "current_value": milestone.current_value},
        )
        return self.render_to_response(self.get_context_data(milestone=milestone, form=form))

    def post(self, request, *args, **kwargs):
        milestone = self.get_milestone()
        form = forms.MilestoneConfirmForm(request.POST, request.FILES, milestone=milestone)
        if form.is_valid():
            data = form.cleaned_data
            with service_call(request, form=form) as call:
                services.milestone_confirm(
                    actor=request.user, milestone=milestone, met_on=data["met_on"], evidence=data["evidence"],
                    current_value=data.get("current_value"), files=data["files"],
                )
                messages.success(request, f"已确认节点目标“{milestone.title}”达成。")
            if call.ok:
                if milestone.task_id:
                    return redirect("tasks:detail", pk=milestone.task_id)
                return redirect("tasks:list")
        return self.render_to_response(self.get_context_data(milestone=milestone, form=form))

    def get_context_data(self, **kwargs):
        milestone = kwargs["milestone"]
        return {**super().get_context_data(**kwargs),
                "metric": selectors.milestone_metric(milestone) if milestone.is_metric else None}
