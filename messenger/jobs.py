"""Celery jobs of the messenger: send one delivery (with retries), and the
sweep that re-sends what a broker outage or a lost worker left pending."""
from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.db.models import Q

from core import clock

from . import robots, services
from .models import MessengerDelivery

logger = logging.getLogger(__name__)


def retry_countdowns() -> list[int]:
    # Seconds before each retry (default 1, 5, 30 minutes): all below the Redis visibility timeout.
    return list(settings.MESSENGER_RETRY_SECONDS)


@shared_task(name="messenger.send_delivery", bind=True, acks_late=True, max_retries=None)
def send_delivery(self, delivery_id: int) -> str:
    """Send one delivery. A passing failure (5xx, timeout, rate limit) is retried
    after 1, 5 and 30 minutes, then the delivery is failed; a final one (wrong
    secret or key) is failed at once (services.delivery_send records it)."""
    try:
        return services.delivery_send(delivery_id=delivery_id)
    except robots.RobotError as exc:
        if not exc.retryable:
            logger.warning("工作消息被拒收（投递 %s）：%s", delivery_id, exc)
            return "failed"
        countdowns = retry_countdowns()
        if self.request.retries < len(countdowns):
            raise self.retry(countdown=countdowns[self.request.retries], exc=exc) from exc
        services.delivery_give_up(delivery_id=delivery_id)
        logger.warning("工作消息重试已用尽（投递 %s）：%s", delivery_id, exc)
        return "failed"


@shared_task(name="messenger.sweep_deliveries", acks_late=True)
def sweep_deliveries() -> dict:
    """Beat, every 10 minutes: pending deliveries never attempted for 5 minutes
    (the broker was down at commit) are queued again; those pending past the
    whole retry chain (a worker was lost) too; after a day they are failed."""
    now = clock.now()
    pending = MessengerDelivery.objects.filter(status=MessengerDelivery.Status.PENDING)
    expired = pending.filter(created_at__lt=now - dt.timedelta(days=1)).update(
        status=MessengerDelivery.Status.FAILED, last_error="一天内未能送达，已放弃。"
    )
    chain = dt.timedelta(seconds=sum(retry_countdowns()) + 600)
    never_tried = Q(attempts=0, created_at__lt=now - dt.timedelta(minutes=5))
    silent = Q(attempts__gt=0, last_attempt_at__lt=now - chain)
    stalled = list(
        pending.filter(never_tried | silent, created_at__gte=now - dt.timedelta(days=1))
        .order_by("pk").values_list("pk", flat=True)[:500]
    )
    for pk in stalled:
        services.delivery_dispatch(pk)
    return {"requeued": len(stalled), "expired": expired}
