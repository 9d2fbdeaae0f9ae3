"""Who may act on a plan's lifecycle. Services enforce these; views use them
to show buttons. Reading is decided by the scoping querysets (querysets.py)."""
from __future__ import annotations

from accounts.roles import is_coordinator


def can_manage_plans(user) -> bool:
    """Preview drafts, publish and end plans: the coordinators (督办管理员)."""
    return is_coordinator(user)


def can_publish_plan(user, plan) -> bool:
    return can_manage_plans(user) and plan.is_draft


def can_end_plan(user, plan) -> bool:
    return can_manage_plans(user) and plan.is_open


def plan_is_writable(plan) -> bool:
    """Reports, notices, completions and milestones of the plan may change:
    it is in force (a draft has none yet; an ended plan is history, read-only)."""
    return plan.is_open


def plan_is_editable(plan) -> bool:
    """The plan's own content (sections, items, units, milestones) may change:
    anything but an ended plan, which is kept as it stood on its end date."""
    return not plan.is_ended
