from django.views.generic import DetailView
from django_filters.views import FilterView

from accounts.roles import READS_TASKS, Role
from audit.selectors import changes_for
from core.views import RoleRequiredMixin
from progress.views import task_page_context

from .filters import WorkItemFilter
from .selectors import work_item_detail, work_items_for_user


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
        if user.is_superuser or user.role == Role.COORDINATOR:
            context["history"] = changes_for(self.object)
        # Progress (issue 3): lights, latest approved reports, summaries, notices, milestones.
        context.update(task_page_context(user=user, task=self.object))
        return context
