"""What the task detail page (tasks.views.WorkItemDetailView) shows of progress."""
from __future__ import annotations

from accounts.roles import SEES_ALL

from .. import rules, selectors


def task_page_context(*, user, task) -> dict:
    """What the task detail page shows of progress, and which progress actions it offers."""
    return {
        "progress": selectors.task_progress(user=user, task=task),
        "can_issue_notice": rules.can_issue_notice(user, task.plan),
        "can_confirm_milestone": rules.can_confirm_milestone(user, task.plan),
        "sees_lead_view": task.lead_unit_id is not None and (
            user.role in SEES_ALL or user.is_superuser or user.department_id == task.lead_unit_id
        ),
    }
