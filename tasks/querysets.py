"""What each user may see of the plan (the scoping rules for this app), and
the one rule of the plan lifecycle that everything else asks: is a plan live
(in force) at a date D (`live_at`)."""
from __future__ import annotations

import datetime as dt

from django.db import models

from accounts.roles import sees_all, unit_id
from core.clock import day_end
from core.scoping import ScopedQuerySet

from .rules import can_manage_plans

DRAFT, IN_FORCE, ENDED = "draft", "in_force", "ended"  # Plan.Status values


def live_at(on: dt.date, *, prefix: str = "") -> models.Q:
    """THE rule: a plan is live at D when it was published (in force or ended
    since), in force from on or before D, and not ended before D. Only live
    plans open periods, send reminders, light up 我的任务, the lights and the
    dashboards' figures. `prefix` reaches the plan from another model
    ("task__plan__" from an assignment)."""
    return (
        models.Q(**{f"{prefix}status__in": [IN_FORCE, ENDED]})
        & (models.Q(**{f"{prefix}in_force_from__isnull": True}) | models.Q(**{f"{prefix}in_force_from__lte": on}))
        & (models.Q(**{f"{prefix}ended_on__isnull": True}) | models.Q(**{f"{prefix}ended_on__gte": on}))
    )


def published(*, prefix: str = "") -> models.Q:
    """Not a draft: what unit staff and viewers may see of a plan at all."""
    return ~models.Q(**{f"{prefix}status": DRAFT})


def _sees_drafts(user) -> bool:
    return can_manage_plans(user)  # previewing drafts is part of managing plans


class PlanQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        # Drafts are the coordinators' own until published.
        qs = self if _sees_drafts(user) else self.filter(published())
        if sees_all(user):
            return qs
        if unit_id(user):
            return qs.filter(items__assignments__department_id=user.department_id).distinct()
        return self.none()

    def in_force(self, *, on: dt.date):
        return self.filter(live_at(on))

    def published(self):
        return self.filter(published())


class WorkItemQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        qs = self if _sees_drafts(user) else self.filter(published(prefix="plan__"))
        if sees_all(user):
            return qs
        if unit_id(user):
            # A unit sees what it leads or shares, directly or through a group.
            from .models import Assignment  # inside: tasks.models imports this module (cycle at app loading)

            mine = Assignment.objects.filter(department_id=user.department_id).values("task_id")
            return qs.filter(pk__in=mine)
        return self.none()

    def in_force(self, *, on: dt.date):
        return self.filter(live_at(on, prefix="plan__"))

    def with_units(self):
        """Everything a task row shows, in a fixed number of queries."""
        from .models import Responsibility  # inside: tasks.models imports this module (cycle at app loading)

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
        qs = self if _sees_drafts(user) else self.filter(published(prefix="task__plan__"))
        if sees_all(user):
            return qs
        if unit_id(user):
            # Own assignments, and as lead unit every assignment of the tasks it leads.
            return qs.filter(
                models.Q(department_id=user.department_id)
                | models.Q(task__lead_unit_id=user.department_id)
            )
        return self.none()

    def in_force(self, *, on: dt.date):
        """Assignments of plans live at D (the lifecycle rule, `live_at`)."""
        return self.filter(live_at(on, prefix="task__plan__"))


def milestone_met_q(on: dt.date, *, prefix: str = "") -> models.Q:
    """Met by the end of D: achieved on or before D and confirmed by then (the
    filter form of progress.timerules.milestone_met; a test holds them equal)."""
    return models.Q(**{f"{prefix}met_on__lte": on, f"{prefix}confirmed_at__lt": day_end(on)})


class MilestoneQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        qs = self if _sees_drafts(user) else self.filter(published(prefix="plan__"))
        if sees_all(user):
            return qs
        if unit_id(user):
            from .models import WorkItem  # inside: tasks.models imports this module (cycle at app loading)

            tasks = WorkItem.objects.visible_to(user).values("pk")
            return qs.filter(models.Q(task__in=tasks) | models.Q(task__isnull=True, plan__items__in=tasks)).distinct()
        return self.none()

    def in_force(self, *, on: dt.date):
        return self.filter(live_at(on, prefix="plan__"))

    def unmet_by(self, *, on: dt.date):
        """Milestones not met by the end of D."""
        return self.exclude(milestone_met_q(on))
