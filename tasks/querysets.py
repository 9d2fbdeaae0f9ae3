"""What each user may see of the plan (the scoping rules for this app)."""
from django.db import models

from accounts.roles import SEES_ALL, UNIT_STAFF
from core.scoping import ScopedQuerySet


class PlanQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        if user.role in SEES_ALL:
            return self
        if user.role in UNIT_STAFF and user.department_id:
            return self.filter(items__assignments__department_id=user.department_id).distinct()
        return self.none()


class WorkItemQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        if user.role in SEES_ALL:
            return self
        if user.role in UNIT_STAFF and user.department_id:
            # A unit sees what it leads or shares, directly or through a group.
            from .models import Assignment

            mine = Assignment.objects.filter(department_id=user.department_id).values("task_id")
            return self.filter(pk__in=mine)
        return self.none()

    def with_units(self):
        """Everything a task row shows, in a fixed number of queries."""
        from .models import Responsibility

        return self.select_related("plan", "section", "lead_unit").prefetch_related(
            models.Prefetch(
                "responsibilities",
                queryset=Responsibility.objects.select_related("department").order_by("position"),
            )
        )


class TaskManager(models.Manager.from_queryset(WorkItemQuerySet)):
    kind = None

    def get_queryset(self):
        qs = super().get_queryset()
        return qs.filter(kind=self.kind) if self.kind else qs

    def create(self, **kwargs):
        if self.kind:
            kwargs.setdefault("kind", self.kind)
        return super().create(**kwargs)


class AssignmentQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        if user.role in SEES_ALL:
            return self
        if user.role in UNIT_STAFF and user.department_id:
            # Own assignments, and as lead unit every assignment of the tasks it leads.
            return self.filter(
                models.Q(department_id=user.department_id)
                | models.Q(task__lead_unit_id=user.department_id)
            )
        return self.none()


class MilestoneQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        if user.role in SEES_ALL:
            return self
        if user.role in UNIT_STAFF and user.department_id:
            from .models import WorkItem

            tasks = WorkItem.objects.visible_to(user).values("pk")
            return self.filter(models.Q(task__in=tasks) | models.Q(task__isnull=True, plan__items__in=tasks)).distinct()
        return self.none()
