"""Celery jobs of regulation (beat: settings.CELERY_BEAT_SCHEDULE). Idempotent: a job run
twice, or delivered again, sends nothing twice (regulation.reminders)."""
from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task

from core import clock

from . import reminders

logger = logging.getLogger(__name__)


@shared_task(name="regulation.daily_reminders", acks_late=True)
def daily_reminders(day: str | None = None) -> dict:
    """Beat, every morning: rectifications due or overdue, expiring 健康证明 and certificates,
    complaints past their reply deadline."""
    on = dt.date.fromisoformat(day) if day else clock.today()
    run = reminders.remind(on=on)
    logger.info("监管提醒 %s：%s 条", on, run.sent)
    return {"day": on.isoformat(), "sent": run.sent, **run.kinds}
