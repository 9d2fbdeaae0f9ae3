"""Who may act in regulation, each rule in one place (services enforce, views and templates show).

- Inspecting units (task 12: 妇幼保健、疾病预防控制、卫生监督): the officers and leaders of
  区妇幼保健院, 区疾控中心 and 区卫生健康执法支队 record inspections and verify rectifications of
  their own unit's inspections; the coordinator does everything an inspector does, for any unit.
- The institution (operator) answers its own findings and keeps its own staff.
- The 终身禁入 list and complaints' assignment and outcome: coordinators.
- A complaint's reply: the unit it is assigned to.
"""
from __future__ import annotations

from accounts.roles import ACTS_FOR_UNIT, has_role, institution_id, is_coordinator, runs_institution, sees_all

INSPECTION_UNITS = ("区妇幼保健院", "区疾控中心", "区卫生健康执法支队")


def _department_name(user) -> str:
    department = getattr(user, "department", None)
    return department.name if department is not None else ""


def is_inspector(user) -> bool:
    """A unit user of an inspecting unit."""
    return has_role(user, ACTS_FOR_UNIT) and _department_name(user) in INSPECTION_UNITS


def can_read_inspections(user) -> bool:
    """The district, the inspecting units and institutions; other units' staff have no part in them."""
    return sees_all(user) or runs_institution(user) or is_inspector(user)


def can_record_inspection(user) -> bool:
    return is_coordinator(user) or is_inspector(user)


def can_verify(user, inspection) -> bool:
    """Close or reopen a finding: the inspecting unit that recorded it, or the coordinator."""
    return is_coordinator(user) or (is_inspector(user) and user.department_id == inspection.unit_id)


def can_answer(user, inspection) -> bool:
    """Answer a finding: the inspected institution's own account."""
    return institution_id(user) is not None and institution_id(user) == inspection.institution_id


def can_escalate(user) -> bool:
    """Turn an overdue rectification into a 督办单: the coordinator (who issues every 督办单)."""
    return is_coordinator(user)


def can_keep_staff(user, institution_pk: int) -> bool:
    return is_coordinator(user) or (institution_id(user) is not None and institution_id(user) == institution_pk)


def can_keep_ban_list(user) -> bool:
    return is_coordinator(user)


def can_direct_complaints(user) -> bool:
    """Assign a complaint, record its outcome: the coordinator."""
    return is_coordinator(user)


def can_reply_complaint(user, complaint) -> bool:
    return is_coordinator(user) or (
        has_role(user, ACTS_FOR_UNIT) and complaint.unit_id is not None and user.department_id == complaint.unit_id
    )
