"""What the registry's pages share: who may open them, and who may handle an institution's filings."""
from __future__ import annotations

from accounts.roles import SEES_ALL, Role

COORDINATOR = frozenset({Role.COORDINATOR})
REVIEWERS = frozenset({Role.COORDINATOR, Role.VIEWER})
HANDLERS = frozenset({Role.COORDINATOR, Role.OPERATOR})  # who fills in a filing
READS_FILINGS = SEES_ALL | {Role.OPERATOR}
READS_REGISTRY = SEES_ALL | {Role.REGISTRAR}
READS_INSTITUTION = SEES_ALL | {Role.REGISTRAR, Role.OPERATOR}
REGISTERS = frozenset({Role.COORDINATOR, Role.REGISTRAR})


def is_coordinator(user) -> bool:
    return user.is_superuser or user.role == Role.COORDINATOR


def may_handle(user, institution_id: int) -> bool:
    return is_coordinator(user) or (user.role == Role.OPERATOR and user.institution_id == institution_id)
