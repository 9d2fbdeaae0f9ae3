"""Who may see what of the registry (the scoping rules of this app).

- coordinator 督办管理员 and viewer 区领导/督查室: every institution, registration and filing;
- registrar 登记机关: the institutions and registrations of its own authority;
- operator 托育机构: its own institution and its filings, nothing else;
- filing materials (staff certificates …) only to the coordinator and the institution itself.
Anything else is an empty queryset, so a lookup outside scope is a 404.
"""
from __future__ import annotations

from django.db.models import Q

from accounts.roles import authority_id, institution_id, is_coordinator, sees_all
from core.scoping import ScopedQuerySet


def _operator_institution_id(user) -> int | None:
    return institution_id(user)


class InstitutionQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        if sees_all(user):
            return self
        if authority_id(user):
            return self.filter(registration_authority_id=authority_id(user))
        institution_id = _operator_institution_id(user)
        if institution_id:
            return self.filter(pk=institution_id)
        return self.none()

    def publicly_listed(self):
        """The public directory: filed and not cancelled."""
        return self.filter(status="filed")

    def registered_as_of(self, day):
        """Registered on or before `day` and not cancelled by then."""
        return self.filter(registered_on__lte=day).exclude(cancelled_on__lte=day)



# Within registered_as_of(day): the conditions of the registry's indicators,
# shared by institutions.indicators and the dashboards' per-street table.
def filed_by(day) -> Q:
    """First filed on or before `day`."""
    return Q(filed_on__lte=day)


def demonstration_by(day) -> Q:
    """Recognised as 示范性 on or before `day`."""
    return Q(is_demonstration=True, demonstration_on__lte=day)


class RegistrationQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        if sees_all(user):
            return self
        if authority_id(user):
            return self.filter(authority_id=authority_id(user))
        return self.none()


class FilingQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        if sees_all(user):
            return self
        institution_id = _operator_institution_id(user)
        if institution_id:
            return self.filter(institution_id=institution_id)
        return self.none()


class FilingChildQuerySet(ScopedQuerySet):
    """Classes and correction reasons: visible with their filing."""

    def visible_to(self, user):
        from .models import Filing  # inside: institutions.models imports this module (cycle at app loading)

        return self.filter(filing__in=Filing.objects.visible_to(user).values("pk"))


class FilingDocumentQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        if is_coordinator(user):
            return self
        institution_id = _operator_institution_id(user)
        if institution_id:
            return self.filter(filing__institution_id=institution_id)
        return self.none()


class ReceiptCounterQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        return self if is_coordinator(user) else self.none()


class HolidayDayQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        return self  # the calendar is public knowledge

    def in_range(self, start, end):
        return self.filter(date__gte=start, date__lte=end)


class HolidayYearQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        return self  # which years are loaded is public knowledge too

    def loaded(self) -> set[int]:
        return set(self.values_list("year", flat=True))


class RosterImportQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        if is_coordinator(user):
            return self
        return self.filter(uploaded_by_id=user.pk)




class EnrolmentReportQuerySet(ScopedQuerySet):
    """Monthly enrolment: seen with its institution (coordinator/viewer all, registrar its
    authority's, operator its own)."""

    def visible_to(self, user):
        from .models import Institution  # inside: institutions.models imports this module (cycle at app loading)

        if sees_all(user):
            return self
        return self.filter(institution__in=Institution.objects.visible_to(user).values("pk"))


class StandardQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        return self  # the standard's structure is public knowledge


class AssessmentQuerySet(ScopedQuerySet):
    """Quality assessments: the coordinator and viewer all; the operator its own institution's."""

    def visible_to(self, user):
        if sees_all(user):
            return self
        institution_id = _operator_institution_id(user)
        if institution_id:
            return self.filter(institution_id=institution_id)
        return self.none()


class AssessmentChildQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        from .models import Assessment  # inside: institutions.models imports this module (cycle at app loading)

        return self.filter(assessment__in=Assessment.objects.visible_to(user).values("pk"))
