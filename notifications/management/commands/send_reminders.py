"""Run the daily reminder job synchronously: for cron, or catching up after an
outage (the broker is not needed: e-mails are sent in this process)."""
import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from core import clock
from notifications import delivery
from notifications.models import Digest


class Command(BaseCommand):
    help = "发送每日待办提醒（与定时任务相同；可重复执行，不会重复发送）。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="提醒日期 YYYY-MM-DD（默认今天）")
        parser.add_argument("--dry-run", action="store_true", help="只列出将要发送的提醒，不写入、不发送")
        parser.add_argument("--filings", action="store_true", help="运行下午的备案审核到期提醒，而非每日摘要")

    def handle(self, *args, **options):
        try:
            on = dt.date.fromisoformat(options["date"]) if options["date"] else clock.today()
        except ValueError:
            raise CommandError("日期格式应为 YYYY-MM-DD。") from None
        kind = Digest.Kind.FILING_ALERT if options["filings"] else Digest.Kind.DAILY
        if options["dry_run"]:
            result = delivery.reminders_preview(on=on, kind=kind)
            people = User.objects.in_bulk(list(result.preview))
            self.stdout.write(f"{on} 共有{result.due}条应提醒；尚未发送、将要发送给{len(result.preview)}人：")
            for person_id, lines in result.preview.items():
                self._person(people.get(person_id), lines)
            self.stdout.write("（演练模式：未写入、未发送。）")
            return
        result = delivery.reminders_run(on=on, kind=kind, trigger="send_reminders", email_now=True)
        people = User.objects.in_bulk([d.digest.recipient_id for d in result.digests])
        email_status = dict(
            Digest.objects.filter(pk__in=[d.digest.pk for d in result.digests]).values_list("pk", "email_status")
        )
        labels = dict(Digest.EmailStatus.choices)
        self.stdout.write(
            f"{on} 共有{result.due}条应提醒，新记录{result.new}条；已向{len(result.digests)}人发送摘要"
            f"（{result.items}项）；补发邮件{result.requeued}封。"
        )
        for delivered in result.digests:
            self._person(people.get(delivered.digest.recipient_id), delivered.lines,
                         email=labels[email_status[delivered.digest.pk]])

    def _person(self, user, lines, email=""):
        who = f"{user}（{user.username}）" if user else "（已删除的用户）"
        suffix = f"，邮件：{email}" if email else ""
        self.stdout.write(f"- {who}：{len(lines)}项{suffix}")
        for line in lines:
            self.stdout.write(f"    · {line['text']}")
