"""Reports and 督办单 as they stood at the end of a date D, for the dashboards
and the Excel report (scoped to the reader; one or two queries each). The
"open at D" and "met by D" rules are the querysets' (progress.timerules lists them)."""
from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery

from core.clock import day_end
from progress.models import ProgressReport, ReportTransition, SupervisionNotice
from progress.querysets import notice_overdue_q

State = ProgressReport.State


def notice_counts(*, user, assignments: QuerySet, on: dt.date) -> dict[int, dict]:
    """department id → {open, overdue}: notices open at the end of D (issued,
    neither answered nor closed by then); overdue = past the reply deadline."""
    rows = (
        SupervisionNotice.objects.for_user(user).filter(assignment__in=assignments.values("pk"))
        .open_at(on=on)
        .values("assignment__department_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=notice_overdue_q(on)))
    )
    return {r["assignment__department_id"]: {"open": r["open"], "overdue": r["overdue"]} for r in rows}


def open_notices(*, user, on: dt.date, limit: int = 50, **filters) -> list[SupervisionNotice]:
    return list(
        SupervisionNotice.objects.for_user(user).filter(**filters).open_at(on=on)
        .select_related("assignment__task__plan", "assignment__department")
        .order_by("reply_due", "pk")[:limit]
    )


def latest_approved(*, user, assignments: QuerySet, on: dt.date, period_start: dt.date | None = None
                    ) -> dict[int, ProgressReport]:
    """assignment id → its latest report approved by D (of one period, if
    given): two queries. The latest period first, then the highest version."""
    end = day_end(on)
    newest = ProgressReport.objects.for_user(user).filter(assignment=OuterRef("pk"), approved_at__lt=end)
    if period_start is not None:
        newest = newest.filter(period__start=period_start)
    newest = newest.order_by("-period__start", "-version").values("pk")[:1]
    ids = dict(
        assignments.annotate(latest_report=Subquery(newest)).filter(latest_report__isnull=False)
        .values_list("pk", "latest_report")
    )
    if not ids:
        return {}
    reports = ProgressReport.objects.select_related("period").in_bulk(list(ids.values()))
    return {assignment_id: reports[report_id] for assignment_id, report_id in ids.items() if report_id in reports}



def returned_as_of(*, user, on: dt.date, limit: int = 30, **filters) -> list[ProgressReport]:
    """Reports whose latest step by the end of D was a return (one query).
    Candidates: returns in the 13 months before D."""
    end = day_end(on)
    later = ReportTransition.objects.filter(report=OuterRef("report"), at__gt=OuterRef("at"), at__lt=end)
    steps = (
        ReportTransition.objects.filter(to_state=State.RETURNED, at__lt=end, at__gte=end - dt.timedelta(days=400))
        .filter(**{f"assignment__{k}": v for k, v in filters.items()})
        .exclude(Exists(later))
    )
    return list(
        ProgressReport.objects.for_user(user).filter(pk__in=steps.values("report_id"))
        .select_related("assignment__task__plan", "period", "reviewed_by")
        .order_by("-reviewed_at", "-pk")[:limit]
    )

