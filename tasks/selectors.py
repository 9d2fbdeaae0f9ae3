"""Reads of the plan, always scoped to the user asking."""
from django.db.models import Prefetch

from .models import Assignment, Milestone, WorkItem


def work_items_for_user(user):
    return WorkItem.objects.for_user(user).with_units()


def work_item_detail(*, user, pk: int) -> WorkItem:
    """The item with its units, assignments and milestones; 404 outside scope."""
    from django.shortcuts import get_object_or_404

    queryset = work_items_for_user(user).prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related("department", "via_group").order_by(
                "role", "department__position", "department__name"
            ),
        ),
        Prefetch("milestones", queryset=Milestone.objects.order_by("due_date", "position")),
    )
    return get_object_or_404(queryset, pk=pk)
