"""我的任务 (a unit's assignments and reports to write) and 待审核 (reports and completions to decide)."""
from __future__ import annotations

from django.views.generic import ListView, TemplateView

from accounts.roles import ACTS_FOR_UNIT, REVIEWS_REPORTS
from core.views import RoleRequiredMixin

from .. import rules, selectors


class MyTasksView(RoleRequiredMixin, TemplateView):
    allowed_roles = ACTS_FOR_UNIT
    template_name = "progress/my_tasks.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "mine": selectors.my_tasks(user=user),
            "can_write": rules.can_write_reports(user),
        }


class ReviewQueueView(RoleRequiredMixin, ListView):
    allowed_roles = REVIEWS_REPORTS
    template_name = "progress/review_queue.html"
    context_object_name = "reports"
    paginate_by = 50

    def get_queryset(self):
        return selectors.review_queue(user=self.request.user)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "completions": list(selectors.completions_to_decide(user=self.request.user)[:50]),
        }
