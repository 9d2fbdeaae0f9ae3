from django.contrib import messages
from django.shortcuts import redirect
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from accounts.roles import COORDINATES, READS_EVERYTHING, READS_TASKS, is_coordinator
from audit.selectors import changes_for
from core import clock
from core.service_calls import service_call
from core.views import RoleRequiredMixin
from progress import rules as progress_rules
from progress import selectors as progress_selectors

from . import rules
from .filters import WorkItemFilter
from .forms import PlanEndForm, PlanPublishForm
from .selectors import plan_for_user, plan_preview, plans_for_user, work_item_detail, work_items_for_user
from .services import plan_end, plan_publish


class WorkItemListView(RoleRequiredMixin, FilterView):
    allowed_roles = READS_TASKS
    filterset_class = WorkItemFilter
    template_name = "tasks/task_list.html"
    context_object_name = "items"
    paginate_by = 50

    def get_queryset(self):
        return work_items_for_user(self.request.user)


class WorkItemDetailView(RoleRequiredMixin, DetailView):
    allowed_roles = READS_TASKS
    template_name = "tasks/task_detail.html"
    context_object_name = "item"

    def get_object(self, queryset=None):
        return work_item_detail(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if is_coordinator(user):
            context["history"] = changes_for(self.object)
        task = self.object
        # What the task page shows of progress, read through progress's selectors and rules.
        context.update(
            progress=progress_selectors.task_progress(user=user, task=task),
            can_issue_notice=progress_rules.can_issue_notice(user, task.plan),
            can_confirm_milestone=progress_rules.can_confirm_milestone(user, task.plan),
            sees_lead_view=progress_rules.sees_lead_view(user, task),
        )
        return context


# ---------------------------------------------------------------- plans: preview, publish, end


class PlanListView(RoleRequiredMixin, TemplateView):
    """Every plan with its status; drafts only for coordinators (scoping)."""

    allowed_roles = READS_EVERYTHING
    template_name = "tasks/plan_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return {**super().get_context_data(**kwargs), "plans": list(plans_for_user(user)),
                "can_manage": rules.can_manage_plans(user)}


class PlanDetailView(RoleRequiredMixin, TemplateView):
    """A plan's preview: sections, tasks, listed units (groups expanded),
    assignments; its schedule, status, closing summary and history."""

    allowed_roles = READS_EVERYTHING
    template_name = "tasks/plan_detail.html"

    def get_plan(self):
        return plan_for_user(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        user = self.request.user
        plan = kwargs.pop("plan", None) or self.get_plan()
        return {
            **super().get_context_data(**kwargs), "plan": plan, "preview": plan_preview(plan=plan),
            "history": changes_for(plan) if rules.can_manage_plans(user) else None,
            "can_publish": rules.can_publish_plan(user, plan), "can_end": rules.can_end_plan(user, plan),
            "can_edit_items": rules.can_manage_plans(user) and not plan.is_ended,
        }


class _PlanAction(RoleRequiredMixin, TemplateView):
    """A confirmation page: GET shows what will happen and the form, POST acts."""

    allowed_roles = COORDINATES
    form_class = None
    allowed = None  # rules predicate (user, plan)
    refused = ""

    def setup_plan(self):
        self.plan = plan_for_user(user=self.request.user, pk=self.kwargs["pk"])
        if not type(self).allowed(self.request.user, self.plan):
            messages.error(self.request, self.refused.format(status=self.plan.get_status_display()))
            return redirect("tasks:plan", pk=self.plan.pk)
        return None

    def get(self, request, *args, **kwargs):
        return self.setup_plan() or self.render_to_response(self.get_context_data(form=self.form_class(
            initial=self.initial())))

    def post(self, request, *args, **kwargs):
        refused = self.setup_plan()
        if refused:
            return refused
        form = self.form_class(request.POST)
        if form.is_valid():
            with service_call(request, form=form) as call:
                self.act(form.cleaned_data)
            if call.ok:
                return redirect("tasks:plan", pk=self.plan.pk)
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "plan": self.plan}


class PlanPublishView(_PlanAction):
    template_name = "tasks/plan_publish.html"
    form_class = PlanPublishForm
    allowed = staticmethod(rules.can_publish_plan)
    refused = "该实施方案当前状态为“{status}”，只有草案可以发布。"

    def initial(self):
        plan = self.plan
        return {"in_force_from": plan.in_force_from or clock.today(), "period_months": plan.period_months,
                "report_due_day": plan.report_due_day}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "preview": plan_preview(plan=self.plan)}

    def act(self, data):
        plan_publish(plan=self.plan, actor=self.request.user, in_force_from=data["in_force_from"],
                     period_months=data["period_months"], report_due_day=data["report_due_day"])
        messages.success(self.request, f"已发布“{self.plan.label}”，自{data['in_force_from']:%Y年%-m月%-d日}起实施。")


class PlanEndView(_PlanAction):
    template_name = "tasks/plan_end.html"
    form_class = PlanEndForm
    allowed = staticmethod(rules.can_end_plan)
    refused = "该实施方案当前状态为“{status}”，只有实施中的方案可以结束。"

    def initial(self):
        return {"ended_on": clock.today()}

    def act(self, data):
        plan_end(plan=self.plan, actor=self.request.user, ended_on=data["ended_on"],
                 closing_summary=data["closing_summary"])
        messages.success(self.request, f"“{self.plan.label}”已结束，其数据保留为只读。")
