"""Who may act on what. Services enforce these; views use them to show
buttons. Reading is decided by the scoping querysets (querysets.py).

Only a plan in force takes writes: on a draft or an ended plan every
predicate here answers False (tasks.rules.plan_is_writable), so its buttons
disappear; the services refuse with the plan's own message."""
from __future__ import annotations

from accounts.roles import Role
from tasks.rules import plan_is_writable

WRITES_REPORTS = frozenset({Role.OFFICER})
REVIEWS_REPORTS = frozenset({Role.LEADER})
RETURNS_REPORTS = frozenset({Role.LEADER, Role.COORDINATOR})
UNIT_ACTORS = frozenset({Role.OFFICER, Role.LEADER})  # answer notices, mark completion, write summaries


def _of_unit(user, department_id) -> bool:
    return bool(user and user.is_authenticated and user.department_id and user.department_id == department_id)


def _open(assignment) -> bool:
    return plan_is_writable(assignment.task.plan)


def can_write_report(user, assignment) -> bool:
    return user.role in WRITES_REPORTS and _of_unit(user, assignment.department_id) and _open(assignment)


def can_approve_report(user, report) -> bool:
    return (user.role in REVIEWS_REPORTS and _of_unit(user, report.assignment.department_id)
            and _open(report.assignment))


def can_return_report(user, report) -> bool:
    return can_approve_report(user, report) or (user.role == Role.COORDINATOR and _open(report.assignment))


def can_issue_notice(user, plan=None) -> bool:
    """The coordinator; about a given plan only while it is in force."""
    return user.role == Role.COORDINATOR and (plan is None or plan_is_writable(plan))


def can_answer_notice(user, notice) -> bool:
    return user.role in UNIT_ACTORS and _of_unit(user, notice.assignment.department_id) and _open(notice.assignment)


def can_claim_completion(user, assignment) -> bool:
    return user.role in UNIT_ACTORS and _of_unit(user, assignment.department_id) and _open(assignment)


def can_decide_completion(user, assignment) -> bool:
    """The coordinator, or the leader of the task's lead unit for another unit's part
    (a lead unit's own part is accepted by the coordinator)."""
    if not _open(assignment):
        return False
    if user.role == Role.COORDINATOR:
        return True
    lead = assignment.task.lead_unit_id
    return user.role == Role.LEADER and _of_unit(user, lead) and assignment.department_id != lead


def can_write_summary(user, task) -> bool:
    return (user.role in UNIT_ACTORS and task.lead_unit_id is not None and _of_unit(user, task.lead_unit_id)
            and plan_is_writable(task.plan))


def can_confirm_milestone(user, plan=None) -> bool:
    """The coordinator; for a given plan only while it is in force."""
    return user.role == Role.COORDINATOR and (plan is None or plan_is_writable(plan))
