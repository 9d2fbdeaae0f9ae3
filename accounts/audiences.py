"""Who is told of a workflow event: the people of a unit, of an institution,
the coordinators. Read by the services that send inbox messages (progress,
institutions); active accounts only, in a stable order."""
from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import User
from .roles import ACTS_FOR_UNIT, APPROVES_FOR_UNIT, COORDINATES, RUNS_INSTITUTION


def _active() -> QuerySet:
    return User.objects.filter(is_active=True).order_by("pk")


def unit_leaders(department_id: int) -> QuerySet:
    """The unit's 审核人: they approve its reports."""
    return _active().filter(department_id=department_id, role__in=APPROVES_FOR_UNIT)


def unit_staff(department_id: int) -> QuerySet:
    """The unit's officers and leaders: they act for the unit (answer 督办单)."""
    return _active().filter(department_id=department_id, role__in=ACTS_FOR_UNIT)


def coordinators() -> QuerySet:
    """The district's coordinators (a superuser counts as one, accounts.roles)."""
    return _active().filter(Q(role__in=COORDINATES) | Q(is_superuser=True))


def institution_operators(institution_id: int) -> QuerySet:
    """The institution's own accounts."""
    return _active().filter(institution_id=institution_id, role__in=RUNS_INSTITUTION)
