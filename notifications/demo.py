"""Demo inbox for the embedded default (settings.DEMO_DATA_BUILDERS runs
`build`, after the progress and institutions builders): today's reminder
digest for everyone with something due (demo-officer's overdue reports,
demo-leader's escalations, demo-coordinator's escalations and filings), made
by the same job beat runs at 08:30, plus two ordinary messages.

Idempotent: once any digest exists nothing is created (from then on beat
does the work every morning)."""
from __future__ import annotations

from accounts.models import User
from core import clock
from progress.models import ProgressReport, SupervisionNotice
from progress.services import events as progress_events

from . import delivery
from .models import Digest, Notification
from .services import inbox_notify


def build(*, stdout) -> None:
    if Digest.objects.exists():
        stdout.write("提醒演示数据已存在，跳过。")
        return
    today = clock.today()
    result = delivery.reminders_run(on=today, trigger="demo")
    officer = User.objects.filter(username="demo-officer").first()
    if officer is not None and not Notification.objects.filter(recipient=officer, category="general").exists():
        inbox_notify(
            user=officer, title="欢迎使用渝中区婴幼儿照护服务督办平台",
            body="每天 8:30 平台会把当天到期、逾期的事项汇总成一条待办提醒，同时发送到您的电子邮箱。"
                 "点击提醒中的事项可直接前往办理。",
        )
    _workflow_messages(stdout)
    stdout.write(
        f"已生成{today:%Y-%m-%d}的待办提醒：{len(result.digests)}人，共{result.items}项"
        f"（{result.due}条提醒记录）。"
    )


def _workflow_messages(stdout) -> None:
    """A few workflow messages as the services write them (the demo data itself is bulk-loaded,
    not acted out): demo-leader has reports waiting, demo-officer a returned and an approved one,
    the coordinator a 督办单 answered."""
    State = ProgressReport.State
    leader = User.objects.filter(username="demo-leader").first()
    reports = ProgressReport.objects.select_related("assignment__task", "assignment__department", "period")
    count = 0
    if leader is not None and leader.department_id:
        mine = reports.filter(assignment__department_id=leader.department_id)
        for report in mine.filter(state__in=[State.SUBMITTED, State.RESUBMITTED]).order_by("pk")[:2]:
            progress_events.report_submitted(report=report, actor=report.submitted_by or report.created_by)
            count += 1
        for state in (State.RETURNED, State.APPROVED):
            report = mine.filter(state=state).order_by("-pk").first()
            if report is not None:
                progress_events.report_reviewed(report=report, actor=report.reviewed_by or leader)
                count += 1
    answered = (SupervisionNotice.objects.filter(state=SupervisionNotice.State.ANSWERED, issued_by__isnull=False)
                .select_related("assignment__task", "assignment__department").order_by("pk").first())
    if answered is not None:
        progress_events.notice_replied(notice=answered, actor=answered.replied_by)
        count += 1
    stdout.write(f"已生成{count}条流程消息（报告待审核、退回、通过，督办单答复）。")
