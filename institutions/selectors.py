"""Reads of the registry, always scoped to the user asking (the public
directory reads only what is public). Each page costs a fixed number of
queries whatever the data size."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from accounts.roles import is_coordinator, runs_institution
from agencies.models import Department
from audit.models import ObjectChange
from core import clock

from . import rules
from .models_enrolment import EnrolmentReport
from .models_quality import Assessment, AssessmentScore, QualityDimension
from .family_rules import family_filing_problems
from .models import (
    OPEN_FILING_STATES,
    SERVICE_FIELDS,
    Filing,
    FilingClass,
    FilingCorrection,
    FilingDocument,
    HolidayYear,
    Institution,
    Registration,
    ServiceType,
)
from .workdays import UNVERIFIED_TEXT, WorkdayCalendar

# --- institutions -------------------------------------------------------------------------


def with_filing_status(queryset: QuerySet[Institution]) -> QuerySet[Institution]:
    """Annotate the open filing (kind, status) and the latest receipt number,
    in the same query as the institutions."""
    open_filing = Filing.objects.filter(institution=OuterRef("pk"), status__in=OPEN_FILING_STATES)
    filed = Filing.objects.filter(institution=OuterRef("pk"), status=Filing.Status.FILED).order_by("-decided_at", "-pk")
    return queryset.annotate(
        open_filing_id=Subquery(open_filing.values("pk")[:1]),
        open_filing_kind=Subquery(open_filing.values("kind")[:1]),
        open_filing_status=Subquery(open_filing.values("status")[:1]),
        latest_receipt_number=Subquery(filed.values("receipt_number")[:1]),
    )


def filing_status_text(institution: Institution) -> str:
    """已登记待备案 / 新设备案·已提交待审核 / 已备案 / 已备案（变更备案·退回补正）/ 已注销 …"""
    kind = getattr(institution, "open_filing_kind", None)
    status = getattr(institution, "open_filing_status", None)
    base = institution.get_status_display()
    if not kind:
        return base
    progress = f"{Filing.Kind(kind).label}·{Filing.Status(status).label}"
    return progress if institution.status == Institution.Status.REGISTERED else f"{base}（{progress}）"


def institutions_for_user(user) -> QuerySet[Institution]:
    return with_filing_status(
        Institution.objects.for_user(user).select_related("street", "registration_authority")
    )


def institutions_search(queryset, *, q: str = "", street_id: int | None = None, status: str = "",
                        service_type: str = "") -> QuerySet[Institution]:
    q = (q or "").strip()
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(credit_code__icontains=q) | Q(address__icontains=q))
    if street_id:
        queryset = queryset.filter(street_id=street_id)
    if status:
        queryset = queryset.filter(status=status)
    if service_type in SERVICE_FIELDS:
        queryset = queryset.filter(**{SERVICE_FIELDS[ServiceType(service_type)]: True})
    return queryset


def institution_detail(*, user, pk: int) -> Institution:
    return get_object_or_404(institutions_for_user(user), pk=pk)


def operator_institution(user) -> Institution | None:
    if not runs_institution(user) or not user.institution_id:
        return None
    return institutions_for_user(user).filter(pk=user.institution_id).first()


def filings_of(*, user, institution: Institution) -> QuerySet[Filing]:
    return Filing.objects.for_user(user).filter(institution=institution).select_related("decided_by")


def current_classes(institution: Institution) -> list[FilingClass]:
    """The classes of the institution's last filed new/change filing."""
    last = (
        Filing.objects.filter(institution=institution, status=Filing.Status.FILED)
        .exclude(kind=Filing.Kind.CANCEL).order_by("-decided_at", "-pk").values("pk")[:1]
    )
    return list(FilingClass.objects.filter(filing__in=Subquery(last)))


def institution_history(institution: Institution, *, user=None, limit: int = 300) -> QuerySet[ObjectChange]:
    """Every recorded change of the institution, its registrations and its filings
    (documents and classes are recorded on their filing), newest first.

    Given `user`, only the filings that user may read contribute their history:
    a registrar reads the institution but not its filings (FilingQuerySet), so
    the 备案书 changes and material names must not reach them through this page."""
    types = ContentType.objects.get_for_models(Institution, Filing, Registration)
    filings = institution.filings.all()
    if user is not None:
        filings = Filing.objects.for_user(user).filter(institution=institution)
    filing_ids = [str(pk) for pk in filings.values_list("pk", flat=True)]
    registration_ids = [str(pk) for pk in institution.registrations.values_list("pk", flat=True)]
    return (
        ObjectChange.objects.filter(
            Q(content_type=types[Institution], object_id=str(institution.pk))
            | Q(content_type=types[Filing], object_id__in=filing_ids)
            | Q(content_type=types[Registration], object_id__in=registration_ids)
        )
        .select_related("actor")[:limit]
    )


def filing_history(filing: Filing, *, limit: int = 200) -> QuerySet[ObjectChange]:
    ct = ContentType.objects.get_for_model(Filing)
    return ObjectChange.objects.filter(content_type=ct, object_id=str(filing.pk)).select_related("actor")[:limit]


# --- filings ------------------------------------------------------------------------------


def filing_detail(*, user, pk: int) -> Filing:
    """A filing with its classes, materials (if the user may see them) and
    correction reasons; 404 outside scope."""
    queryset = Filing.objects.for_user(user).select_related(
        "institution", "institution__street", "institution__registration_authority", "decided_by", "created_by"
    ).prefetch_related(
        Prefetch("classes", queryset=FilingClass.objects.order_by("position", "pk")),
        Prefetch("documents", queryset=FilingDocument.objects.for_user(user).select_related("uploaded_by")),
        Prefetch("corrections", queryset=FilingCorrection.objects.order_by("-round", "pk")),
    )
    return get_object_or_404(queryset, pk=pk)


def filing_warnings(filing: Filing) -> list[str]:
    """What the reviewer should look at: classes against 58号文, premises tenure."""
    if filing.kind == Filing.Kind.CANCEL:
        return []
    return [
        *rules.class_warnings(filing.classes.all()),
        *rules.premises_warnings(ownership=filing.premises_ownership, lease_years=filing.lease_years),
        *family_filing_problems(filing),
    ]


def latest_corrections(filing: Filing) -> list[FilingCorrection]:
    """The reasons of the last return (uses the prefetched corrections)."""
    corrections = list(filing.corrections.all())
    if not corrections:
        return []
    last = max(c.round for c in corrections)
    return [c for c in corrections if c.round == last]


def document_for_download(*, user, pk: int) -> FilingDocument:
    return get_object_or_404(FilingDocument.objects.for_user(user).select_related("filing"), pk=pk)


def receipt_for(*, user, pk: int) -> Filing:
    """A filed filing's receipt page; 404 unless filed and in scope."""
    queryset = Filing.objects.for_user(user).filter(status=Filing.Status.FILED).select_related(
        "institution", "institution__street", "institution__registration_authority", "decided_by"
    ).prefetch_related(Prefetch("classes", queryset=FilingClass.objects.order_by("position", "pk")))
    return get_object_or_404(queryset, pk=pk)


@dataclass(frozen=True)
class QueueEntry:
    filing: Filing
    receipt_days_left: int
    notice_days_left: int
    light: str  # red / yellow / green
    receipt_unverified: bool = False  # counted across a year whose holidays are not loaded
    notice_unverified: bool = False

    @property
    def overdue(self) -> bool:
        return self.receipt_days_left < 0

    @property
    def unverified(self) -> bool:
        return self.receipt_unverified or self.notice_unverified


@dataclass(frozen=True)
class ReviewQueue:
    """The submitted filings with their working days left, and whether the
    page may say that statutory holidays and 调休 are counted (only when every
    deadline shown, and today, fall in years whose arrangement is loaded)."""

    entries: list[QueueEntry]
    holidays_counted: bool
    loaded_years: frozenset[int] = frozenset()
    unverified_text: str = UNVERIFIED_TEXT

    def __iter__(self):
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __getitem__(self, index):
        return self.entries[index]


def light_for(days_left: int) -> str:
    if days_left <= 0:
        return "red"
    if days_left <= settings.FILING_QUEUE_YELLOW_DAYS:
        return "yellow"
    return "green"


def _submitted_on(filing: Filing) -> dt.date | None:
    return clock.date_of(filing.submitted_at) if filing.submitted_at else None


def _unverified(calendar: WorkdayCalendar, filing: Filing, due: dt.date | None, today: dt.date | None) -> bool:
    if due is None:
        return False
    start = _submitted_on(filing) or due
    return calendar.deadline_unverified(counted_from=start, due=due, today=today)


def review_queue(*, user, today: dt.date | None = None) -> ReviewQueue:
    """Submitted filings, fewest working days left first, coloured by them,
    each deadline marked when it is counted across a year not loaded.
    Two queries whatever the queue length (filings; the calendar's days and
    loaded years in one), nothing per row."""
    today = today or clock.today()
    filings = list(
        Filing.objects.for_user(user).filter(status=Filing.Status.SUBMITTED)
        .select_related("institution", "institution__street")
        .order_by("receipt_due_on", "submitted_at", "pk")
    )
    dates = [f.receipt_due_on for f in filings if f.receipt_due_on] + [f.notice_due_on for f in filings if f.notice_due_on]
    dates += [d for d in map(_submitted_on, filings) if d]
    calendar = WorkdayCalendar(min([today, *dates]), max([today, *dates]))
    entries = []
    for filing in filings:
        receipt_left = calendar.working_days_left(filing.receipt_due_on, today) if filing.receipt_due_on else 0
        notice_left = calendar.working_days_left(filing.notice_due_on, today) if filing.notice_due_on else 0
        entries.append(QueueEntry(
            filing, receipt_left, notice_left, light_for(receipt_left),
            receipt_unverified=_unverified(calendar, filing, filing.receipt_due_on, today),
            notice_unverified=_unverified(calendar, filing, filing.notice_due_on, today),
        ))
    entries.sort(key=lambda e: (e.receipt_days_left, e.filing.submitted_at or clock.now(), e.filing.pk))
    counted = calendar.is_year_loaded(today.year) and not any(e.unverified for e in entries)
    return ReviewQueue(entries, counted, frozenset(calendar.loaded_years))


@dataclass(frozen=True)
class FilingDeadlines:
    """A filing's deadlines as its page shows them: marked 待复核 when counted
    across a year whose holiday arrangement is not loaded."""

    receipt_unverified: bool = False
    notice_unverified: bool = False
    text: str = UNVERIFIED_TEXT

    @property
    def unverified(self) -> bool:
        return self.receipt_unverified or self.notice_unverified


def filing_deadlines(filing: Filing) -> FilingDeadlines:
    """One query (the loaded years), whatever the filing's state, so the page
    costs the same before and after submission."""
    calendar = WorkdayCalendar(clock.today(), clock.today(), exceptions={}, loaded_years=HolidayYear.objects.loaded())
    return FilingDeadlines(
        receipt_unverified=_unverified(calendar, filing, filing.receipt_due_on, None),
        notice_unverified=_unverified(calendar, filing, filing.notice_due_on, None),
    )


# The State Council publishes next year's arrangement around November.
HOLIDAY_NOTICE_FROM_MONTH = 11


def holiday_arrangement_notice(*, user, on: dt.date | None = None, loaded_years: Iterable[int] | None = None) -> str:
    """From 1 November, coordinators are reminded until next year's holiday
    arrangement is loaded (and all year if the current one is not). Empty for
    everyone else; one query for a coordinator (none given the loaded years a
    calendar has read already), none otherwise."""
    if not is_coordinator(user):
        return ""
    on = on or clock.today()
    wanted = [on.year, on.year + 1] if on.month >= HOLIDAY_NOTICE_FROM_MONTH else [on.year]
    if loaded_years is None:
        loaded = set(HolidayYear.objects.filter(year__in=wanted).values_list("year", flat=True))
    else:
        loaded = set(loaded_years)
    missing = [year for year in wanted if year not in loaded]
    if not missing:
        return ""
    years = "、".join(f"{year}年" for year in missing)
    return f"{years}节假日安排尚未导入：请按国务院办公厅通知用 manage.py load_holidays 导入，或在后台编辑。"


def returned_filings(*, user) -> QuerySet[Filing]:
    return (
        Filing.objects.for_user(user).filter(status=Filing.Status.RETURNED)
        .select_related("institution", "institution__street").order_by("updated_at")
    )


# --- registrations ------------------------------------------------------------------------


def registrations_for_user(user) -> QuerySet[Registration]:
    return Registration.objects.for_user(user).select_related(
        "institution", "institution__street", "authority", "recorded_by"
    )


def registrations_awaiting_filing(*, user) -> QuerySet[Registration]:
    """The Health Commission's inbox of registrations pushed by the authorities
    whose institution has not been filed yet."""
    return registrations_for_user(user).filter(institution__status=Institution.Status.REGISTERED).order_by("pushed_at")


# --- public -------------------------------------------------------------------------------

PUBLIC_FIELDS = (
    "pk", "name", "address", "street__name", "capacity", "is_inclusive", "is_demonstration", "public_phone",
    *SERVICE_FIELDS.values(),
)


def directory_entries(*, q: str = "", street_id: int | None = None, service_type: str = "") -> QuerySet[Institution]:
    """The public directory: filed, not cancelled institutions, public fields only
    (nothing about staff, contacts or credit codes)."""
    queryset = Institution.objects.publicly_listed().select_related("street").only(
        "name", "address", "street__name", "capacity", "is_inclusive", "is_demonstration", "public_phone",
        "category", *SERVICE_FIELDS.values(),
    ).annotate(quality_grade=confirmed_grade())
    q = (q or "").strip()
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(address__icontains=q))
    if street_id:
        queryset = queryset.filter(street_id=street_id)
    if service_type in SERVICE_FIELDS:
        queryset = queryset.filter(**{SERVICE_FIELDS[ServiceType(service_type)]: True})
    return queryset.order_by("street__position", "name", "pk")


def public_noncompliance_notices(*, limit: int = 50) -> QuerySet[Filing]:
    """Reasoned non-compliance notices, made public (25号文)."""
    return (
        Filing.objects.filter(status=Filing.Status.NONCOMPLIANT)
        .select_related("institution").only("institution__name", "decided_at", "noncompliance_reason", "kind")
        .order_by("-decided_at")[:limit]
    )


# --- roster export ------------------------------------------------------------------------


def registration_authorities() -> dict[str, Department]:
    """The three registration authorities (task 8) by name."""
    return {d.name: d for d in Department.objects.filter(name__in=rules.REGISTRATION_AUTHORITIES)}


# --- quality assessment and enrolment (issue 15) ------------------------------------------------


def confirmed_grade():
    """The latest confirmed quality grade of each institution, as a subquery (one query for a list)."""
    return Subquery(
        Assessment.objects.filter(institution=OuterRef("pk"), status=Assessment.Status.CONFIRMED)
        .order_by("-confirmed_on", "-pk").values("grade")[:1]
    )


def assessments_of(*, user, institution: Institution) -> QuerySet[Assessment]:
    return Assessment.objects.for_user(user).filter(institution=institution).select_related(
        "standard", "confirmed_by").order_by("-created_at", "-pk")


def latest_confirmed_assessment(institution: Institution) -> Assessment | None:
    return (Assessment.objects.filter(institution=institution, status=Assessment.Status.CONFIRMED)
            .order_by("-confirmed_on", "-pk").first())


def assessment_detail(*, user, pk: int) -> Assessment:
    queryset = Assessment.objects.for_user(user).select_related("institution", "standard", "confirmed_by")
    return get_object_or_404(queryset, pk=pk)


def assessment_sheet(assessment: Assessment) -> list[tuple[QualityDimension, list[AssessmentScore]]]:
    """The assessment's scores grouped under the standard's dimensions (two queries)."""
    scores = list(AssessmentScore.objects.filter(assessment=assessment).select_related("item__dimension"))
    groups: dict[int, tuple[QualityDimension, list[AssessmentScore]]] = {}
    for score in scores:
        groups.setdefault(score.item.dimension_id, (score.item.dimension, []))[1].append(score)
    return list(groups.values())


def enrolments_of(*, user, institution: Institution, limit: int = 24) -> QuerySet[EnrolmentReport]:
    return EnrolmentReport.objects.for_user(user).filter(institution=institution).select_related(
        "reported_by").order_by("-period")[:limit]
