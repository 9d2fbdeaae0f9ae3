"""Who is who: the roles, the role sets (each named for what it allows, each
defined once), and the predicates about the user itself.

Every other module asks through these names or through its app's rules.py;
no other module names a role (tests/core/test_roles_vocabulary.py checks).

A superuser counts as a coordinator, whatever its role field says (roles_of):
`createsuperuser` makes coordinators, and two factors guard every privileged
account, so the superuser is the coordinator with the keys to the admin site."""
from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "督办管理员"
    OFFICER = "officer", "填报员"
    LEADER = "leader", "审核人"
    VIEWER = "viewer", "区领导/督查室"
    REGISTRAR = "registrar", "登记机关"
    OPERATOR = "operator", "托育机构"


# --- the role sets: name → what it allows ------------------------------------------------

# 督办: issue and close notices, confirm milestones, manage plans (preview, publish, end),
# review filings, flags and operator links, the admin site, sign-in lockouts, the holiday calendar.
COORDINATES = frozenset({Role.COORDINATOR})
# Read the whole plan and registry: every task, report, dashboard, institution and filing.
READS_EVERYTHING = frozenset({Role.COORDINATOR, Role.VIEWER})
# Unit staff: read the tasks their unit leads or shares.
READS_OWN_UNIT = frozenset({Role.OFFICER, Role.LEADER, Role.REGISTRAR})
# Open the plan's task pages, assignments, reports and lead-unit summaries.
READS_TASKS = READS_EVERYTHING | READS_OWN_UNIT
# Write, submit and correct the unit's progress reports.
WRITES_REPORTS = frozenset({Role.OFFICER})
# The unit's 审核人: approve its reports; for a lead unit, accept other units' completions.
APPROVES_FOR_UNIT = frozenset({Role.LEADER})
# Open 待审核, return submitted reports, decide completions (within can_* rules).
REVIEWS_REPORTS = APPROVES_FOR_UNIT | COORDINATES
# Act for a unit: 我的任务, answer notices, claim completion, write lead-unit summaries.
ACTS_FOR_UNIT = WRITES_REPORTS | APPROVES_FOR_UNIT
# Read progress beyond one task: notices, unit dashboards, the Excel report, exports;
# complaints (regulation/: the district all, a unit those assigned to it).
READS_PROGRESS = READS_EVERYTHING | ACTS_FOR_UNIT
# An authority's registrar: register (and see) institutions of its own authority only.
REGISTRATION_AUTHORITY = frozenset({Role.REGISTRAR})
# Register institutions and import rosters: any authority (coordinator) or its own (registrar).
REGISTERS_INSTITUTIONS = COORDINATES | REGISTRATION_AUTHORITY
# An institution's own account: 我的机构, its filings.
RUNS_INSTITUTION = frozenset({Role.OPERATOR})
# Fill in, upload to and submit a filing: the institution, or the coordinator on its behalf;
# keep the institution's staff (从业人员, regulation/) likewise.
FILES_INSTITUTIONS = COORDINATES | RUNS_INSTITUTION
# Read filings and receipts; an institution's staff and regulation page (regulation/).
READS_FILINGS = READS_EVERYTHING | RUNS_INSTITUTION
# Read the registry: institution list, registrations, roster export.
READS_REGISTRY = READS_EVERYTHING | REGISTRATION_AUTHORITY
# Open an institution's page.
READS_INSTITUTIONS = READS_REGISTRY | RUNS_INSTITUTION
# 监管 (regulation/): record inspections — the coordinator, or a unit's staff (regulation.rules
# narrows that to the inspecting units 区妇幼保健院 / 区疾控中心 / 区卫生健康执法支队).
INSPECTS = COORDINATES | ACTS_FOR_UNIT
# Read inspections: everyone who reads everything, the inspecting units' staff (their own unit's),
# and an institution (its own).
READS_INSPECTIONS = READS_EVERYTHING | ACTS_FOR_UNIT | RUNS_INSTITUTION
# Reads everything, writes nothing: what a command-line export runs as.
READ_ONLY_ROLE = Role.VIEWER
# A new account's role unless said otherwise (the model field's default).
DEFAULT_ROLE = Role.OFFICER
# What `createsuperuser` makes: the district's coordinator.
SUPERUSER_ROLE = Role.COORDINATOR

# Where each role lands after signing in (home_url_name): its to-do list; the viewer, who
# only reads, the district overview; any other, the task list.
_LANDING = {
    Role.COORDINATOR: "reports:todo",
    Role.VIEWER: "reports:district",
    Role.OPERATOR: "institutions:mine",
    Role.OFFICER: "progress:my-tasks",
    Role.LEADER: "progress:review",
    Role.REGISTRAR: "institutions:registrations",
}
_DEFAULT_LANDING = "tasks:list"


# --- predicates about the user itself -----------------------------------------------------


def roles_of(user) -> frozenset:
    """The roles a user acts in: its role field, and coordinator for a superuser."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset({user.role, Role.COORDINATOR}) if user.is_superuser else frozenset({user.role})


def has_role(user, allowed: frozenset) -> bool:
    return not roles_of(user).isdisjoint(allowed)


def is_coordinator(user) -> bool:
    return has_role(user, COORDINATES)


def sees_all(user) -> bool:
    return has_role(user, READS_EVERYTHING)


def acts_for_unit(user) -> bool:
    return has_role(user, ACTS_FOR_UNIT)


def unit_id(user) -> int | None:
    """The unit whose tasks a unit staff member sees; None for anyone else."""
    return user.department_id if has_role(user, READS_OWN_UNIT) and user.department_id else None


def institution_id(user) -> int | None:
    """The institution an institution account runs; None for anyone else."""
    return getattr(user, "institution_id", None) if has_role(user, RUNS_INSTITUTION) else None


def runs_institution(user) -> bool:
    return has_role(user, RUNS_INSTITUTION)


def registers_own_authority_only(user) -> bool:
    """A registrar (not a coordinator): registers for, and sees, its own authority only."""
    return has_role(user, REGISTRATION_AUTHORITY) and not is_coordinator(user)


def authority_id(user) -> int | None:
    """The registration authority (a unit) whose registry a registrar sees; None otherwise."""
    return user.department_id if registers_own_authority_only(user) and user.department_id else None


def grants_admin_site(role: str) -> bool:
    """The role itself brings the admin site (staff and the coordinators' group)."""
    return role in COORDINATES


def home_url_name(user) -> str:
    if is_coordinator(user):
        return _LANDING[Role.COORDINATOR]
    return _LANDING.get(user.role, _DEFAULT_LANDING)
