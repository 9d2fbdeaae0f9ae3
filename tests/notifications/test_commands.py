"""manage.py send_reminders [--date] [--dry-run]: the same job, synchronously."""
import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from notifications.models import Digest, ReminderRun, ReminderSent

pytestmark = pytest.mark.django_db(transaction=True)  # the command commits, and e-mails after commit


def send(*args) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_dry_run_prints_what_would_be_sent_and_writes_nothing(world):
    out = send("--date", "2026-11-28", "--dry-run")
    assert "将要发送给6人" in out
    assert "王督办（coordinator）：2项" in out
    assert "逾期3天仍未提交，请予督办" in out and "演练模式" in out
    assert not ReminderSent.objects.exists() and not Digest.objects.exists() and mail.outbox == []
    assert not ReminderRun.objects.exists()


def test_send_prints_what_it_sent_and_sends_the_e_mail_itself(world):
    out = send("--date", "2026-11-28")
    assert "已向6人发送摘要（7项）" in out
    assert "李填报（a-officer）：1项，邮件：已发送" in out
    assert len(mail.outbox) == 6
    assert ReminderRun.objects.get().trigger == "send_reminders"
    again = send("--date", "2026-11-28")
    assert "新记录0条；已向0人发送摘要（0项）" in again and len(mail.outbox) == 6
    assert "将要发送给0人" in send("--date", "2026-11-28", "--dry-run")


def test_filings_option_runs_the_deadline_alert(world):
    from django.utils import timezone

    from tests.factories import FilingFactory

    FilingFactory(status="submitted", receipt_due_on=dt.date(2026, 12, 1), submitted_at=timezone.now())
    out = send("--date", "2026-12-01", "--filings")
    assert "已向1人发送摘要（1项）" in out and "今日（2026年12月1日）为回执期限" in out
    digest = Digest.objects.get()
    assert digest.kind == "filing_alert" and digest.recipient == world.people.coordinator
    assert digest.notification.title.startswith("备案审核到期提醒")


def test_bad_date_is_refused(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        send("--date", "28/11/2026")
