"""Who may act on what. Services enforce these; views use them to show
buttons. Reading is decided by the scoping querysets (querysets.py)."""
from __future__ import annotations

from accounts.roles import Role

WRITES_REPORTS = frozenset({Role.OFFICER})
REVIEWS_REPORTS = frozenset({Role.LEADER})
RETURNS_REPORTS = frozenset({Role.LEADER, Role.COORDINATOR})
UNIT_ACTORS = frozenset({Role.OFFICER, Role.LEADER})  # answer notices, mark completion, write summaries


def _of_unit(user, department_id) -> bool:
    return bool(user and user.is_authenticated and user.department_id and user.department_id == department_id)


def can_write_report(user, assignment) -> bool:
    return user.role in WRITES_REPORTS and _of_unit(user, assignment.department_id)


def can_approve_report(user, report) -> bool:
    return user.role in REVIEWS_REPORTS and _of_unit(user, report.assignment.department_id)


def can_return_report(user, report) -> bool:
    return can_approve_report(user, report) or user.role == Role.COORDINATOR


def can_issue_notice(user) -> bool:
    return user.role == Role.COORDINATOR


def can_answer_notice(user, notice) -> bool:
    return user.role in UNIT_ACTORS and _of_unit(user, notice.assignment.department_id)


def can_claim_completion(user, assignment) -> bool:
    return user.role in UNIT_ACTORS and _of_unit(user, assignment.department_id)


def can_decide_completion(user, assignment) -> bool:
    """The coordinator, or the leader of the task's lead unit for another unit's part
    (a lead unit's own part is accepted by the coordinator)."""
    if user.role == Role.COORDINATOR:
        return True
    lead = assignment.task.lead_unit_id
    return user.role == Role.LEADER and _of_unit(user, lead) and assignment.department_id != lead


def can_write_summary(user, task) -> bool:
    return user.role in UNIT_ACTORS and task.lead_unit_id is not None and _of_unit(user, task.lead_unit_id)


def can_confirm_milestone(user) -> bool:
    return user.role == Role.COORDINATOR
