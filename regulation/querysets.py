"""Who may see what of regulation (the scoping rules of this app); outside scope is a 404.

- inspections and findings: the district (coordinator, viewer) all; an inspecting unit's staff its
  own unit's; an institution its own; nobody else;
- rectification evidence: as its finding;
- staff: the district and the institution itself;
- the 终身禁入 list: coordinators only;
- complaints: the district all; a unit the complaints assigned to it.
"""
from __future__ import annotations

from accounts.roles import ACTS_FOR_UNIT, has_role, institution_id, is_coordinator, sees_all
from core.scoping import ScopedQuerySet

from . import rules


def _unit_of(user) -> int | None:
    return user.department_id if has_role(user, ACTS_FOR_UNIT) and user.department_id else None


class InspectionQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        if sees_all(user):
            return self
        if institution_id(user):
            return self.filter(institution_id=institution_id(user))
        if rules.is_inspector(user):
            return self.filter(unit_id=user.department_id)
        return self.none()


class FindingQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        from .models import Inspection  # inside: models imports this module (cycle at app loading)

        return self.filter(inspection__in=Inspection.objects.visible_to(user).values("pk"))

    def open(self):
        return self.filter(state__in=["open", "answered"], deadline__isnull=False)

    def overdue_at(self, on):
        """Rectifications not closed whose deadline passed before `on`."""
        return self.open().filter(deadline__lt=on)


class EvidenceQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        from .models import Finding  # inside: models imports this module (cycle at app loading)

        return self.filter(finding__in=Finding.objects.visible_to(user).values("pk"))


class StaffQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        if sees_all(user):
            return self
        if institution_id(user):
            return self.filter(institution_id=institution_id(user))
        return self.none()

    def active_on(self, day):
        return self.filter(started_on__lte=day).exclude(ended_on__lt=day)


class StaffDocumentQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        from .models import StaffMember  # inside: models imports this module (cycle at app loading)

        return self.filter(staff__in=StaffMember.objects.visible_to(user).values("pk"))


class PersonBanQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        return self if is_coordinator(user) else self.none()


class ComplaintQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        if sees_all(user):
            return self
        if _unit_of(user):
            return self.filter(unit_id=_unit_of(user))
        return self.none()
