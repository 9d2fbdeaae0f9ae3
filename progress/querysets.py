"""Who may see what of the progress domain: the scoping rules of this app.

Drafts belong to the unit writing them: nobody outside that unit (not the
lead unit, not the coordinator) reads a draft. The lead unit of a task reads
every responsible unit's submitted reports on it."""
from django.db import models

from accounts.roles import READS_TASKS, has_role, sees_all, unit_id
from core.clock import day_end
from core.scoping import ScopedQuerySet
from tasks.models import Milestone, WorkItem


def _staff_department(user):
    return unit_id(user)


class ReportingPeriodQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        # Calendars are not secret: anyone who reads tasks reads the periods.
        return self if has_role(user, READS_TASKS) else self.none()


class ProgressReportQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        draft = models.Q(state="draft")
        if sees_all(user):
            return self.exclude(draft)
        dept = _staff_department(user)
        if dept:
            return self.filter(
                models.Q(assignment__department_id=dept)
                | (models.Q(assignment__task__lead_unit_id=dept) & ~draft)
            )
        return self.none()

    def reviewable(self):
        return self.filter(state__in=["submitted", "resubmitted"])


class ReportFileQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        from .models import ProgressReport  # inside: progress.models imports this module (cycle at app loading)

        return self.filter(report__in=ProgressReport.objects.visible_to(user).values("pk"))


class ReportTransitionQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        from .models import ProgressReport  # inside: progress.models imports this module (cycle at app loading)

        return self.filter(report__in=ProgressReport.objects.visible_to(user).values("pk"))


class LeadSummaryQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        if sees_all(user):
            return self
        dept = _staff_department(user)
        if dept:
            return self.filter(task__in=WorkItem.objects.visible_to(user).values("pk"))
        return self.none()


def notice_open_q(on, *, prefix: str = "") -> models.Q:
    """A 督办单 open at the end of D: issued by then, neither answered nor closed by then."""
    end = day_end(on)
    return (
        models.Q(**{f"{prefix}issued_at__lt": end})
        & (models.Q(**{f"{prefix}replied_at__isnull": True}) | models.Q(**{f"{prefix}replied_at__gte": end}))
        & (models.Q(**{f"{prefix}closed_at__isnull": True}) | models.Q(**{f"{prefix}closed_at__gte": end}))
    )


def notice_overdue_q(on, *, prefix: str = "") -> models.Q:
    """Open at the end of D and past its reply deadline (due before D)."""
    return notice_open_q(on, prefix=prefix) & models.Q(**{f"{prefix}reply_due__lt": on})


class SupervisionNoticeQuerySet(ScopedQuerySet):
    def open_at(self, *, on):
        return self.filter(notice_open_q(on))

    def overdue_at(self, *, on):
        return self.filter(notice_overdue_q(on))

    def visible_to(self, user):
        if sees_all(user):
            return self
        dept = _staff_department(user)
        if dept:
            return self.filter(assignment__department_id=dept)
        return self.none()


class NoticeFileQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        from .models import SupervisionNotice  # inside: progress.models imports this module (cycle at app loading)

        return self.filter(notice__in=SupervisionNotice.objects.visible_to(user).values("pk"))


class CompletionQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        if sees_all(user):
            return self
        dept = _staff_department(user)
        if dept:
            return self.filter(
                models.Q(assignment__department_id=dept) | models.Q(assignment__task__lead_unit_id=dept)
            )
        return self.none()


class MilestoneFileQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        return self.filter(milestone__in=Milestone.objects.visible_to(user).values("pk"))
