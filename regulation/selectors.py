"""Reads of regulation, scoped to the user asking where a user asks. The coordinator's
to-do reads `rectifications_overdue(on=)`; the institution's light `institution_light`."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from core import clock
from institutions.family_rules import family_point_problems, is_family_point
from institutions.models import EnrolmentReport, Institution

from .models import Complaint, Finding, Inspection, PersonBan, StaffMember


def expiry_warning_days() -> int:
    return int(settings.REGULATION_EXPIRY_WARNING_DAYS)


# --- inspections -----------------------------------------------------------------------------


def rectifications_overdue(*, on: dt.date | None = None, user=None) -> QuerySet[Finding]:
    """Rectifications not closed whose deadline passed before `on` (the coordinator's 待办),
    oldest deadline first; scoped to `user` when given."""
    day = on or clock.today()
    findings = Finding.objects.for_user(user) if user is not None else Finding.objects.all()
    return (findings.overdue_at(day).select_related("inspection", "inspection__institution", "inspection__unit",
                                                   "notice")
            .order_by("deadline", "pk"))


def _findings_count(**conditions):
    per_inspection = (Finding.objects.filter(inspection=OuterRef("pk"), **conditions).order_by()
                      .values("inspection").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(per_inspection), 0)


def inspections_for(user) -> QuerySet[Inspection]:
    return (Inspection.objects.for_user(user).select_related("institution", "unit")
            # Per-row subqueries, not a join and GROUP BY: a page of 30 of 50,000 inspections then
            # reads 30 rows by the date index instead of grouping the whole table first.
            .annotate(open_count=_findings_count(state__in=[Finding.State.OPEN, Finding.State.ANSWERED]),
                      finding_count=_findings_count())
            .order_by("-inspected_on", "-pk"))


def inspection_detail(*, user, pk: int) -> Inspection:
    return get_object_or_404(Inspection.objects.for_user(user).select_related("institution", "unit", "recorded_by"),
                             pk=pk)


def findings_of(inspection: Inspection) -> list[Finding]:
    return list(inspection.findings.select_related("notice", "answered_by", "closed_by").prefetch_related("evidence"))


# --- staff -----------------------------------------------------------------------------------


def staff_of(institution: Institution, *, on: dt.date | None = None) -> QuerySet[StaffMember]:
    """The institution's staff, each with `elsewhere` (active at another institution at `on`)
    and `banned` (on the 终身禁入 list)."""
    day = on or clock.today()
    others = StaffMember.objects.active_on(day).filter(person_hash=OuterRef("person_hash")).exclude(
        institution_id=OuterRef("institution_id"))
    return (StaffMember.objects.filter(institution=institution)
            .annotate(elsewhere=Exists(others), banned=Exists(PersonBan.objects.filter(person_hash=OuterRef("person_hash"))))
            .prefetch_related("documents").order_by("ended_on", "post", "name", "pk"))


def staff_expiring(*, on: dt.date | None = None) -> QuerySet[StaffMember]:
    """Active staff whose 健康证明 or certificate expires within the warning window (not yet expired)."""
    day = on or clock.today()
    end = day + dt.timedelta(days=expiry_warning_days())
    return (StaffMember.objects.active_on(day)
            .filter(Q(health_expires__gte=day, health_expires__lte=end)
                    | Q(certificate_expires__gte=day, certificate_expires__lte=end))
            .select_related("institution"))


def staff_expired(*, on: dt.date | None = None) -> QuerySet[StaffMember]:
    """Active staff whose 健康证明 or certificate has expired (or who have no 健康证明 on record)."""
    day = on or clock.today()
    return StaffMember.objects.active_on(day).filter(
        Q(health_expires__lt=day) | Q(health_expires__isnull=True) | Q(certificate_expires__lt=day))


# --- the institution's light -----------------------------------------------------------------


@dataclass(frozen=True)
class Light:
    colour: str  # red / yellow / green
    word: str
    reasons: tuple[str, ...]


def institution_light(institution: Institution, *, on: dt.date | None = None) -> Light:
    """Red: a rectification past its deadline; yellow: an expired 健康证明 or certificate; else green."""
    day = on or clock.today()
    overdue = Finding.objects.overdue_at(day).filter(inspection__institution=institution).count()
    expired = staff_expired(on=day).filter(institution=institution).count()
    reasons = []
    if overdue:
        reasons.append(f"{overdue}项整改逾期未销号")
    if expired:
        reasons.append(f"{expired}名从业人员健康证明或资格证书过期")
    if overdue:
        return Light("red", "红灯", tuple(reasons))
    if expired:
        return Light("yellow", "黄灯", tuple(reasons))
    return Light("green", "绿灯", ("无逾期整改、无过期证照",))


def institution_for(*, user, pk: int) -> Institution:
    return get_object_or_404(Institution.objects.for_user(user), pk=pk)


# --- complaints ------------------------------------------------------------------------------


def complaints_for(user) -> QuerySet[Complaint]:
    return Complaint.objects.for_user(user).select_related("institution", "unit")


def complaint_counts(institution_ids) -> dict[int, tuple[int, int]]:
    """{institution id: (complaints received, closed)} for a page of the public directory, in one
    query: counts only, never a complainant."""
    rows = (Complaint.objects.filter(institution_id__in=list(institution_ids)).values("institution_id")
            .annotate(total=Count("pk"), closed=Count("pk", filter=Q(state=Complaint.State.CLOSED)))
            .order_by())
    return {r["institution_id"]: (r["total"], r["closed"]) for r in rows}


def public_counts(institution: Institution) -> dict:
    """What the directory shows of regulation: counts only, never a complainant."""
    year_start = dt.date(clock.today().year, 1, 1)
    row = Complaint.objects.filter(institution=institution).aggregate(
        total=Count("pk"), closed=Count("pk", filter=Q(state=Complaint.State.CLOSED)))
    return {
        "complaints": row["total"], "complaints_closed": row["closed"],
        "inspections_this_year": Inspection.objects.filter(institution=institution,
                                                           inspected_on__gte=year_start).count(),
    }


def family_point_findings(institution: Institution, *, on: dt.date | None = None) -> list[str]:
    """What an inspector should look at in a 家庭托育点 (≤ 5 children, a carer per 3): the latest
    monthly enrolment up to `on` against the 保育人员 employed that day, through the one home of the
    rule (institutions.family_rules). Empty for any other institution or when nothing is reported."""
    if not is_family_point(institution.category):
        return []
    day = on or clock.today()
    latest = (EnrolmentReport.objects.filter(institution=institution, period__lte=day)
              .order_by("-period").values_list("children", flat=True).first())
    if latest is None:
        return []
    carers = StaffMember.objects.active_on(day).filter(institution=institution,
                                                       post=StaffMember.Post.CAREGIVER).count()
    return family_point_problems(children=latest, carers=carers, what="最近一次月报在托")
