"""E-mail of workflow messages (inbox_notify(email=True)), as each recipient prefers.

- "立即发送": the message is marked NOW in its action's transaction; after
  commit a Celery job (jobs.send_event_email) sends it. A broker outage only
  delays it: the daily run sends whatever is still NOW.
- "汇入每日邮件": marked DIGEST; the daily digest run (delivery.reminders_run)
  sends each such person one e-mail listing their new messages.
- "不发送邮件": nothing is marked, nothing is sent.

Every send locks the message rows first and sends only rows still due, so a
job delivered twice, or a job racing the daily run, mails a message once."""
from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction

from core import clock

from .links import absolute
from .models import Notification

logger = logging.getLogger(__name__)

Status = Notification.EmailStatus
DUE = [Status.NOW, Status.DIGEST]


def _site() -> str:
    return str(settings.PORTAL["SITE_TITLE"])


def _text(note: Notification) -> str:
    parts = [note.title]
    if note.body:
        parts.append(note.body)
    if note.url:
        parts.append(f"办理链接：{absolute(note.url)}")
    return "\n".join(parts)


def dispatch(notification_id: int) -> None:
    """After commit: queue the e-mail job. Never raises (the request is done):
    with the broker down the message stays NOW and the daily run sends it."""
    try:
        from .jobs import send_event_email  # inside: notifications.jobs imports delivery, which imports this (cycle)

        send_event_email.apply_async(args=[notification_id], retry=False)
    except Exception:  # noqa: BLE001 - a request must not fail for this
        logger.warning("消息邮件未能排队（消息 %s），将由每日提醒补发", notification_id, exc_info=True)


def send_one(*, notification_id: int) -> str:
    """Send one message now ("sent"), or nothing if it is no longer due ("already", "skipped")."""
    with transaction.atomic():
        note = (Notification.objects.select_for_update(of=("self",)).select_related("recipient")
                .filter(pk=notification_id).first())
        if note is None or note.email_status not in DUE:
            return "already"
        recipient = note.recipient
        if not recipient.email or not recipient.is_active:
            Notification.objects.filter(pk=note.pk).update(email_status=Status.NONE)
            return "skipped"
        EmailMessage(f"【{_site()}】{note.title}", _text(note) + "\n", settings.DEFAULT_FROM_EMAIL,
                     [recipient.email]).send()
        Notification.objects.filter(pk=note.pk).update(email_status=Status.SENT, emailed_at=clock.now())
        return "sent"


def digest_send(*, recipient_id: int, on: dt.date) -> int:
    """One e-mail with every message still due for this person; returns how many it listed."""
    with transaction.atomic():
        notes = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(recipient_id=recipient_id, email_status__in=DUE).order_by("created_at", "pk")
        )
        if not notes:
            return 0
        recipient = notes[0].recipient
        ids = [n.pk for n in notes]
        if not recipient.email or not recipient.is_active:
            Notification.objects.filter(pk__in=ids).update(email_status=Status.NONE)
            return 0
        lines = [f"{n}. {clock.local(note.created_at):%m-%d %H:%M} {_text(note)}" for n, note in enumerate(notes, 1)]
        subject = f"【{_site()}】{on.year}年{on.month}月{on.day}日消息汇总：共{len(notes)}条"
        body = "您有以下新消息：\n\n" + "\n\n".join(lines) + "\n"
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email]).send()
        Notification.objects.filter(pk__in=ids).update(email_status=Status.SENT, emailed_at=clock.now())
        return len(notes)


def digests_send(*, on: dt.date) -> int:
    """The daily run's part: each person with messages still due gets one e-mail.
    A mail failure for one person is logged and retried by the next run."""
    people = list(Notification.objects.filter(email_status__in=DUE).order_by("recipient_id")
                  .values_list("recipient_id", flat=True).distinct())
    sent = 0
    for person in people:
        try:
            sent += 1 if digest_send(recipient_id=person, on=on) else 0
        except Exception:  # noqa: BLE001 - one bad address must not stop the others
            logger.warning("消息汇总邮件发送失败（用户 %s），下次运行重试", person, exc_info=True)
    return sent
