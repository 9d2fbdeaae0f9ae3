"""Reads of the messenger pages (scoped: coordinators only, see models)."""
from __future__ import annotations

from django.db.models import Count, Q

from .models import MessengerChannel, MessengerDelivery


def channels_for_user(*, user):
    Status = MessengerDelivery.Status
    return (
        MessengerChannel.objects.for_user(user).select_related("unit", "created_by")
        .annotate(sent_count=Count("deliveries", filter=Q(deliveries__status=Status.SENT)),
                  failed_count=Count("deliveries", filter=Q(deliveries__status=Status.FAILED)),
                  pending_count=Count("deliveries", filter=Q(deliveries__status=Status.PENDING)))
    )


def deliveries_for_user(*, user, channel_id: int | None = None, status: str = ""):
    qs = MessengerDelivery.objects.for_user(user).select_related("channel", "channel__unit")
    if channel_id:
        qs = qs.filter(channel_id=channel_id)
    if status in MessengerDelivery.Status.values:
        qs = qs.filter(status=status)
    return qs.defer("payload", "title")
