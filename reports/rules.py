"""Who may read which dashboard: the reports app's role policy (predicates over
accounts.roles' vocabulary; views, services, selectors and Excel ask these)."""
from __future__ import annotations

from accounts.roles import SEES_ALL, Role

# The unit dashboard, the Excel report and exports: who sees everything, and a unit's own staff.
DEPARTMENT_ROLES = frozenset(SEES_ALL | {Role.OFFICER, Role.LEADER})


def sees_all(user) -> bool:
    """The whole district (any unit, institution figures), not only one's own unit."""
    return user.is_superuser or user.role in SEES_ALL


def may_read_department(user) -> bool:
    return user.is_superuser or user.role in DEPARTMENT_ROLES
