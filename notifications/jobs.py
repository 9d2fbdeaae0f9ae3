"""Celery jobs of the reminders (scheduled by celery beat: settings.CELERY_BEAT_SCHEDULE).

Jobs take dates and ids, call services, and are idempotent: with acks_late a
job whose worker died is delivered again, and running it again sends nothing
twice. No job is scheduled with an ETA or countdown longer than the broker's
visibility timeout (Redis would deliver it again and again): the schedule is
beat plus the database, and e-mail retries back off to at most
`retry_countdown_cap()` seconds."""
from __future__ import annotations

import datetime as dt
import logging

from celery import current_app, shared_task
from django.conf import settings

from core import clock
from progress.services import periods_ensure
from tasks.models import Plan

from . import delivery, event_mail
from .models import Digest, ReminderRun

logger = logging.getLogger(__name__)

EMAIL_MAX_RETRIES = 6
EMAIL_RETRY_BASE = 30  # seconds: 30, 60, 120, 240, 480, then the cap


def _day(day: str | None) -> dt.date:
    return dt.date.fromisoformat(day) if day else clock.today()


def visibility_timeout() -> int:
    options = current_app.conf.broker_transport_options or {}
    return int(options.get("visibility_timeout", 3600))


def retry_countdown_cap() -> int:
    """Never wait longer than half the broker's visibility timeout (10 minutes at most)."""
    return min(600, visibility_timeout() // 2)


def retry_countdown(retries: int) -> int:
    return min(EMAIL_RETRY_BASE * 2**retries, retry_countdown_cap())


def digest_time() -> dt.time:
    hour, minute = settings.REMINDER_DIGEST_AT
    return dt.time(hour, minute)


@shared_task(name="notifications.daily_digest", acks_late=True)
def daily_digest(day: str | None = None) -> dict:
    """The daily digest (beat: every day at REMINDER_DIGEST_AT, 08:30 Asia/Shanghai)."""
    result = delivery.reminders_run(on=_day(day), trigger="beat" if day is None else "job")
    logger.info("每日提醒：%s", result.as_dict())
    return result.as_dict()


@shared_task(name="notifications.digest_catch_up", acks_late=True)
def digest_catch_up() -> dict | None:
    """Beat, every half hour in the day: if today's digest has not run (beat or
    broker was down at 08:30), run it now. Does nothing once it has."""
    now = clock.local(clock.now())
    today = now.date()
    if now.time() < digest_time() or delivery.reminders_ran(on=today):
        return None
    running = ReminderRun.objects.filter(
        date=today, kind=Digest.Kind.DAILY, finished_at__isnull=True, started_at__gte=clock.now() - dt.timedelta(hours=1)
    )
    if running.exists():
        return None
    result = delivery.reminders_run(on=today, trigger="catch-up")
    logger.info("每日提醒（补跑）：%s", result.as_dict())
    return result.as_dict()


@shared_task(name="notifications.filing_review_deadlines", acks_late=True)
def filing_review_deadlines(day: str | None = None) -> dict:
    """Beat, working-day afternoons: coordinators are alerted to filings still
    waiting on (or past) their receipt deadline that day. Once per filing and
    day; nothing on days off."""
    result = delivery.reminders_run(on=_day(day), kind=Digest.Kind.FILING_ALERT, trigger="beat")
    return result.as_dict()


@shared_task(name="notifications.open_reporting_periods", acks_late=True)
def open_reporting_periods(day: str | None = None) -> int:
    """Beat, nightly: every plan's reporting periods exist through the next
    one (progress.services.periods_ensure, idempotent). Returns how many were created."""
    through = _day(day)
    created = 0
    for plan in Plan.objects.in_force(on=through).order_by("pk"):  # drafts and ended plans open none
        created += periods_ensure(plan=plan, through=through)
    return created


@shared_task(bind=True, name="notifications.send_digest_email", acks_late=True, max_retries=EMAIL_MAX_RETRIES)
def send_digest_email(self, digest_id: int) -> str:
    """One digest's e-mail, after the digest committed. Retries with
    exponential backoff; once retries are spent the digest stays "failed" and
    the next daily run queues it again."""
    try:
        return delivery.digest_email_send(digest_id=digest_id)
    except delivery.PermanentEmailError:
        logger.warning("提醒邮件地址被拒收（摘要 %s），不再重试", digest_id)
        return "refused"
    except Exception as exc:
        raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries)) from exc


@shared_task(bind=True, name="notifications.send_event_email", acks_late=True, max_retries=EMAIL_MAX_RETRIES)
def send_event_email(self, notification_id: int) -> str:
    """One workflow message's e-mail ("立即发送"), after its action committed.
    Sends once even if delivered twice; once retries are spent the message stays
    due and the daily run mails it."""
    try:
        return event_mail.send_one(notification_id=notification_id)
    except Exception as exc:
        raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries)) from exc
