"""Writes of the notifications domain: the inbox (`inbox_notify`, marking
read). Reminder recording and delivery live in delivery.py."""
from __future__ import annotations

from django.db import transaction

from core import clock
from messenger.services import messenger_enqueue

from .models import Notification

TITLE_MAX = Notification._meta.get_field("title").max_length
URL_MAX = Notification._meta.get_field("url").max_length
CATEGORY_MAX = Notification._meta.get_field("category").max_length


def _clip(text: str, limit: int) -> str:
    text = (text or "").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def inbox_notify(*, user, title: str, body: str = "", url: str = "", category: str = "general") -> Notification:
    """Put one message in a person's in-app inbox (shown with the unread count
    in the header). For other apps: call it inside your service's transaction;
    it only writes a row, so it never depends on the broker or on e-mail."""
    if user is None or getattr(user, "pk", None) is None:
        raise ValueError("inbox_notify 需要一个已保存的用户。")
    title = _clip(title, TITLE_MAX) or "通知"
    url = (url or "").strip()
    if len(url) > URL_MAX:
        raise ValueError(f"链接超过 {URL_MAX} 个字符。")
    if url and not (url.startswith("/") and not url.startswith("//") or url.startswith(("https://", "http://"))):
        raise ValueError("链接须为站内路径（以 / 开头）或 http(s) 地址。")
    note = Notification.objects.create(
        recipient=user,
        title=title,
        body=(body or "").strip(),
        url=url,
        category=(category or Notification.Category.GENERAL)[:CATEGORY_MAX],
    )
    # Work messenger (messenger app): the same message to the unit's group robot, once per unit, after commit.
    messenger_enqueue(recipient=user, category=note.category, title=note.title, body=note.body, url=note.url)
    return note


@transaction.atomic
def notification_mark_read(*, user, notification: Notification) -> Notification:
    """Mark one of the user's own messages read (a no-op if it already is)."""
    if notification.recipient_id != user.pk:
        raise PermissionError("只能标记本人的消息。")
    if notification.read_at is None:
        notification.read_at = clock.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def notifications_mark_all_read(*, user) -> int:
    """Mark every unread message of the user read; returns how many."""
    return Notification.objects.for_user(user).unread().update(read_at=clock.now())
