"""The lead unit's page: every unit's report on its task for a period, and its one summary."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView

from accounts.roles import READS_TASKS
from core import clock
from core.service_calls import service_call
from core.views import RoleRequiredMixin

from .. import forms, periods, rules, selectors, services


class LeadSummaryView(RoleRequiredMixin, TemplateView):
    """The lead unit reads every unit's report on its task for a period and writes one summary."""

    allowed_roles = READS_TASKS
    template_name = "progress/lead_summary.html"

    def setup_objects(self):
        user = self.request.user
        self.task = selectors.lead_task_for_user(user=user, pk=self.kwargs["pk"])
        plan = self.task.plan
        today = clock.today()
        self.choices = list(reversed(periods.periods_through(plan, today)))
        key = self.request.GET.get("period", "")
        if key:
            try:
                start = dt.datetime.strptime(key, "%Y-%m").date()
            except ValueError:
                raise Http404("报送周期不存在。") from None
            self.spec = periods.period_for_start(plan, start)
            if self.spec is None or self.spec.start > today:
                raise Http404("报送周期不存在或尚未开始。")
        elif self.choices:
            self.spec = self.choices[0]
        else:
            raise Http404("本方案尚无报送周期。")

    def get(self, request, *args, **kwargs):
        self.setup_objects()
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self.setup_objects()
        if not rules.can_write_summary(request.user, self.task):
            raise PermissionDenied("只有牵头单位可以撰写汇总情况。")
        form = forms.LeadSummaryForm(request.POST)
        if form.is_valid():
            with service_call(request, form=form) as call:
                services.lead_summary_save(actor=request.user, task=self.task, period=self.spec.start,
                                           text=form.cleaned_data["text"])
                messages.success(request, f"已保存{self.spec.label}汇总情况。")
            if call.ok:
                return redirect(f"{reverse('progress:lead', args=[self.task.pk])}?period={self.spec.key}")
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        rows, summary = selectors.lead_view(user=self.request.user, task=self.task, spec=self.spec)
        can_write = rules.can_write_summary(self.request.user, self.task)
        form = kwargs.pop("form", None)
        if form is None and can_write:
            form = forms.LeadSummaryForm(initial={"text": summary.text if summary else ""})
        return {
            **super().get_context_data(**kwargs),
            "task": self.task, "spec": self.spec, "choices": self.choices, "rows": rows, "summary": summary,
            "form": form,
        }
