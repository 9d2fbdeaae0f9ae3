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
    stdout.write(
        f"已生成{today:%Y-%m-%d}的待办提醒：{len(result.digests)}人，共{result.items}项"
        f"（{result.due}条提醒记录）。"
    )
