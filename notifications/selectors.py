"""Reads of the notifications domain, always the asking user's own inbox."""
from __future__ import annotations

from django.shortcuts import get_object_or_404

from .delivery import digest_items as items
from .models import Digest, Notification


def unread_count(user) -> int:
    return Notification.objects.for_user(user).unread().count()


def inbox_for_user(*, user, unread_only: bool = False):
    queryset = Notification.objects.for_user(user)
    if unread_only:
        queryset = queryset.unread()
    return queryset.order_by("-created_at", "-id")


def notification_for_user(*, user, pk: int) -> Notification:
    """One message of the user's own inbox; anyone else's is a 404."""
    return get_object_or_404(Notification.objects.for_user(user), pk=pk)


def digest_of(notification: Notification) -> Digest | None:
    return Digest.objects.filter(notification=notification).first()


def digest_items(digest: Digest) -> list:
    """The reminders a digest delivered (plain tuples: rules.digest_lines words them)."""
    return items(digest)
