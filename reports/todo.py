"""The coordinator's 待办: what waits for the district's coordinator today, read
through the apps' own selectors and scopes. Five queries whatever the amount of
data (pinned at two sizes): the filings and the calendar
(institutions.selectors.review_queue), the completion claims, the overdue
notices, the reports returned twice, the rectifications past their deadline
(regulation.selectors.rectifications_overdue)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q

from core import clock
from institutions.selectors import ReviewQueue, review_queue
from progress.models import ProgressReport, SupervisionNotice
from progress.selectors import completions_to_decide
from regulation.selectors import rectifications_overdue
from tasks.models import Plan

# A report sent back this many times or more is the coordinator's to look at.
RETURNED_TIMES = 2
SHOWN = 50  # per section; the count above each says how many there are


@dataclass(frozen=True)
class CoordinatorTodo:
    today: dt.date
    filings: ReviewQueue  # by working days left, fewest first
    completions: list
    overdue_notices: list
    returned_twice: list
    rectifications: list  # past their deadline, oldest first

    @property
    def empty(self) -> bool:
        return not (len(self.filings) or self.completions or self.overdue_notices or self.returned_twice
                    or self.rectifications)


def coordinator_todo(*, user, on: dt.date | None = None) -> CoordinatorTodo:
    today = on or clock.today()
    completions = list(completions_to_decide(user=user)[:SHOWN])
    overdue = list(
        SupervisionNotice.objects.for_user(user).overdue_at(on=today)
        .filter(assignment__task__plan__status=Plan.Status.IN_FORCE)
        .select_related("assignment__task", "assignment__department").order_by("reply_due", "pk")[:SHOWN]
    )
    returned = list(
        ProgressReport.objects.for_user(user)
        .filter(state__in=[ProgressReport.State.RETURNED, ProgressReport.State.RESUBMITTED],
                assignment__task__plan__status=Plan.Status.IN_FORCE)
        .annotate(times_returned=Count("transitions", filter=Q(transitions__to_state=ProgressReport.State.RETURNED)))
        .filter(times_returned__gte=RETURNED_TIMES)
        .select_related("assignment__task", "assignment__department", "period")
        .order_by("last_submitted_at", "pk")[:SHOWN]
    )
    return CoordinatorTodo(
        today=today, filings=review_queue(user=user, today=today), completions=completions,
        overdue_notices=overdue, returned_twice=returned,
        rectifications=list(rectifications_overdue(on=today, user=user)[:SHOWN]),
    )
