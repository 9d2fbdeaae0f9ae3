"""The inspecting units, made sure of (demo data and tests: a flushed test database has lost
what migration 0002 added)."""
from __future__ import annotations

from agencies.models import Department

from .rules import INSPECTION_UNITS


def inspection_units_ensure() -> list[Department]:
    return [Department.objects.get_or_create(name=name, defaults={"kind": Department.Kind.GOVERNMENT,
                                                                  "position": 910 + 10 * n})[0]
            for n, name in enumerate(INSPECTION_UNITS)]
