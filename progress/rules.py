"""Who may act on what. Services enforce these; views use them to show
buttons. Reading is decided by the scoping querysets (querysets.py).

Only a plan in force takes writes: on a draft or an ended plan every
predicate here answers False (tasks.rules.plan_is_writable), so its buttons
disappear; the services refuse with the plan's own message."""
from __future__ import annotations

from accounts.roles import (
    ACTS_FOR_UNIT,
    APPROVES_FOR_UNIT,
    WRITES_REPORTS,
    has_role,
    is_coordinator,
    sees_all,
)
from tasks.rules import plan_is_writable


def _of_unit(user, department_id) -> bool:
    return bool(user and user.is_authenticated and user.department_id and user.department_id == department_id)


def _open(assignment) -> bool:
    return plan_is_writable(assignment.task.plan)


def can_write_report(user, assignment) -> bool:
    return has_role(user, WRITES_REPORTS) and _of_unit(user, assignment.department_id) and _open(assignment)


def can_approve_report(user, report) -> bool:
    return (has_role(user, APPROVES_FOR_UNIT) and _of_unit(user, report.assignment.department_id)
            and _open(report.assignment))


def can_return_report(user, report) -> bool:
    return can_approve_report(user, report) or (is_coordinator(user) and _open(report.assignment))


def can_issue_notice(user, plan=None) -> bool:
    """The coordinator; about a given plan only while it is in force."""
    return is_coordinator(user) and (plan is None or plan_is_writable(plan))


def can_answer_notice(user, notice) -> bool:
    return has_role(user, ACTS_FOR_UNIT) and _of_unit(user, notice.assignment.department_id) and _open(notice.assignment)


def can_claim_completion(user, assignment) -> bool:
    return has_role(user, ACTS_FOR_UNIT) and _of_unit(user, assignment.department_id) and _open(assignment)


def can_decide_completion(user, assignment) -> bool:
    """The coordinator, or the leader of the task's lead unit for another unit's part
    (a lead unit's own part is accepted by the coordinator)."""
    if not _open(assignment):
        return False
    if is_coordinator(user):
        return True
    lead = assignment.task.lead_unit_id
    return has_role(user, APPROVES_FOR_UNIT) and _of_unit(user, lead) and assignment.department_id != lead


def can_write_summary(user, task) -> bool:
    return (has_role(user, ACTS_FOR_UNIT) and task.lead_unit_id is not None and _of_unit(user, task.lead_unit_id)
            and plan_is_writable(task.plan))


def can_confirm_milestone(user, plan=None) -> bool:
    """The coordinator; for a given plan only while it is in force."""
    return is_coordinator(user) and (plan is None or plan_is_writable(plan))


def can_write_reports(user) -> bool:
    """Writes reports at all (my tasks page shows the write buttons)."""
    return has_role(user, WRITES_REPORTS)


def sees_lead_view(user, task) -> bool:
    """The lead-unit view of a task (every unit's reports, the summary): the lead
    unit's staff, or whoever sees everything (a superuser too, as a coordinator)."""
    return task.lead_unit_id is not None and (sees_all(user) or user.department_id == task.lead_unit_id)
