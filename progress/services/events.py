"""Who is told of a progress event, and in what words (inbox_notify, e-mail as each prefers).

Called by the acting service inside its transaction, after the state change:
the message exists if and only if the action committed; the actor is never
told of their own action (inbox_notify's `actor`)."""
from __future__ import annotations

from django.urls import reverse

from accounts import audiences
from notifications.services import inbox_notify_all  # the inbox sits low, beside the history (ARCHITECTURE)
from tasks.labels import item_label

from ..models import ProgressReport, SupervisionNotice

REPORT, NOTICE = "report", "notice"  # notifications.models.Notification.Category


def _report_subject(report: ProgressReport) -> str:
    task = report.assignment.task
    return (f"{item_label(task.kind, task.number)} {task.title} · {report.period.label}进展报告"
            f"（{report.assignment.department.name}）")


def _who(user) -> str:
    return str(user) if user is not None else "系统"


def report_submitted(*, report: ProgressReport, actor) -> None:
    """Submitted (or resubmitted) → the unit's leaders, who approve it."""
    again = "重新" if report.state == ProgressReport.State.RESUBMITTED else ""
    inbox_notify_all(
        users=audiences.unit_leaders(report.assignment.department_id), actor=actor, category=REPORT,
        title=f"待审核：{_report_subject(report)}",
        body=f"{_who(actor)}{again}提交了进展报告，请审核。",
        url=reverse("progress:report", args=[report.pk]),
    )


def _author(report: ProgressReport):
    return report.submitted_by or report.created_by


def report_reviewed(*, report: ProgressReport, actor) -> None:
    """Approved or returned → its author."""
    if report.state == ProgressReport.State.RETURNED:
        title = f"已退回：{_report_subject(report)}"
        body = f"{_who(actor)}退回了您的进展报告，退回原因：{report.return_reason}\n请修改后重新提交。"
    else:
        title = f"已审核通过：{_report_subject(report)}"
        body = f"{_who(actor)}审核通过了您的进展报告。"
    inbox_notify_all(users=[_author(report)], actor=actor, category=REPORT, title=title, body=body,
                     url=reverse("progress:report", args=[report.pk]))


def _notice_subject(notice: SupervisionNotice) -> str:
    task = notice.assignment.task
    return f"督办单 {notice.number}（{item_label(task.kind, task.number)} {task.title}）"


def notice_issued(*, notice: SupervisionNotice, actor) -> None:
    """Issued → the unit's officers and leaders, who answer it."""
    inbox_notify_all(
        users=audiences.unit_staff(notice.assignment.department_id), actor=actor, category=NOTICE,
        title=f"收到{_notice_subject(notice)}",
        body=f"督办事由：{notice.reason}\n请于{notice.reply_due:%Y年%m月%d日}前答复。",
        url=reverse("progress:notice", args=[notice.pk]),
    )


def notice_replied(*, notice: SupervisionNotice, actor) -> None:
    """Answered → the coordinator who issued it."""
    inbox_notify_all(
        users=[notice.issued_by], actor=actor, category=NOTICE,
        title=f"{notice.assignment.department.name}已答复{_notice_subject(notice)}",
        body=f"{_who(actor)}答复：{notice.reply_text}",
        url=reverse("progress:notice", args=[notice.pk]),
    )
